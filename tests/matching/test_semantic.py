"""The multilingual meaning model: requests read in parts, and the roster phrases they mean."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from matching import ExpertProfile, RequestProfile, SemanticSimilarity
from matching._semantic import DIMENSIONS, parts, words_in


class WordEncoder:
    """A stand-in encoder: each word is one hashed dimension, so a vector says which words a
    text holds. It counts its calls and the texts it read."""

    def __init__(self) -> None:
        self.calls = 0
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts += texts
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                vectors[row, zlib.crc32(word.encode()) % DIMENSIONS] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return vectors / norms


def dimension(word: str) -> int:
    return zlib.crc32(word.encode()) % DIMENSIONS


def profile(expert_id: int, title: str, skills: tuple[str, ...]) -> ExpertProfile:
    return ExpertProfile(
        expert_id=expert_id, title=title, summary="", skills=skills, areas=(),
        languages={"en": "C1"}, years_experience=10, available_from=date(2027, 1, 1),
        available_until=None, modalities=("consultant",),
    )  # fmt: skip


def request(title: str, terms: str, skills: tuple[str, ...] = ()) -> RequestProfile:
    return RequestProfile(
        title=title, terms_of_reference=terms, area="justice", required_skills=skills,
        languages={}, min_years_experience=0, start_date=date(2027, 3, 1), duration_months=6,
        modality="consultant",
    )  # fmt: skip


ROSTER = [
    profile(1, "police commissioner", ("supervise police operations", "manage police personnel")),
    profile(2, "water engineer", ("design water supply networks", "assess water quality")),
    profile(3, "public finance accountant", ("prepare public budgets", "audit public accounts")),
    profile(4, "electoral officer", ("plan voter registration", "train polling staff")),
]
FILLER = "The mission supports the host government and works with its partners. "


# ---- cutting a request into parts ----------------------------------------------------------


def test_words_are_counted_in_every_script():
    assert words_in("Les commissaires coordonnent l'activité.") == 5
    assert words_in("Сотрудники разведки составляют отчеты") == 4
    assert words_in("消防专员负责") == 6  # no spaces: each Han character counts
    assert words_in("操作 ERMS 系统") == 5


def test_a_short_text_is_one_part():
    text = "Police inspectors supervise a division. They assign tasks."
    assert parts(text, max_words=120, max_parts=4) == [text]


def test_a_long_text_is_cut_at_sentence_ends_and_loses_no_word():
    sentences = [f"Sentence number {n} has exactly seven words." for n in range(10)]
    text = " ".join(sentences)
    cut = parts(text, max_words=15, max_parts=10)
    assert all(words_in(p) <= 15 for p in cut)
    assert all(p.endswith(".") for p in cut)  # whole sentences
    assert " ".join(cut) == text


def test_parts_beyond_the_limit_are_dropped():
    text = " ".join(f"Sentence {n} is here." for n in range(20))
    cut = parts(text, max_words=8, max_parts=3)
    assert len(cut) == 3
    assert cut[0].startswith("Sentence 0") and "Sentence 19" not in " ".join(cut)


def test_a_sentence_longer_than_a_part_is_sliced_without_losing_characters():
    sentence = "word " * 25 + "end."
    cut = parts(sentence, max_words=10, max_parts=5)
    assert [words_in(p) for p in cut] == [10, 10, 6]
    assert " ".join(cut) == sentence.strip()


def test_chinese_arabic_and_line_breaks_end_sentences():
    assert parts("消防专员负责监督。他们开展安全检查。", 8, 5) == [
        "消防专员负责监督。",
        "他们开展安全检查。",
    ]
    assert parts("هل هذا واضح؟ نعم هو واضح", 3, 5) == ["هل هذا واضح؟", "نعم هو واضح"]
    assert parts("Duties:\n- supervise staff\n- write reports", 2, 5) == [
        "Duties:", "- supervise staff", "- write reports",
    ]  # fmt: skip


# ---- the request's vector ------------------------------------------------------------------


def fitted(**params: object) -> tuple[SemanticSimilarity, WordEncoder]:
    encoder = WordEncoder()
    model = SemanticSimilarity(encoder=encoder, dimensions=None, **params).fit(ROSTER)
    return model, encoder


def test_the_duties_after_a_long_preamble_still_count():
    # 150 words of background, then the duties: read whole, not cut at the first 120 words.
    terms = FILLER * 13 + "Supervise police operations and manage police personnel."
    model, _ = fitted()
    vector = model.request_vector(request("officer", terms))
    truncated, _ = fitted(max_query_parts=1)
    assert vector[dimension("police")] > 0
    assert truncated.request_vector(request("officer", terms))[dimension("police")] == 0


def test_parts_count_by_their_words():
    # A one-sentence tail does not weigh as much as the 100 words before it.
    model, _ = fitted(max_query_words=100)
    vector = model.request_vector(request("", "water " * 99 + "water. Police."))
    assert vector[dimension("water")] > 5 * vector[dimension("police")] > 0


def test_the_vector_is_unit_length_and_projected_like_the_profiles():
    encoder = WordEncoder()
    phrases = [f"skill number {n}" for n in range(40)]
    roster = [profile(n, f"title {n}", (phrases[n],)) for n in range(40)]
    model = SemanticSimilarity(encoder=encoder, dimensions=16).fit(roster)
    vector = model.request_vector(request("title 3", "skill number 3"))
    assert vector.shape == (16,)
    assert float(np.linalg.norm(vector)) == pytest.approx(1.0, rel=1e-5)


# ---- the roster phrases a request means ----------------------------------------------------


def test_the_nearest_roster_phrases_of_the_title_and_of_each_part():
    model, _ = fitted(expansion=2)
    phrases = model.request_phrases(request("water engineer", "Assess water quality."))
    assert phrases[:2] == ("water engineer", "assess water quality")  # nearest to the title
    assert phrases[2] == "assess water quality"  # nearest to the text
    assert len(phrases) == 4


def test_no_expansion_means_no_phrases():
    model, _ = fitted(expansion=0)
    assert model.request_phrases(request("water engineer", "Assess water quality.")) == ()


def test_a_request_is_encoded_once_for_both_signals():
    model, encoder = fitted()
    calls = encoder.calls
    req = request("police commissioner", "Supervise police operations.")
    model.request_phrases(req)
    model.request_vector(req)
    model.request_vector(replace(req, languages={"fr": "B2"}))  # same texts, same reading
    assert encoder.calls == calls + 1
    model.request_vector(replace(req, title="water engineer"))
    assert encoder.calls == calls + 2


def test_phrases_learnt_later_can_be_found():
    model, _ = fitted(expansion=1)
    req = request("court registrar", "Register court cases.")
    before = model.request_phrases(req)
    model.profile_vectors([profile(9, "court registrar", ("register court cases",))])
    after = model.request_phrases(req)
    assert "court registrar" not in before and after[0] == "court registrar"


@pytest.mark.parametrize(
    "title, terms",
    [
        ("начальник полиции", "Руководит работой отдела полиции и его сотрудниками."),
        ("警察局长", "负责领导警察部门的行动并管理警务人员。"),
        ("مفوض الشرطة", "يشرف على عمليات الشرطة ويدير أفراد الشرطة."),
        ("comisario de policía", "Supervisa las operaciones policiales y dirige al personal."),
    ],
)
def test_a_request_in_another_language_means_the_english_phrases_that_fit(title, terms):
    model = SemanticSimilarity().fit(ROSTER)  # the real multilingual encoder
    phrases = model.request_phrases(request(title, terms))
    assert "police" in phrases[0] and "police" in phrases[model.expansion]
