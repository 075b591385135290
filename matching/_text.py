"""Text similarity between requests and expert profiles.

Profiles are mostly English; terms of reference arrive in English, French, Spanish, Arabic and
other languages. The text signal is the cosine similarity of TF-IDF vectors that combine word
uni/bigrams with character n-grams inside word boundaries: character n-grams match across
inflections and across languages sharing Latin roots (e.g. *administrateur*/*administrator*,
*judiciaire*/*judicial*), which lets a French terms of reference find English profiles.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.utils.validation import check_is_fitted

from matching._records import ExpertProfile, RequestProfile

SMALL_ROSTER = 100


def expert_text(expert: ExpertProfile) -> str:
    """The text of a profile: the title counts twice, then summary and skills."""
    return " \n".join([expert.title, expert.title, expert.summary, " ; ".join(expert.skills)])


def request_text(request: RequestProfile) -> str:
    """The text of a request: title twice, terms of reference, required skills."""
    return " \n".join(
        [
            request.title,
            request.title,
            request.terms_of_reference,
            " ; ".join(request.required_skills),
        ]
    )


class TextSimilarity(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """TF-IDF of word n-grams (and optionally character n-grams), L2-normalised and joined.

    Character n-grams help across inflections and related languages but cost much time to fit
    on a large roster; the multilingual ``SemanticSimilarity`` now carries cross-language
    matching, so they are off by default.

    Parameters
    ----------
    word_weight, char_weight : float
        Relative weights of the word and character parts in the joined vector.
    char_ngram_range : tuple of int or None
        Character n-gram sizes (within word boundaries); None leaves them out.
    max_df : float
        Terms in more than this share of profiles are dropped (they tell profiles apart poorly
        and make every query touch every profile).
    """

    def __init__(
        self,
        word_weight: float = 1.0,
        char_weight: float = 1.0,
        char_ngram_range: tuple[int, int] | None = None,
        max_df: float = 0.5,
    ) -> None:
        self.word_weight = word_weight
        self.char_weight = char_weight
        self.char_ngram_range = char_ngram_range
        self.max_df = max_df

    def fit(self, texts: Iterable[str], y: object = None) -> TextSimilarity:
        texts = list(texts)
        # Document-frequency pruning means something only on a real roster; a handful of
        # profiles (a new deployment, a test) keeps every term.
        large = len(texts) >= SMALL_ROSTER
        max_df = self.max_df if large else 1.0
        # A placeholder keeps the vocabulary non-empty when profiles have no text at all.
        texts = texts + ["civcap"]
        parts: list[tuple[str, TfidfVectorizer]] = [
            (
                "words",
                TfidfVectorizer(
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    min_df=1,
                    max_df=max_df,
                    strip_accents="unicode",
                    dtype=np.float32,
                ),
            )
        ]
        if self.char_ngram_range is not None:
            parts.append(
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char_wb",
                        ngram_range=self.char_ngram_range,
                        sublinear_tf=True,
                        min_df=2 if large else 1,
                        max_df=max_df,
                        strip_accents="unicode",
                        dtype=np.float32,
                    ),
                )
            )
        weights = {"words": self.word_weight, "chars": self.char_weight}
        self.union_ = FeatureUnion(
            parts, transformer_weights={name: weights[name] for name, _ in parts}
        )
        self.union_.fit(texts)
        return self

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Rows of unit length (so that a dot product is a cosine)."""
        check_is_fitted(self, "union_")
        matrix = sp.csr_matrix(self.union_.transform(list(texts)), dtype=np.float32)
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms).dot(matrix), dtype=np.float32)
