"""Reading a terms of reference: each field from short documents written for the test, in
English, French and Spanish (required vs desirable languages, degree-dependent years, dates,
durations, modalities and duty stations)."""

from datetime import date

import pytest

from app.intake import terms_of_reference
from app.intake.proposals import LanguageLevel


@pytest.fixture(autouse=True)
def _no_skills(monkeypatch):
    monkeypatch.setattr(terms_of_reference, "_skills", lambda text: [])


def read(text, today=None):
    return terms_of_reference.read(text, today)


def pairs(items):
    return {(item.value.code, item.value.level) for item in items}


def test_required_and_desirable_languages():
    proposal = read("Languages\nFluency in English is required; knowledge of Arabic is desirable.")
    assert pairs(proposal.languages) == {("en", "C1")}
    assert pairs(proposal.preferred_languages) == {("ar", "B2")}
    assert proposal.languages[0].evidence.startswith("Fluency in English")


def test_preferred_language_keeps_its_level_word():
    proposal = read("Fluency in English is required; fluency in Arabic is highly desirable.")
    assert pairs(proposal.preferred_languages) == {("ar", "C1")}


def test_french_and_spanish_markers():
    fr = read("Maîtrise du français exigée ; la connaissance du swahili serait un atout.")
    assert pairs(fr.languages) == {("fr", "C1")}
    assert pairs(fr.preferred_languages) == {("sw", "B2")}
    es = read("Se requiere dominio del español. Se valorará el conocimiento del portugués.")
    assert pairs(es.languages) == {("es", "C1")}
    assert pairs(es.preferred_languages) == {("pt", "B2")}


def test_unnamed_language_and_working_languages_give_nothing():
    proposal = read(
        "English and French are the working languages of the Secretariat. "
        "Knowledge of another UN language is an advantage."
    )
    assert proposal.languages == []
    assert proposal.preferred_languages == []


def test_a_language_is_never_both_required_and_preferred():
    proposal = read("Fluency in English is required.\nEnglish: basic knowledge (desirable).")
    assert pairs(proposal.languages) == {("en", "C1")}
    assert proposal.preferred_languages == []


def test_stated_cefr_level_wins():
    proposal = read("English: fluent, level B2 (required).")
    assert proposal.languages[0].value == LanguageLevel("en", "B2")


@pytest.mark.parametrize(
    ("sentence", "years"),
    [
        ("A minimum of ten (10) years of progressively responsible experience.", 10),
        ("Au moins huit (8) ans d'expérience professionnelle.", 8),
        ("Un mínimo de doce años de experiencia.", 12),
        ("Ten-plus years of experience in policing.", 10),
        ("Seven years of experience, of which three in a field mission.", 7),
        ("Seven years of experience with a master's degree, or nine with a first-level degree.", 7),
        ("Nine years of experience with a bachelor's degree or five years with a master's.", 5),
        ("Senior experience in border management.", None),
    ],
)
def test_min_years(sentence, years):
    proposal = read("Experience\n" + sentence)
    found = proposal.min_years_experience
    assert (found.value if found else None) == years


def test_additional_years_in_lieu_of_a_degree_are_not_the_requirement():
    proposal = read(
        "A first-level degree with two additional years of qualifying experience may be "
        "accepted.\nAt least five years of experience is required."
    )
    assert proposal.min_years_experience.value == 5


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Start date: 1 April 2027", date(2027, 4, 1)),
        ("Date prévue de déploiement : à compter du 1er avril 2027", date(2027, 4, 1)),
        ("Fecha de inicio: abril de 2027", date(2027, 4, 1)),
        ("Start date: as soon as possible", None),
        ("Start date: as soon as possible, ideally from February 2027", date(2027, 2, 1)),
        (
            "The selected candidate is expected to take up the post on 1 August 2026.",
            date(2026, 8, 1),
        ),
    ],
)
def test_start_date(line, expected):
    found = read(line).start_date
    assert (found.value if found else None) == expected


def test_start_date_without_a_year_follows_the_given_day():
    found = read("Start date: 15 March", today=date(2026, 11, 1)).start_date
    assert found.value == date(2027, 3, 15)


def test_posting_period_is_not_the_start():
    assert read("Posting period: 1 February 2027 – 15 February 2027").start_date is None


@pytest.mark.parametrize(
    ("line", "months"),
    [
        ("Duration: six (6) months, with possible extension", 6),
        ("Durée : un an, renouvelable", 12),
        ("Duración: dieciocho meses", 18),
        ("Contract period: 1 April – 31 December 2027", 9),
        ("The appointment is for one year.", 12),
    ],
)
def test_duration(line, months):
    assert read(line).duration_months.value == months


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("Category: Government-Provided Personnel (GPP)", "government_provided"),
        (
            "Terms of reference\n\nThe nominating Government continues to pay the salary.",
            "government_provided",
        ),
        ("Modalité : personnel fourni par un gouvernement", "government_provided"),
        ("Tipo de contrato: consultoría individual", "consultant"),
        ("UN Volunteer Description of Assignment", "un_volunteer"),
        ("JOB OPENING\nPosting Title: JUDICIAL AFFAIRS OFFICER, P3", "staff"),
        ("Terms of reference\nThe post may be filled by a GPP or by a consultant.", None),
        ("Terms of reference\nAdvise the ministry.", None),
    ],
)
def test_modality(text, modality):
    found = read(text).modality
    assert (found.value if found else None) == modality


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Duty station: Juba, South Sudan", "SS"),
        ("Lieu d'affectation : Goma, avec déplacements", "CD"),
        ("Lugar de destino: Puerto Príncipe, Haití", "HT"),
        ("Duty station: TBC", None),
        ("Mission in Colombia\nDuty station: a small town", "CO"),
    ],
)
def test_mission_country(text, country):
    found = read(text).mission_country
    assert (found.value if found else None) == country


def test_area_and_title():
    proposal = read(
        "Job Title: Corrections Adviser\nAdvise the prison service on prison management "
        "and the treatment of detainees; support the judicial authorities."
    )
    assert proposal.title.value == "Corrections Adviser"
    assert proposal.area.value == "justice"


def test_outside_the_core_areas_has_no_area():
    assert read("Job Title: Medical Doctor\nProvide clinical care.").area is None


def test_an_empty_document_proposes_nothing():
    proposal = read("")
    assert proposal.languages == [] and proposal.min_years_experience is None
    assert proposal.mission_country is None and proposal.skills == []
