"""One skill vocabulary: names normalised with known synonyms, and offered while typing."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from app import imports as importing
from app.common.vocabulary import canonical_skill, synonyms
from app.extensions import db
from app.models import Expert, ExpertiseRequest, Skill
from app.requests import drafting as request_service
from app.roster import experts as expert_service
from tests.browser import live_app_for, log_in
from tests.cast import focal_point_of, member_state
from tests.conftest import submit_form
from tests.factories import (
    expert_data,
    make_expert,
    make_request,
    request_data,
)
from tests.forms import expert_form, request_form


def skill_names() -> set[str]:
    return set(db.session.scalars(sa.select(Skill.name)))


# ---- normalising -----------------------------------------------------------------------------


DDR = "disarmament, demobilisation and reintegration"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Legislative   Drafting ", "legislative drafting"),
        ("SSR", "security sector reform"),
        ("DDR", DDR),
        ("Disarmament, Demobilization and Reintegration", DDR),
        ("disarmament demobilisation and reintegration", DDR),
        ("GBV", "sexual and gender-based violence"),
        ("sgbv", "sexual and gender-based violence"),
        ("DDR programming", DDR + " programming"),
        ("Organization development", "organisation development"),
        ("peace-keeping operations", "peacekeeping operations"),
        ("M&E", "monitoring and evaluation"),
        # Whole-name synonyms stay whole-name: "sea" in a longer name is the sea.
        ("law of the sea", "law of the sea"),
        ("POC", "protection of civilians"),
        ("poc reporting", "poc reporting"),
        ("program firmware", "program firmware"),
    ],
)  # fmt: skip
def test_canonical_names(typed, stored):
    assert canonical_skill(typed) == stored


def test_the_synonym_list_is_small_and_every_canonical_name_is_final():
    known = synonyms()
    assert 30 <= len(known.names) + len(known.words) <= 70
    for canonical in [*known.names.values(), *known.words.values()]:
        assert canonical_skill(canonical) == canonical


def test_a_name_too_long_once_expanded_stays_as_typed():
    typed = "x" * 195 + " ddr"
    assert canonical_skill(typed) == typed


def test_registering_stores_canonical_skills(app, ghana, focal):
    data = expert_data(skills=["SSR", "Security Sector Reform", "DDR programming", " GBV "])
    expert = expert_service.register(data, ghana, focal, "v1")
    assert [s.name for s in expert.skills] == [
        "disarmament, demobilisation and reintegration programming",
        "security sector reform",
        "sexual and gender-based violence",
    ]


def test_the_roster_form_stores_canonical_skills(client, auth, focal):
    auth.login(focal.email)
    response = submit_form(client, "/roster/new", expert_form(skills="SSR\nDemobilization\n"))
    assert response.status_code == 302
    expert = db.session.scalars(sa.select(Expert)).one()
    assert {s.name for s in expert.skills} == {"security sector reform", "demobilisation"}


def test_requests_store_canonical_skills(client, auth, requester, mission):
    saved = request_service.save_draft(request_data(skills=["SGBV", "IHL"]), mission, requester)
    assert {s.name for s in saved.skills} == {
        "sexual and gender-based violence",
        "international humanitarian law",
    }
    auth.login(requester.email)
    submit_form(client, "/requests/new", request_form(required_skills="PFM\nrule-of-law\n"))
    newest = db.session.scalars(sa.select(ExpertiseRequest).order_by(ExpertiseRequest.id.desc()))
    assert {s.name for s in newest.first().skills} == {"public financial management", "rule of law"}


def test_importing_stores_canonical_skills_and_no_variants(app):
    line = {
        "external_id": "X1", "full_name": "Grace Mensah", "nationality": "GH",
        "nominated_by": "Government of GH", "title": "adviser",
        "skills": ["SSR", "security sector reform", "Organizational development", "SGBV"],
        "languages": [{"code": "en", "level": "C1"}], "available_from": "2027-01-01",
        "modalities": ["consultant"],
    }  # fmt: skip
    importing.import_experts([json.dumps(line)])
    expert = db.session.scalars(sa.select(Expert)).one()
    assert {s.name for s in expert.skills} == {
        "security sector reform",
        "organisational development",
        "sexual and gender-based violence",
    }
    assert skill_names() == {s.name for s in expert.skills}  # no "ssr", no "sgbv" left over


def test_stored_skills_are_not_rewritten(app, ghana):
    """No data migration: a name stored before its synonym was listed keeps that name."""
    db.session.add(Skill(name="ssr"))
    db.session.commit()
    make_expert(ghana, skills=["SSR"])
    assert {"ssr", "security sector reform"} <= skill_names()


# ---- suggesting ------------------------------------------------------------------------------


@pytest.fixture
def vocabulary(ghana, mission):
    make_expert(ghana, skills=["legislative drafting", "court administration"])
    make_expert(ghana, skills=["legislative drafting", "legal research"])
    make_expert(ghana, skills=["constitutional law", "electoral law"])
    make_request(mission, skills=["drafting of regulations", "legal research"])


def suggestions(client, typed: str) -> list[str]:
    response = client.get("/skills/suggest", query_string={"q": typed})
    assert response.status_code == 200 and response.is_json
    names = response.get_json()
    assert isinstance(names, list) and all(isinstance(n, str) for n in names)
    return names


def test_suggestions_for_a_focal_point_and_a_requester(client, auth, focal, requester, vocabulary):
    for user in (focal, requester):
        auth.login(user.email)
        assert suggestions(client, "LEGIS") == ["legislative drafting"]
        # starts with it first, then a word starting with it, then anywhere; most used first
        assert suggestions(client, "law") == ["constitutional law", "electoral law"]
        assert suggestions(client, "draft") == ["drafting of regulations", "legislative drafting"]
        assert suggestions(client, "le") == [
            "legal research",
            "legislative drafting",
            "electoral law",
        ]
        assert suggestions(client, "ssr") == ["security sector reform"]  # a known synonym
        assert suggestions(client, "l") == []  # too short to be useful
        assert suggestions(client, "%%") == [] and suggestions(client, "l_g") == []
        auth.logout()


def test_at_most_ten_suggestions(client, auth, focal, ghana):
    make_expert(ghana, skills=[f"mediation {n:02}" for n in range(15)])
    auth.login(focal.email)
    assert suggestions(client, "mediation") == [f"mediation {n:02}" for n in range(10)]


def test_suggestions_need_a_role_that_writes_skills(client, auth, vocabulary, hr, admin):
    response = client.get("/skills/suggest?q=legis")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for user in (hr, admin):
        auth.login(user.email)
        assert client.get("/skills/suggest?q=legis").status_code == 403
        auth.logout()


_SCRIPT = re.compile(r"<script\b[^>]*>", re.S)


@pytest.mark.parametrize(
    ("role", "page"), [("focal", "/roster/new"), ("requester", "/requests/new")]
)
def test_the_skills_textareas_load_the_script_from_the_app(request, client, auth, role, page):
    auth.login(request.getfixturevalue(role).email)
    html = client.get(page).get_data(as_text=True)
    assert 'data-skill-suggest="/skills/suggest"' in html
    assert '<script src="/static/skills.js" defer></script>' in html
    assert all(" src=" in tag for tag in _SCRIPT.findall(html))  # no inline JavaScript (CSP)
    script = client.get("/static/skills.js")
    assert script.status_code == 200 and "javascript" in script.content_type
    script.close()


# ---- in a browser ----------------------------------------------------------------------------


def seed() -> None:
    ghana = member_state("GH")
    focal_point_of(ghana)
    make_expert(ghana, skills=["legislative drafting", "legal research"])


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    with live_app_for(tmp_path_factory.mktemp("skills"), seed) as app:
        yield app


@pytest.mark.browser
def test_a_suggestion_completes_the_line_being_typed(page):
    from playwright.sync_api import expect

    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    log_in(page, "fp@gh.example")
    page.goto("/roster/new")
    skills = page.get_by_label("Skills")
    skills.fill("mediation\n")
    skills.press_sequentially("legi")
    options = page.get_by_role("listbox", name="Completions").get_by_role("option")
    expect(options).to_have_text(["legislative drafting"])
    skills.press("ArrowDown")
    skills.press("Enter")
    expect(skills).to_have_value("mediation\nlegislative drafting\n")
    expect(options).to_have_count(0)
    skills.press_sequentially("le")
    expect(options).to_have_text(["legal research", "legislative drafting"])
    options.first.click()
    expect(skills).to_have_value("mediation\nlegislative drafting\nlegal research\n")
    assert errors == []  # no CSP refusals, no script errors
