"""Reading a CV: short CVs written here for each rule (not the benchmark's lines)."""

from __future__ import annotations

from datetime import date

from app.intake import curriculum

TODAY = date(2026, 12, 1)


def pairs(proposal):
    return {(p.value.code, p.value.level) for p in proposal.languages}


def test_years_run_from_the_first_post_to_the_cv_date_without_the_internship():
    cv = curriculum.read(
        "ALEX SAMPLE\nNationality: Ghanaian\n\nWORK EXPERIENCE\n"
        "03/2012 – present  Budget Officer, Ministry of Finance, Accra\n"
        "06/2011 – 12/2011  Intern, Ministry of Finance, Accra\n\n"
        "EDUCATION\n2007 – 2011  BSc Economics, University of Ghana\n\n"
        "Accra, 15 February 2026",
        today=TODAY,
    )
    assert cv.years_experience.value == 13  # March 2012 to February 2026
    assert cv.nationality.value == "GH"


def test_a_recruit_academy_does_not_start_the_experience():
    cv = curriculum.read(
        "EXPÉRIENCE PROFESSIONNELLE\n09/2006 – présent : Commissaire de police, Dakar\n\n"
        "FORMATION\n2004 – 2006 : École nationale de police (formation initiale)\n\n"
        "Fait à Dakar, le 1er septembre 2026",
        today=TODAY,
    )
    assert cv.years_experience.value == 20


def test_a_note_without_headings_reads_joined_in():
    cv = curriculum.read(
        "Maria Example is a Peruvian electoral officer. After graduating from university in 2001,"
        " she joined the national electoral office in March 2003. From 2010 to 2014 she advised "
        "the electoral council in Tegucigalpa, Honduras. She speaks Spanish (mother tongue) and "
        "has a working knowledge of English.\n\nLima, May 2026",
        today=TODAY,
    )
    assert cv.years_experience.value == 23
    assert cv.nationality.value == "PE"
    assert [c.value for c in cv.countries_of_experience] == ["HN"]
    assert pairs(cv) == {("es", "C2"), ("en", "B2")}
    assert [a.value for a in cv.areas] == ["political_processes"]


def test_a_cv_without_dates_takes_the_years_it_states():
    cv = curriculum.read(
        "PROFILE\nPrison manager with twelve years of experience in correctional services.\n"
        "Managed prison security and the rehabilitation of detainees.\n"
        "LANGUAGES\nEnglish: fluent",
        today=TODAY,
    )
    assert cv.years_experience.value == 12
    assert [a.value for a in cv.areas] == ["justice"]


def test_a_cv_with_nothing_about_years_proposes_none():
    cv = curriculum.read("Jean Example\nLANGUES\nFrançais : langue maternelle", today=TODAY)
    assert cv.years_experience is None
    assert pairs(cv) == {("fr", "C2")}


def test_spanish_levels_and_a_stated_cefr_level():
    cv = curriculum.read(
        "IDIOMAS\nEspañol: lengua materna\nInglés: buen dominio\nFrancés: B1 (certificado)\n"
        "Portugués: conocimientos básicos",
        today=TODAY,
    )
    assert pairs(cv) == {("es", "C2"), ("en", "B2"), ("fr", "B1"), ("pt", "A2")}


def test_a_europass_grid_and_a_prefixed_bantu_name():
    cv = curriculum.read(
        "PERSONAL SKILLS\nMother tongue   isiXhosa\nOther languages   Listening   Speaking\n"
        "English           C1          C1\nFrench            B1          A2",
        today=TODAY,
    )
    assert pairs(cv) == {("xh", "C2"), ("en", "C1"), ("fr", "A2")}


def test_countries_leave_out_the_own_country_study_abroad_and_borders():
    cv = curriculum.read(
        "Nationality: Malian\n\nEXPERIENCE\n2019 – present : Conseiller, MINUSCA, Bangui\n"
        "2015 – 2018 : Chef de poste, Bamako (frontière avec le Niger)\n"
        "2012 – 2014 : Adviser, Ministry of Interior, Monrovia, Liberia\n\n"
        "EDUCATION\n2010 : Master, Université de Dakar, Sénégal",
        today=TODAY,
    )
    assert {c.value for c in cv.countries_of_experience} == {"CF", "LR"}
    assert cv.years_experience.value == 14


def test_nationality_from_a_header_or_a_phrase():
    header = curriculum.read("AMINA SAMPLE\nTanzanian | Dodoma | 1 May 2026", today=TODAY)
    assert header.nationality.value == "TZ"
    assert header.full_name.value == "Amina Sample"
    french = curriculum.read("Nationalité : ivoirienne", today=TODAY)
    assert french.nationality.value == "CI"
    spanish = curriculum.read("Nacionalidad: guatemalteca", today=TODAY)
    assert spanish.nationality.value == "GT"


def test_areas_are_empty_outside_the_core_areas():
    cv = curriculum.read(
        "EXPERIENCE\n2015 – present  Pastry chef, Grand Hotel, Rome\n2010 – 2014  Baker",
        today=TODAY,
    )
    assert cv.areas == []


def test_judicial_police_is_security():
    cv = curriculum.read(
        "EXPÉRIENCE\n2016 – présent : Chef de la police judiciaire, enquêtes criminelles, "
        "police nationale\n2010 – 2015 : Officier de police judiciaire, brigade criminelle",
        today=TODAY,
    )
    assert [a.value for a in cv.areas] == ["security"]


def test_evidence_is_the_sentence():
    cv = curriculum.read("LANGUAGES\nArabic – mother tongue; English – fluent", today=TODAY)
    assert pairs(cv) == {("ar", "C2"), ("en", "C1")}
    assert all(p.evidence and p.evidence in "Arabic – mother tongue; English – fluent"
               for p in cv.languages)  # fmt: skip
