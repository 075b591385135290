"""`civcap eval-languages`: the same requests in each UN language, ranked as eval-matching does."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from app.cli import cli
from app.devtools import eval_languages as languages
from app.models import Expert
from tests.conftest import count
from tests.devtools.test_eval_matching import write_split
from tests.factories import make_expert, make_organisation

DEV_REQUESTS = languages.DEV_SPLIT / "requests.jsonl"
# Two requests of the little split of test_eval_matching, in Spanish and in Russian.
TRANSLATIONS = [
    {"external_id": "R-WATER", "lang": "es", "title": "ingeniero de abastecimiento de agua",
     "terms_of_reference": "Diseña sistemas de abastecimiento de agua y saneamiento."},
    {"external_id": "R-WATER", "lang": "ru", "title": "инженер водоснабжения",
     "terms_of_reference": "Проектирует системы водоснабжения и канализации."},
    {"external_id": "R-EASY", "lang": "es", "title": "redactor legislativo",
     "terms_of_reference": "Redacta proyectos de ley y asesora a los parlamentos."},
]  # fmt: skip


def write_translations(path: Path, lines: list[dict[str, str]] = TRANSLATIONS) -> Path:
    path.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in lines))
    return path


def originals() -> dict[str, dict[str, object]]:
    return {
        "R1": {"external_id": "R1", "title": "water engineer", "terms_of_reference": "Designs.",
               "area": "economic_revitalization", "required_skills": ["assess water quality"],
               "languages": [{"code": "fr", "min_level": "B2"}], "min_years_experience": 5,
               "start_date": "2027-03-01", "duration_months": 6, "modality": "consultant"},
    }  # fmt: skip


def test_each_translation_keeps_everything_but_title_and_terms_and_comes_without_skills():
    translation = languages.Translation("R1", "ar", "مهندس مياه", "يصمم شبكات المياه.")
    lines, origin = languages.derived_requests(originals(), [translation])
    by_id = {line["external_id"]: line for line in lines}
    assert set(by_id) == {"R1~en~skills", "R1~en~no_skills", "R1~ar~skills", "R1~ar~no_skills"}
    arabic = by_id["R1~ar~skills"]
    assert arabic["title"] == "مهندس مياه" and arabic["terms_of_reference"] == "يصمم شبكات المياه."
    original = originals()["R1"]
    for key in ("area", "required_skills", "languages", "start_date", "modality"):
        assert arabic[key] == original[key]
    assert by_id["R1~ar~no_skills"]["required_skills"] == []
    assert by_id["R1~en~skills"]["title"] == "water engineer"
    assert origin["R1~ar~no_skills"] == languages.Variant("R1", "ar", "no_skills")


def test_a_translation_of_an_unknown_request_or_twice_the_same_is_refused():
    unknown = languages.Translation("R9", "es", "t", "x")
    with pytest.raises(languages.LanguageCheckError, match="R9"):
        languages.derived_requests(originals(), [unknown])
    twice = [languages.Translation("R1", "es", "t", "x")] * 2
    with pytest.raises(languages.LanguageCheckError, match="twice"):
        languages.derived_requests(originals(), twice)


@pytest.mark.parametrize(
    "line",
    ['{"external_id": "R1", "lang": "es", "title": "t"}', "not json",
     '{"external_id": "R1", "lang": "en", "title": "t", "terms_of_reference": "x"}'],
)  # fmt: skip
def test_malformed_translations_are_refused_with_their_line(tmp_path, line):
    path = tmp_path / "translations.jsonl"
    path.write_text('{"external_id": "R1", "lang": "es", "title": "t", '
                    '"terms_of_reference": "x"}\n' + line + "\n")  # fmt: skip
    with pytest.raises(languages.LanguageCheckError, match="line 2"):
        languages.read_translations(path)


def test_gaps_compare_each_language_with_english_on_its_own_requests():
    origin = {
        languages.variant_id(r, lang, v): languages.Variant(r, lang, v)
        for r in ("R1", "R2") for lang in ("en", "es") for v in languages.VARIANTS
    }  # fmt: skip
    del origin["R2~es~skills"], origin["R2~es~no_skills"]  # Spanish has R1 only
    scores = {rid: 0.5 for rid in origin}
    scores |= {"R1~en~skills": 0.9, "R2~en~skills": 0.1, "R1~es~skills": 0.6}
    check = languages.compare(scores, origin, experts=3)
    assert check.ndcg["skills"]["en"] == pytest.approx(0.5)  # both English originals
    assert check.gap["skills"]["es"] == pytest.approx(0.6 - 0.9)  # against R1 alone
    assert check.gap["no_skills"]["es"] == pytest.approx(0.0)
    assert check.requests == {"en": 2, "es": 1}
    assert check.as_json()["mean_gap"] == {"skills": pytest.approx(-0.3), "no_skills": 0.0}


def test_eval_languages_json(runner, app, tmp_path):
    ghana = make_organisation(name="Government of GH", country="GH")
    make_expert(ghana)  # the configured database's roster, which must stay as it is
    split = write_split(tmp_path / "split")
    translations = write_translations(tmp_path / "translations.jsonl")

    result = runner.invoke(
        cli, ["eval-languages", str(split), "--translations", str(translations), "--json"]
    )

    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["experts"] == 30
    assert figures["requests"] == {"en": 2, "es": 2, "ru": 1}
    for variant in ("skills", "no_skills"):
        assert list(figures[variant]) == ["en", "es", "ru"]
        assert figures[variant]["en"]["gap"] == 0.0
        for scores in figures[variant].values():
            assert 0.0 <= scores["ndcg@10"] <= 1.0
    # The water engineers are found from the Russian and the Spanish alone.
    assert figures["no_skills"]["ru"]["ndcg@10"] > 0.9
    assert figures["no_skills"]["es"]["ndcg@10"] > 0.9
    assert set(figures["mean_gap"]) == {"skills", "no_skills"}
    assert count(Expert) == 1


def test_eval_languages_text_report(runner, app, tmp_path):
    split = write_split(tmp_path / "split")
    translations = write_translations(tmp_path / "translations.jsonl", TRANSLATIONS[:1])
    result = runner.invoke(cli, ["eval-languages", str(split), "--translations", str(translations)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.split()[:2] == ["en", "1"] for line in lines)
    assert any(line.split()[:2] == ["es", "1"] for line in lines)
    assert "gap" in result.stdout


def test_eval_languages_needs_a_split_with_its_files(runner, app, tmp_path):
    (tmp_path / "empty").mkdir()
    result = runner.invoke(cli, ["eval-languages", str(tmp_path / "empty")])
    assert result.exit_code == 1
    assert "lacks experts.jsonl, requests.jsonl, qrels.tsv" in result.output


# ---- the translations shipped with civcap --------------------------------------------------

SCRIPTS = {"ar": "ARABIC", "zh": "CJK", "ru": "CYRILLIC"}


def test_the_shipped_translations_cover_sixteen_requests_in_five_languages():
    shipped = languages.read_translations(languages.TRANSLATIONS)
    by_request: dict[str, set[str]] = {}
    for t in shipped:
        by_request.setdefault(t.external_id, set()).add(t.lang)
        assert t.title.strip() and len(t.terms_of_reference.split()) >= 1
        script = SCRIPTS.get(t.lang)
        if script:  # written in the language's own script, not left in English
            letters = [c for c in t.terms_of_reference if c.isalpha()]
            own = [c for c in letters if unicodedata.name(c, "").startswith(script)]
            assert len(own) > 0.8 * len(letters), (t.external_id, t.lang)
    assert len(by_request) == 16
    assert all(langs == {"es", "ar", "zh", "ru", "fr"} for langs in by_request.values())
    readme = (languages.TRANSLATIONS.parent / "README.md").read_text()
    assert "ESCO" in readme and "© European Union" in readme


@pytest.mark.skipif(not DEV_REQUESTS.is_file(), reason="the development split is not here")
def test_the_shipped_translations_name_requests_of_the_development_split():
    ids = {json.loads(line)["external_id"] for line in DEV_REQUESTS.read_text().splitlines()}
    assert {t.external_id for t in languages.read_translations(languages.TRANSLATIONS)} <= ids
