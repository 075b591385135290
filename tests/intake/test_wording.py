"""The shared reading helpers at their edges: number words in three languages, date forms,
CV periods, language names and levels by the UN convention, countries and duty stations."""

from datetime import date

import pytest

from app.intake import wording


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ten (10) years", [10]),
        ("dix ans", [10]),
        ("doce años", [12]),
        ("twenty-five", [25]),
        ("vingt-cinq", [25]),
        ("quatre-vingt-dix", [90]),
        ("treinta y cinco", [35]),
        ("ten-plus years", [10]),
        ("un minimum de dix (10) ans", [10]),
        ("un an", [1]),
        ("una semana", [1]),
        ("seven years, of which three", [7, 3]),
        ("no numbers here", []),
    ],
)
def test_numbers_in_digits_and_words(text, expected):
    assert wording.numbers_in(text) == expected


def test_number_in_is_the_first_number():
    assert wording.number_in("au moins huit (8) ans, dont trois") == 8
    assert wording.number_in("senior experience") is None


@pytest.mark.parametrize(
    "text",
    [
        "1 April 2027",
        "April 1, 2027",
        "01/04/2027",
        "2027-04-01",
        "1er avril 2027",
        "1 de abril de 2027",
        "1.º de abril de 2027",
        "April 2027",
        "abril de 2027",
    ],
)
def test_dates_in_usual_forms(text):
    assert wording.dates_in(text) == [date(2027, 4, 1)]


def test_day_and_month_without_year_is_the_next_such_date():
    assert wording.dates_in("from 15 March", date(2026, 11, 1)) == [date(2027, 3, 15)]
    assert wording.dates_in("le 3 décembre", date(2026, 11, 1)) == [date(2026, 12, 3)]
    assert wording.dates_in("from 15 March") == []


def test_may_the_verb_is_not_a_date():
    assert wording.dates_in("Article 5 may apply", date(2026, 1, 1)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2012 – present", [(date(2012, 1, 1), None)]),
        ("Jan 2015 - Mar 2018", [(date(2015, 1, 1), date(2018, 3, 1))]),
        ("depuis 2019", [(date(2019, 1, 1), None)]),
        ("2010–2014", [(date(2010, 1, 1), date(2014, 12, 31))]),
        ("desde 2016 hasta la fecha", [(date(2016, 1, 1), None)]),
        ("03/2015 – 06/2018", [(date(2015, 3, 1), date(2018, 6, 1))]),
        ("janvier 2015 – aujourd'hui", [(date(2015, 1, 1), None)]),
        ("born on 2019-04-01", []),
    ],
)
def test_month_year_spans(text, expected):
    assert wording.month_year_spans(text) == expected


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("anglais", "en"),
        ("inglés", "en"),
        ("Dari", "fa"),
        ("Norwegian", "no"),
        ("langue arabe", "ar"),
        ("العربية", "ar"),
        ("Kiswahili", "sw"),
        ("criollo haitiano", "ht"),
        ("table", None),
    ],
)
def test_language_code(name, code):
    assert wording.language_code(name) == code


@pytest.mark.parametrize(
    ("sentence", "pairs"),
    [
        ("Fluency in English and French", [("en", "C1"), ("fr", "C1")]),
        ("fluency in English; knowledge of French is an advantage", [("en", "C1")]),
        ("English (fluent), French (working knowledge)", [("en", "C1"), ("fr", "B2")]),
        ("English and French: fluent", [("en", "C1"), ("fr", "C1")]),
        ("Fluent in English and working knowledge of French", [("en", "C1"), ("fr", "B2")]),
        ("Mother tongue: Wolof; French: fluent", [("wo", "C2"), ("fr", "C1")]),
        ("English: fluent (B2)", [("en", "B2")]),
        ("Excellent oral and written command of English", [("en", "C1")]),
        ("Maîtrise du français ; bonne connaissance de l'anglais", [("fr", "C1"), ("en", "B2")]),
        ("Dominio del español y buen conocimiento del inglés", [("es", "C1"), ("en", "B2")]),
        ("Anglais : courant ; espagnol : notions", [("en", "C1"), ("es", "A2")]),
        ("Inglés: conocimientos básicos", [("en", "A2")]),
        ("English: required (working knowledge)", [("en", "B2")]),
        ("English and French are the working languages of the Secretariat.", []),
    ],
)
def test_languages_with_levels(sentence, pairs):
    assert wording.languages_with_levels(sentence) == pairs


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("South Sudan", "SS"),
        ("Soudan du Sud", "SS"),
        ("República Centroafricana", "CF"),
        ("Juba", "SS"),
        ("Goma", "CD"),
        ("Port-au-Prince", "HT"),
        ("Côte d’Ivoire", "CI"),
        ("Liban", "LB"),
        ("Nowhere", None),
    ],
)
def test_country_code(name, code):
    assert wording.country_code(name) == code


def test_countries_in_reads_acronyms_only_in_capitals():
    found = [code for code, _s, _e in wording.countries_in("Bunia (DRC); the car park")]
    assert found == ["CD", "CD"]


def test_sentences_keep_headings_and_bullets_apart():
    text = (
        "Education\n• Advanced degree in law. Experience is required.\n1. Draft bills; e.g. laws."
    )
    assert wording.sentences(text) == [
        "Education",
        "Advanced degree in law.",
        "Experience is required.",
        "Draft bills; e.g. laws.",
    ]


# The document's own date --------------------------------------------------------------------


def test_a_labelled_date_line_is_the_documents_date_even_among_later_dates():
    lines = ["Terms of Reference", "Date of issue: 3 November 2026", "Accra, 1 December 2026"]
    assert wording.document_date(lines, None) == (date(2026, 11, 3), lines[1])
    assert wording.document_date(lines, date(2026, 12, 2)) == (date(2026, 11, 3), lines[1])


def test_a_place_and_date_line_dates_a_cv_but_not_a_birth_date_or_a_career_span():
    lines = [
        "Born on 4 May 1975 in Kumasi",
        "2012 – 2016  Registrar, High Court",
        "Accra, 1 October 2026",
        "Fait à Dakar, le 1er septembre 2025",
    ]
    assert wording.document_date(lines, date(2026, 12, 1)) == (date(2026, 10, 1), lines[2])
    # A date after "today" is no document date (a start date in a table, a typo).
    assert wording.document_date(["Accra, 1 October 2027"], date(2026, 12, 1)) is None


def test_without_today_a_bare_date_is_not_taken_for_the_documents_date():
    assert wording.document_date(["Start date | 1 March 2027"], None) is None
