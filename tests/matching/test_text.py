"""The lexical text signal: a request's words, and the roster phrases it means, in any language."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from matching import ExpertProfile, RequestProfile, SemanticSimilarity, TextSimilarity
from matching._index import RosterIndex
from matching._text import expert_text, request_text

OCCUPATIONS = [
    ("police commissioner", ("supervise police operations", "manage police personnel")),
    ("water engineer", ("design water supply networks", "assess water quality")),
    ("public finance accountant", ("prepare public budgets", "audit public accounts")),
    ("electoral officer", ("plan voter registration", "train polling staff")),
    ("court registrar", ("register court cases", "manage court records")),
]


def profile(expert_id: int, title: str, skills: tuple[str, ...]) -> ExpertProfile:
    return ExpertProfile(
        expert_id=expert_id, title=title, summary=f"{title.capitalize()} of long experience.",
        skills=skills, areas=(), languages={"en": "C1"}, years_experience=10,
        available_from=date(2027, 1, 1), available_until=None, modalities=("consultant",),
    )  # fmt: skip


def request(title: str, terms: str, skills: tuple[str, ...] = ()) -> RequestProfile:
    return RequestProfile(
        title=title, terms_of_reference=terms, area="security", required_skills=skills,
        languages={}, min_years_experience=0, start_date=date(2027, 3, 1), duration_months=6,
        modality="consultant",
    )  # fmt: skip


def index(semantic: SemanticSimilarity | None) -> RosterIndex:
    roster = [profile(n, title, skills) for n, (title, skills) in enumerate(OCCUPATIONS)]
    text = TextSimilarity()
    matrix = text.fit_transform([expert_text(p) for p in roster])
    built = RosterIndex(text, semantic.fit(roster) if semantic is not None else None)
    built.build(roster, text_matrix=matrix)
    return built


@pytest.fixture(scope="module")
def multilingual() -> RosterIndex:
    return index(SemanticSimilarity())  # the real encoder


def test_request_text_adds_the_roster_phrases_after_its_own_words():
    req = request("commissaire de police", "Supervise une division.", ("manage budgets",))
    text = request_text(req, ("police commissioner", "manage police personnel"))
    assert text.index("commissaire") < text.index("manage budgets") < text.index("personnel")
    assert request_text(req).count("police") == 2  # the title, twice; nothing added


@pytest.mark.parametrize(
    "title, terms",
    [
        ("начальник полиции", "Руководит работой отдела полиции и его сотрудниками."),
        ("警察局长", "负责领导警察部门的行动并管理警务人员。"),
        ("مفوض الشرطة", "يشرف على عمليات الشرطة ويدير أفراد الشرطة."),
    ],
)
def test_a_request_in_another_script_finds_the_words_of_the_profile_it_means(
    multilingual, title, terms
):
    cosines = multilingual.text_cosines(request(title, terms))
    assert int(np.argmax(cosines)) == 0  # the police commissioner
    # Without the roster phrases it shares no word with any profile.
    plain = index(None).text_cosines(request(title, terms))
    assert not plain.any()


def test_an_english_request_keeps_its_own_words(multilingual):
    req = request("court registrar", "Register court cases and keep the records.")
    assert int(np.argmax(multilingual.text_cosines(req))) == 4
    assert int(np.argmax(index(None).text_cosines(req))) == 4


def test_text_cosines_are_cosines(multilingual):
    cosines = multilingual.text_cosines(request("water engineer", "Assess water quality."))
    assert cosines.shape == (len(OCCUPATIONS),)
    assert np.all(cosines >= 0) and np.all(cosines <= 1.0 + 1e-6)
