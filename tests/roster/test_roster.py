"""The focal point's roster pages: register, list and search, view, edit — and who may not."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Expert, ExpertStatus, OrganisationKind, Role, Skill
from app.roster import experts as expert_service
from tests.conftest import count, submit_form
from tests.factories import expert_data, make_expert, make_organisation, make_user
from tests.forms import expert_form
from tests.pages import field_errors

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def snapshot(expert_id: int) -> dict[str, Any]:
    db.session.expire_all()
    expert = db.session.get(Expert, expert_id)
    assert expert is not None
    return {**expert_service.snapshot(expert), "version": expert.version}


@pytest.fixture
def logged_in(client, auth, focal):
    auth.login(focal.email)
    return client


# Registering -----------------------------------------------------------------------------------


def test_register_saves_the_expert_and_records_who_did_it(app, logged_in, ghana, focal):
    response = submit_form(logged_in, "/roster/new", expert_form())
    assert response.status_code == 302
    expert = db.session.scalar(sa.select(Expert))
    assert response.headers["Location"].endswith(f"/roster/{expert.id}")
    assert expert.organisation_id == ghana.id
    assert expert.full_name == "Amina Osei" and expert.birth_year == 1978
    assert {lang.code: lang.level for lang in expert.languages} == {"en": "C2", "fr": "B2"}
    assert [s.name for s in expert.skills] == [
        "constitution-making, comparative",
        "legislative drafting",
    ]
    assert [a.code for a in expert.areas] == ["justice", "political_processes"]
    assert [m.modality for m in expert.modalities] == ["consultant", "government_provided"]
    assert [c.country for c in expert.countries] == ["LR", "SS"]
    assert expert.consent_version == app.config["CONSENT_VERSION"]
    assert expert.consent_given_at is not None and expert.availability_confirmed_at is not None

    event = db.session.scalar(sa.select(AuditEvent))
    assert (event.action, event.entity_type, event.entity_id) == (
        "expert.registered",
        "expert",
        expert.id,
    )
    assert event.actor_id == focal.id and event.after["full_name"] == "Amina Osei"

    page = logged_in.get(f"/roster/{expert.id}").get_data(as_text=True)
    assert "Amina Osei is registered" in page
    assert "Legislative drafter" in page and "French: B2" in page
    assert f"text version {app.config['CONSENT_VERSION']}" in page
    assert "registered" in page and focal.full_name in page


def test_register_form_shows_the_consent_text_version(app, logged_in):
    page = logged_in.get("/roster/new").get_data(as_text=True)
    assert f"Consent text version {app.config['CONSENT_VERSION']}" in page
    assert page.count('name="languages-') == 8  # four rows of language + level
    assert 'value="justice"' in page  # core areas come from the database


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"full_name": "  "}, "full_name", "is required"),
        ({"languages-0-level": "Z9"}, "languages-0-level", "Not a valid choice"),
        ({"languages-1-level": ""}, "languages-1-level", "Choose the CEFR level"),
        ({"languages-1-code": "", "languages-1-level": "C1"}, "languages-1-code", "Choose the"),
        ({"languages-3-code": "en", "languages-3-level": "B1"}, "languages-3-code", "twice"),
        ({"available_until": "2027-01-01"}, "available_until", "must not be before"),
        ({"available_from": ""}, "available_from", "is required"),
        ({"consent": None}, "consent", "consent"),
        ({"modalities": None}, "modalities", "at least one accepted modality"),
        ({"modalities": ["volunteer_army"]}, "modalities", "not a valid choice"),
        ({"nationality": ""}, "nationality", "is required"),
        ({"email": "not-an-email"}, "email", "not a valid email"),
        ({"years_experience": ""}, "years_experience", "required"),
    ],
)
def test_invalid_registration_shows_the_error_on_its_field_and_saves_nothing(
    app, logged_in, overrides, field, message
):
    response = submit_form(logged_in, "/roster/new", expert_form(**overrides))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Nothing was saved" in html
    assert any(message.lower() in error.lower() for error in field_errors(html, field)), html
    assert 'value="Legislative drafter"' in html  # what was typed is kept
    assert count(Expert) == 0 and count(AuditEvent) == 0 and count(Skill) == 0


def test_registration_without_any_language_says_so_on_the_languages(app, logged_in):
    no_languages = {f"languages-{i}-{part}": "" for i in range(4) for part in ("code", "level")}
    response = submit_form(logged_in, "/roster/new", expert_form(**no_languages))
    html = response.get_data(as_text=True)
    languages = re.search(r'<fieldset id="languages">(.*?)</fieldset>', html, re.S)
    assert languages and "at least one language" in languages.group(1)
    assert count(Expert) == 0


def test_a_forged_organisation_id_is_ignored(app, logged_in, ghana, senegal):
    response = submit_form(logged_in, "/roster/new", expert_form(organisation_id=str(senegal.id)))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Expert.organisation_id)) == ghana.id


def test_post_without_csrf_token_is_refused(app, logged_in, ghana):
    assert logged_in.post("/roster/new", data=expert_form()).status_code == 400
    expert = make_expert(ghana)
    before = snapshot(expert.id)
    edit = expert_form(full_name="Changed", version="1")
    assert logged_in.post(f"/roster/{expert.id}/edit", data=edit).status_code == 400
    assert count(Expert) == 1 and snapshot(expert.id) == before


# Listing and searching -------------------------------------------------------------------------


def test_list_shows_only_the_organisations_own_experts(app, logged_in, ghana, senegal):
    make_expert(ghana, full_name="Ama Owusu")
    make_expert(senegal, full_name="Awa Ndiaye", nationality="SN")
    html = logged_in.get("/roster/").get_data(as_text=True)
    assert "Ama Owusu" in html and "Awa Ndiaye" not in html
    assert "English C1" in html and "Ghana" in html
    html = logged_in.get("/roster/?q=manage+court").get_data(as_text=True)
    assert "Ama Owusu" in html and "Awa Ndiaye" not in html
    html = logged_in.get("/roster/?q=Ndiaye").get_data(as_text=True)
    assert "Awa Ndiaye" not in html and "matches this search" in html


def test_empty_roster_invites_a_first_registration(app, logged_in):
    html = logged_in.get("/roster/").get_data(as_text=True)
    assert "not registered any experts yet" in html


def _names(client, query: str) -> set[str]:
    html = client.get(f"/roster/?{query}").get_data(as_text=True)
    return set(re.findall(r'/roster/\d+">([^<]+)</a>', html))


def test_search_by_skill_and_filter_by_language_level_area_date_status(app, logged_in, ghana):
    make_expert(
        ghana,
        full_name="Drafter",
        skills=["legislative drafting"],
        languages=[("en", "C1"), ("fr", "B1")],
        areas=["justice"],
    )
    make_expert(
        ghana,
        full_name="Police trainer",
        skills=["police training"],
        languages=[("fr", "C2")],
        areas=["security"],
    )
    late = make_expert(
        ghana,
        full_name="Budget adviser",
        skills=["public finance"],
        languages=[("en", "B2")],
        areas=["core_government"],
        available_from=expert_data().available_from.replace(year=2029),
        available_until=None,
    )
    late.status = ExpertStatus.UNAVAILABLE
    db.session.commit()

    assert _names(logged_in, "q=DRAFTING") == {"Drafter"}
    assert _names(logged_in, "language=fr") == {"Drafter", "Police trainer"}
    assert _names(logged_in, "language=fr&min_level=C1") == {"Police trainer"}
    assert _names(logged_in, "language=en&min_level=B2") == {"Drafter", "Budget adviser"}
    assert _names(logged_in, "area=security") == {"Police trainer"}
    assert _names(logged_in, "available_on=2027-06-01") == {"Drafter", "Police trainer"}
    assert _names(logged_in, "status=unavailable") == {"Budget adviser"}
    assert _names(logged_in, "q=finance&area=justice") == set()


def test_a_nonsense_filter_is_shown_as_an_error_not_a_crash(app, logged_in, ghana):
    make_expert(ghana, full_name="Ama Owusu")
    response = logged_in.get("/roster/?language=en&min_level=Z9&available_on=soon")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert field_errors(html, "min_level") and field_errors(html, "available_on")
    assert "Ama Owusu" in html


def test_the_list_is_paginated(app, logged_in, ghana):
    app.config["PAGE_SIZE"] = 2
    for i in range(3):
        make_expert(ghana, full_name=f"Expert {i}")
    first = _names(logged_in, "")
    second = _names(logged_in, "page=2")
    assert len(first) == 2 and len(second) == 1 and not first & second


# Editing ---------------------------------------------------------------------------------------


def test_edit_form_is_filled_with_the_expert(app, logged_in, ghana):
    expert = make_expert(ghana)
    html = logged_in.get(f"/roster/{expert.id}/edit").get_data(as_text=True)
    assert 'value="Grace Mensah"' in html
    assert re.search(r'name="version" type="hidden" value="1"', html)
    assert re.search(r'<option selected value="C1">', html)
    assert "legislative drafting\nmanage court cases</textarea>" in html


def test_edit_saves_and_records_before_and_after(app, logged_in, focal):
    submit_form(logged_in, "/roster/new", expert_form())
    expert_id = db.session.scalar(sa.select(Expert.id))
    edit = expert_form(title="Chief legislative drafter", version="1")
    response = submit_form(logged_in, f"/roster/{expert_id}/edit", edit)
    assert response.status_code == 302
    assert snapshot(expert_id)["title"] == "Chief legislative drafter"
    assert snapshot(expert_id)["version"] == 2
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "expert.updated"))
    assert event.actor_id == focal.id and event.entity_id == expert_id
    assert event.before["title"] == "Legislative drafter"
    assert event.after["title"] == "Chief legislative drafter"

    html = logged_in.get(f"/roster/{expert_id}").get_data(as_text=True)
    history = html[html.index("<h2>History</h2>") :]
    assert history.index("updated") < history.index("registered")  # newest first
    assert "<td>title</td>" in history


def test_invalid_edit_shows_errors_and_saves_nothing(app, logged_in, ghana):
    expert = make_expert(ghana)
    before = snapshot(expert.id)
    edit = expert_form(full_name="", available_until="2020-01-01", version="1")
    response = submit_form(logged_in, f"/roster/{expert.id}/edit", edit)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_errors(html, "full_name") and field_errors(html, "available_until")
    assert snapshot(expert.id) == before and count(AuditEvent) == 0


def test_a_stale_edit_is_refused_and_shows_the_current_record(app, logged_in, ghana, focal):
    expert = make_expert(ghana)
    # Someone else saves while our form (read at version 1) is open.
    expert_service.update(expert, expert_data(title="Chief registrar"), focal, "test")
    current = snapshot(expert.id)
    edit = expert_form(title="Stale title", version="1")
    response = submit_form(logged_in, f"/roster/{expert.id}/edit", edit)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "changed by someone else" in html
    assert 'value="Chief registrar"' in html and "Stale title" not in html
    assert re.search(r'name="version" type="hidden" value="2"', html)
    assert snapshot(expert.id) == current
    assert count(AuditEvent) == 1


def test_a_forged_organisation_id_on_edit_is_ignored(app, logged_in, ghana, senegal):
    expert = make_expert(ghana)
    edit = expert_form(organisation_id=str(senegal.id), version="1")
    assert submit_form(logged_in, f"/roster/{expert.id}/edit", edit).status_code == 302
    assert snapshot(expert.id)["organisation_id"] == ghana.id


def test_an_edit_without_its_version_saves_nothing(app, logged_in, ghana):
    expert = make_expert(ghana)
    before = snapshot(expert.id)
    response = submit_form(logged_in, f"/roster/{expert.id}/edit", expert_form(version="x"))
    assert response.status_code == 200 and "lost track" in response.get_data(as_text=True)
    assert snapshot(expert.id) == before


# Who may not -----------------------------------------------------------------------------------


def test_another_member_states_focal_point_gets_404(app, client, auth, ghana, focal_sn):
    expert = make_expert(ghana)
    before = snapshot(expert.id)
    auth.login(focal_sn.email)
    assert client.get(f"/roster/{expert.id}").status_code == 404
    assert client.get(f"/roster/{expert.id}/edit").status_code == 404
    forged = expert_form(full_name="Taken over", version="1")
    response = submit_form(client, "/roster/new", forged, action=f"/roster/{expert.id}/edit")
    assert response.status_code == 404
    assert client.get("/roster/999999").status_code == 404
    assert "Grace Mensah" not in client.get("/roster/?q=Grace").get_data(as_text=True)
    assert snapshot(expert.id) == before and count(AuditEvent) == 0


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.HR_REVIEWER])
def test_other_roles_are_forbidden_on_the_roster_pages(app, client, auth, ghana, role):
    kind = OrganisationKind.MISSION if role is Role.REQUESTER else OrganisationKind.UN_HR
    user = make_user(role, make_organisation(kind, country=None))
    expert = make_expert(ghana)
    before = snapshot(expert.id)
    auth.login(user.email)
    for page in ("/roster/", "/roster/new", f"/roster/{expert.id}", f"/roster/{expert.id}/edit"):
        assert client.get(page).status_code == 403, page
    forbidden = client.get("/roster/new").get_data(as_text=True)
    token = TOKEN.search(forbidden).group(1)  # the log-out form's token on the 403 page
    edit = expert_form(csrf_token=token, version="1")
    assert client.post("/roster/new", data=expert_form(csrf_token=token)).status_code == 403
    assert client.post(f"/roster/{expert.id}/edit", data=edit).status_code == 403
    assert count(Expert) == 1 and snapshot(expert.id) == before


@pytest.mark.parametrize("page", ["/roster/", "/roster/new", "/roster/1", "/roster/1/edit"])
def test_anonymous_visitors_are_sent_to_log_in(app, client, page):
    response = client.get(page)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
