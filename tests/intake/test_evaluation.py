"""The intake benchmark's metrics on small hand-made examples."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.intake import evaluation
from app.intake.proposals import LanguageLevel, ProfileProposal, Proposed, RequestProposal


def test_skills_match_folds_case_and_plurals():
    assert evaluation.skills_match("Human Rights Investigations", "human right investigation")
    assert evaluation.skills_match("policies", "policy")


def test_skills_match_needs_half_the_words_in_common():
    # {prison, management} vs {prison, security, management}: 2/3
    assert evaluation.skills_match("prison management", "prison security management")
    # {electoral, logistics} vs {voter, registration}: nothing in common
    assert not evaluation.skills_match("electoral logistics", "voter registration")
    # {budget, execution, monitoring} vs {budget, drafting, review}: 1/5
    assert not evaluation.skills_match("budget execution monitoring", "budget drafting review")


def test_skills_recall_counts_only_the_first_ten_suggestions():
    suggested = [f"unrelated topic {i}" for i in range(10)] + ["mediation support"]
    assert evaluation.skills_recall(["mediation support"], suggested) == 0.0
    assert evaluation.skills_recall(["mediation support"], suggested[-1:]) == 1.0
    assert evaluation.skills_recall(["a b", "c d"], ["a b"]) == 0.5
    assert evaluation.skills_recall([], []) == 1.0


def test_set_f1_of_two_empty_sets_is_one():
    assert evaluation.set_f1([], []) == 1.0
    assert evaluation.set_f1(["SS"], []) == 0.0
    assert evaluation.set_f1(["SS", "CF"], ["SS"]) == pytest.approx(2 / 3)


def tor(**fields):
    base = {"area": None, "min_years_experience": None, "start_date": None,
            "duration_months": None, "modality": None, "mission_country": None,
            "languages": [], "preferred_languages": [], "skills": []}  # fmt: skip
    return base | fields


def test_score_tors_counts_an_expected_null_as_an_answer():
    expected = tor(area="justice", start_date=None)
    right = tor(area="justice")
    wrong = tor(area="justice", start_date="2027-01-01")
    assert evaluation.score_tors([(expected, right)])["start_date"] == 1.0
    assert evaluation.score_tors([(expected, wrong)])["start_date"] == 0.0


def test_score_tors_languages_exact_and_f1():
    expected = tor(languages=[{"code": "en", "min_level": "C1"}, {"code": "fr", "min_level": "C1"}])
    proposed = tor(languages=[{"code": "en", "min_level": "C1"}, {"code": "fr", "min_level": "B2"}])
    scores = evaluation.score_tors([(expected, proposed), (expected, expected)])
    assert scores["languages_exact"] == 0.5
    assert scores["languages_f1"] == pytest.approx((0.5 + 1.0) / 2)
    assert scores["preferred_languages_exact"] == 1.0
    assert set(scores) == {"area", "min_years_experience", "start_date", "duration_months",
                           "modality", "mission_country", "languages_exact", "languages_f1",
                           "preferred_languages_exact", "preferred_languages_f1",
                           "skills_recall"}  # fmt: skip


def test_score_cvs_years_within_one():
    expected = {"nationality": "KE", "years_experience": 10, "languages": [], "areas": [],
                "countries_of_experience": [], "skills": []}  # fmt: skip
    scores = evaluation.score_cvs(
        [
            (expected, expected | {"years_experience": 11}),
            (expected, expected | {"years_experience": None}),
        ]
    )
    assert scores["years_experience"] == 0.0
    assert scores["years_experience_within_1"] == 0.5
    assert scores["nationality"] == 1.0
    assert scores["areas_f1"] == 1.0


def test_proposals_become_the_benchmark_dicts():
    request = RequestProposal(
        start_date=Proposed(date(2027, 3, 1), "Start: March 2027"),
        languages=[Proposed(LanguageLevel("en", "C1"), "Fluency in English")],
    )
    as_dict = evaluation.proposal_as_dict(request)
    assert as_dict["start_date"] == "2027-03-01"
    assert as_dict["languages"] == [{"code": "en", "min_level": "C1"}]
    assert as_dict["area"] is None
    profile = ProfileProposal(languages=[Proposed(LanguageLevel("fr", "C2"))],
                              skills=[Proposed("mediation")])  # fmt: skip
    assert evaluation.proposal_as_dict(profile)["languages"] == [{"code": "fr", "level": "C2"}]
    assert evaluation.proposal_as_dict(profile)["skills"] == ["mediation"]


def test_evaluate_needs_both_files(tmp_path):
    (tmp_path / "tors.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(evaluation.EvaluationError, match="cvs.jsonl"):
        evaluation.evaluate(tmp_path)


DEV = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "intake" / "dev"


@pytest.mark.skipif(not DEV.is_dir(), reason="the intake dev split is not beside the repository")
def test_evaluate_the_dev_split_gives_the_readme_object():
    result = evaluation.evaluate(DEV)
    assert set(result) == {"tors", "cvs", "tors_n", "cvs_n", "median_ms"}
    assert result["tors_n"] > 0 and result["cvs_n"] > 0
    assert all(0.0 <= v <= 1.0 for v in [*result["tors"].values(), *result["cvs"].values()])
