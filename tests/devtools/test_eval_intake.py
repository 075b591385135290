"""`civcap eval-intake` on a tiny split written here."""

from __future__ import annotations

import json
from pathlib import Path

from app.cli import cli

TOR = ("Terms of reference: Police Adviser\nDuty station: Juba, South Sudan\n"
       "Fluency in English is required.\nAt least ten (10) years of experience.")  # fmt: skip
CV = ("JANE EXAMPLE\nNationality: Kenyan\n\nEXPERIENCE\n01/2010 – present  Police officer, "
      "Nairobi\n\nLANGUAGES\nEnglish – fluent\n\nNairobi, 1 June 2026")  # fmt: skip


def write_split(directory: Path) -> Path:
    directory.mkdir()
    tor = {"id": "T1", "lang": "en", "text": TOR,
           "expected": {"title": "Police Adviser", "area": "security",
                        "languages": [{"code": "en", "min_level": "C1"}],
                        "preferred_languages": [], "min_years_experience": 10,
                        "start_date": None, "duration_months": None, "modality": None,
                        "mission_country": "SS", "skills": ["police advice"]}}  # fmt: skip
    cv = {"id": "C1", "lang": "en", "text": CV,
          "expected": {"full_name": "Jane Example", "nationality": "KE", "title": "Police officer",
                       "languages": [{"code": "en", "level": "C1"}], "years_experience": 16,
                       "areas": ["security"], "countries_of_experience": [],
                       "skills": ["policing"]}}  # fmt: skip
    (directory / "tors.jsonl").write_text(json.dumps(tor) + "\n", encoding="utf-8")
    (directory / "cvs.jsonl").write_text(json.dumps(cv) + "\n", encoding="utf-8")
    return directory


def test_eval_intake_json_has_the_readme_keys(runner, app, tmp_path):
    result = runner.invoke(cli, ["eval-intake", str(write_split(tmp_path / "split")), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert set(figures) == {"tors", "cvs", "tors_n", "cvs_n", "median_ms"}
    assert figures["tors_n"] == 1 and figures["cvs_n"] == 1
    assert set(figures["cvs"]) == {"nationality", "years_experience", "years_experience_within_1",
                                   "languages_exact", "languages_f1", "areas_f1",
                                   "countries_of_experience_f1", "skills_recall"}  # fmt: skip
    assert len(figures["tors"]) == 11
    assert figures["cvs"]["years_experience"] == 1.0
    assert figures["cvs"]["nationality"] == 1.0
    assert all(0.0 <= value <= 1.0 for value in figures["cvs"].values())


def test_eval_intake_prints_a_table(runner, app, tmp_path):
    result = runner.invoke(cli, ["eval-intake", str(write_split(tmp_path / "split"))])
    assert result.exit_code == 0, result.output
    assert "CVs (1 documents)" in result.output
    assert "years_experience_within_1" in result.output
    assert "Median time" in result.output


def test_eval_intake_refuses_a_split_without_its_files(runner, app, tmp_path):
    (tmp_path / "empty").mkdir()
    result = runner.invoke(cli, ["eval-intake", str(tmp_path / "empty")])
    assert result.exit_code == 1
    assert "tors.jsonl is missing" in result.output
