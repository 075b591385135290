"""A saved explanation becomes sentences in the reader's language, with names, not codes."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from app.suggestions import explanations
from matching import Facts, LanguageFit, Relevance, Shortfall

START = date(2027, 3, 1)


def facts(**changes) -> Facts:
    base = dict(
        available_from=date(2027, 3, 5),
        available_until=None,
        start_date=START,
        years_experience=4,
        min_years_experience=5,
        modality="consultant",
        modalities=("government_provided", "un_volunteer"),
        area="justice",
        areas=("security", "political_processes"),
        shortfalls=(
            Shortfall("language", language=LanguageFit("fr", "B2", "A2")),
            Shortfall(
                "starts_late",
                expert_date=date(2027, 4, 15),
                limit=date(2027, 3, 31),
                start_date=START,
                allowance=30,
            ),
            Shortfall(
                "ends_early",
                expert_date=date(2027, 5, 1),
                limit=date(2027, 6, 1),
                start_date=START,
                allowance=3,
            ),
        ),
    )
    return Facts(**(base | changes))


def saved(f: Facts) -> dict:
    """An entry's explanation as a suggestion run keeps it (JSON in the database)."""
    return {
        "matched_skills": ["case management"],
        "missing_skills": ["court registry"],
        "languages": [{"code": "fr", "required": "B2", "held": "A2", "met": False}],
        "facts": explanations.facts_record(f),
    }


def test_the_english_sentences_name_languages_areas_and_modalities(app):
    with app.test_request_context(), force_locale("en"):
        x = explanations.explain(saved(facts()))
    assert x.skills == ["Has: case management", "Missing: court registry"]
    assert [(line.sentence, line.met) for line in x.languages] == [
        ("French: needs B2, holds A2", False)
    ]
    assert x.fit == [
        "Available 4 days after the start date (from 5 Mar 2027, open-ended)",
        "4 years of experience, below the minimum of 5",
        "Does not accept Consultant (accepts Government-provided personnel and UN Volunteer)",
        "Other core areas: Security and Political processes",
    ]
    assert x.shortfalls == [
        "French: needs B2, holds A2",
        "Available from 15 Apr 2027, after 31 Mar 2027 (the start date, 1 Mar 2027, plus 30 days)",
        "Available until 1 May 2027, before 1 Jun 2027 (the start date plus 3 months)",
    ]


def test_a_good_fit_reads_as_one(app):
    good = facts(
        available_from=START,
        available_until=date(2028, 1, 1),
        years_experience=1,
        min_years_experience=1,
        modalities=("consultant",),
        areas=("justice",),
        shortfalls=(),
    )
    with app.test_request_context(), force_locale("en"):
        x = explanations.explain(saved(good))
    assert x.fit == [
        "Available by the start date (from 1 Mar 2027 to 1 Jan 2028)",
        "1 year of experience (minimum 1)",
        "Accepts the modality: Consultant",
        "Works in Justice and corrections",
    ]
    assert x.shortfalls == []


@pytest.mark.parametrize(
    "language, expected",
    [
        ("fr", ["Français\u00a0: niveau requis B2, niveau détenu A2"]),
        ("es", ["Francés: se requiere B2, tiene A2"]),
        ("ar", ["الفرنسية: المستوى المطلوب B2، والمستوى الحاصل عليه A2"]),
    ],
)
def test_each_reader_gets_their_language(app, language, expected):
    with app.test_request_context(), force_locale(language):
        x = explanations.explain(saved(facts()))
    assert [line.sentence for line in x.languages] == expected
    assert all("justice" not in line and "consultant" not in line for line in x.fit)
    assert x.fit[3] != "Other core areas: Security and Political processes"


def test_a_run_saved_before_the_figures_shows_its_english_words(app):
    old = {
        "matched_skills": [],
        "missing_skills": [],
        "languages": [],
        "availability": "available by the start date (2027-03-01 to open-ended)",
        "seniority": "10 years (minimum 5)",
        "modality": "accepts consultant",
        "area": "works in justice",
        "reasons": [],
    }
    with app.test_request_context(), force_locale("fr"):
        x = explanations.explain(old)
    assert x.fit == [old[k] for k in ("availability", "seniority", "modality", "area")]
    assert x.shortfalls == []


def test_the_figures_survive_the_round_trip_through_json(app):
    f = facts()
    assert explanations._facts(explanations.facts_record(f)) == f


def test_a_preferred_language_is_a_line_of_its_own(app):
    f = facts(
        preferred=(
            LanguageFit("ar", "B2", "C1"),
            LanguageFit("es", "B2", "A2"),
            LanguageFit("ru", "B1", None),
        )
    )
    with app.test_request_context(), force_locale("en"):
        x = explanations.explain(saved(f))
    assert [(line.sentence, line.met) for line in x.preferred] == [
        ("Speaks Arabic C1 — preferred", True),
        ("Spanish preferred at B2, holds A2", False),
        ("Russian preferred at B1, not held", False),
    ]
    assert explanations._facts(explanations.facts_record(f)) == f


def relevance(band: str, score: float, text: float, meaning: float, skills=None) -> Relevance:
    return Relevance(score, band, text, meaning, skills, strong_from=0.75, possible_from=0.3)


def test_the_band_and_why_are_kept_with_the_run_and_said_in_the_readers_language(app):
    strong = relevance("strong", 0.82, text=0.9, meaning=0.6, skills=0.5)
    with app.test_request_context(), force_locale("en"):
        x = explanations.explain(saved(facts(relevance=strong, areas=("justice",))))
        assert x.band == "strong"
        assert x.relevance == (
            "Strong match (relevance 0.82): close in wording, close in meaning, "
            "holds 1 of the 2 required skills and works in the core area."
        )
        weak = relevance("weak", 0.05, text=0.0, meaning=0.1, skills=0.5)
        x = explanations.explain(saved(facts(relevance=weak)))
        assert x.relevance == (
            "Weak match (relevance 0.05): little shared wording, not close in meaning, "
            "holds 1 of the 2 required skills and works in other core areas."
        )
    with app.test_request_context(), force_locale("fr"):
        x = explanations.explain(saved(facts(relevance=strong, areas=("justice",))))
        assert x.relevance.startswith("Correspondance forte (pertinence 0,82)")
        assert explanations.band_label("weak") == "faible"


def test_runs_saved_before_bands_show_no_band(app):
    with app.test_request_context(), force_locale("en"):
        x = explanations.explain(saved(facts()))
    assert x.band is None and x.relevance == ""


def test_past_deployments_in_the_area_first_else_the_others_with_their_areas(app):
    from matching import PastDeployment

    here, there = PastDeployment("justice", "UNMISS", 2025), PastDeployment("security", "MINUSCA")
    with app.test_request_context(), force_locale("en"):
        both = explanations.explain(saved(facts(deployments=(here, there)))).fit
        elsewhere = explanations.explain(saved(facts(deployments=(there,)))).fit
        none = explanations.explain(saved(facts())).fit
        record = saved(facts())
        del record["facts"]["deployments"]  # a run saved before deployments were kept
        older = explanations.explain(record).fit
    assert both[-1] == "Deployed with the UN in this area before: UNMISS (2025)"
    assert elsewhere[-1] == "Deployed with the UN before, in another area: MINUSCA (Security)"
    assert len(none) == len(older) == 4
    assert not any("Deployed" in line for line in none + older)
    assert explanations.signal_label("deployed_before") == "deployed before"
