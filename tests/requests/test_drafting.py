"""Mission requester pages: drafts, edits, submission, validation and who may touch what."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, ExpertiseRequest, OrganisationKind, RequestStatus, Role
from app.requests import drafting as request_service
from tests.conftest import count, submit_form
from tests.factories import make_organisation, make_request, make_user, request_data
from tests.forms import request_form

FUTURE = date.today() + timedelta(days=90)
PAST = date.today() - timedelta(days=3)


_FIELD_WITH_ERROR = re.compile(r'<div class="field has-error">\s*<label for="([^"]+)"')


def fields_with_errors(response) -> set[str]:
    return set(_FIELD_WITH_ERROR.findall(response.get_data(as_text=True)))


def only_request() -> ExpertiseRequest:
    return db.session.scalars(sa.select(ExpertiseRequest)).one()


def events(request_id: int) -> list[str]:
    query = sa.select(AuditEvent.action).where(
        AuditEvent.entity_type == "request", AuditEvent.entity_id == request_id
    )
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def test_requester_saves_a_draft(client, auth, requester, mission):
    auth.login(requester.email)
    response = submit_form(client, "/requests/new", request_form())
    saved = only_request()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/requests/{saved.id}"
    assert saved.status is RequestStatus.DRAFT
    assert saved.organisation_id == mission.id
    assert saved.created_by_id == requester.id
    assert saved.submitted_at is None
    assert saved.positions == 2 and saved.duration_months == 6
    assert {(lang.code, lang.min_level) for lang in saved.languages} == {("en", "C1"), ("fr", "B2")}
    assert [s.name for s in saved.skills] == [
        "constitutional law, comparative",
        "legislative drafting",
    ]
    assert events(saved.id) == ["request.created"]

    page = client.get(f"/requests/{saved.id}").get_data(as_text=True)
    assert "Legislative drafter" in page
    assert "French B2" in page
    assert "Edit draft" in page
    assert "created" in page  # the history
    assert "Legislative drafter" in client.get("/requests/").get_data(as_text=True)


def test_form_labels_the_language_level_as_a_minimum(client, auth, requester):
    auth.login(requester.email)
    page = client.get("/requests/new").get_data(as_text=True)
    assert page.count("Minimum level") == 3
    assert "Save draft" in page and "Save and submit" in page


def test_requester_edits_then_submits_a_draft(client, auth, requester, mission):
    draft = make_request(mission, created_by=requester, start_date=FUTURE)
    auth.login(requester.email)
    edit_page = client.get(f"/requests/{draft.id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in edit_page
    assert 'value="chief inspector"' in edit_page

    response = submit_form(
        client, f"/requests/{draft.id}/edit", request_form(title="Senior inspector", version="1")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert draft.title == "Senior inspector"
    assert draft.status is RequestStatus.DRAFT
    assert events(draft.id) == ["request.updated"]

    response = submit_form(
        client, f"/requests/{draft.id}", {}, action=f"/requests/{draft.id}/submit"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert draft.status is RequestStatus.SUBMITTED
    assert draft.submitted_at is not None
    assert events(draft.id) == ["request.updated", "request.submitted"]
    page = client.get(f"/requests/{draft.id}").get_data(as_text=True)
    assert "submitted" in page and "Edit draft" not in page


def test_save_and_submit_in_one_step(client, auth, requester):
    auth.login(requester.email)
    response = submit_form(
        client, "/requests/new", request_form(save_draft="", save_and_submit="Save and submit")
    )
    assert response.status_code == 302
    saved = only_request()
    assert saved.status is RequestStatus.SUBMITTED
    assert events(saved.id) == ["request.created", "request.submitted"]


@pytest.mark.parametrize(
    "overrides, wrong_field",
    [
        ({"title": "   "}, "title"),
        ({"area": "astrology"}, "area"),
        ({"languages-0-level": ""}, "languages-0-level"),
        ({"languages-1-level": "Z9"}, "languages-1-level"),
        ({"languages-2-level": "B1"}, "languages-2-code"),
        ({"languages-1-code": "en"}, "languages-1-code"),  # listed twice
        ({"duration_months": "0"}, "duration_months"),
        ({"positions": "0"}, "positions"),
        ({"min_years_experience": "ten"}, "min_years_experience"),
        ({"start_date": "31/02/2027"}, "start_date"),
        ({"modality": "mercenary"}, "modality"),
    ],
)
def test_invalid_input_is_shown_on_its_field_and_nothing_is_saved(
    client, auth, requester, overrides, wrong_field
):
    auth.login(requester.email)
    response = submit_form(client, "/requests/new", request_form(**overrides))
    assert response.status_code == 422
    assert fields_with_errors(response) == {wrong_field}
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert count(ExpertiseRequest) == 0
    assert count(AuditEvent) == 0


def test_several_mistakes_are_reported_together(client, auth, requester):
    auth.login(requester.email)
    response = submit_form(
        client,
        "/requests/new",
        request_form(title="", area="nowhere", duration_months="x", positions="0"),
    )
    assert response.status_code == 422
    assert fields_with_errors(response) == {"title", "area", "duration_months", "positions"}
    assert count(ExpertiseRequest) == 0


def test_invalid_edit_changes_nothing(client, auth, requester, mission):
    draft = make_request(mission, created_by=requester, start_date=FUTURE)
    auth.login(requester.email)
    response = submit_form(
        client, f"/requests/{draft.id}/edit", request_form(title="", positions="0", version="1")
    )
    assert response.status_code == 422
    assert fields_with_errors(response) == {"title", "positions"}
    db.session.expire_all()
    assert draft.title == "chief inspector" and draft.positions == 1
    assert events(draft.id) == []


def test_past_start_date_keeps_the_draft_but_refuses_to_submit(client, auth, requester):
    auth.login(requester.email)
    response = submit_form(
        client,
        "/requests/new",
        request_form(start_date=PAST.isoformat(), save_draft="", save_and_submit="Save and submit"),
    )
    assert response.status_code == 422
    assert fields_with_errors(response) == {"start_date"}
    page = response.get_data(as_text=True)
    assert "Your draft was saved, but it was not submitted" in page
    saved = only_request()
    assert saved.status is RequestStatus.DRAFT
    # The form now edits the saved draft, so sending it again does not make a second one.
    assert f'action="/requests/{saved.id}/edit"' in page
    assert events(saved.id) == ["request.created"]


def test_submit_button_refuses_a_past_start_date(client, auth, requester, mission):
    draft = make_request(mission, created_by=requester, start_date=PAST)
    auth.login(requester.email)
    response = submit_form(
        client, f"/requests/{draft.id}", {}, action=f"/requests/{draft.id}/submit"
    )
    assert response.headers["Location"] == f"/requests/{draft.id}/edit"
    assert "Start date: is in the past" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    db.session.expire_all()
    assert draft.status is RequestStatus.DRAFT and draft.submitted_at is None


def test_a_submitted_request_cannot_be_edited(client, auth, requester, mission):
    submitted = make_request(
        mission, RequestStatus.SUBMITTED, created_by=requester, start_date=FUTURE
    )
    auth.login(requester.email)
    response = client.get(f"/requests/{submitted.id}/edit")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/requests/{submitted.id}"
    assert "only drafts can be edited" in client.get(f"/requests/{submitted.id}").get_data(
        as_text=True
    )
    response = submit_form(
        client,
        f"/requests/{submitted.id}",
        request_form(title="Changed after submission", version="1"),
        action=f"/requests/{submitted.id}/edit",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert submitted.title == "chief inspector"
    assert events(submitted.id) == []


def test_stale_edit_is_refused_and_shows_the_current_request(client, auth, requester, mission):
    draft = make_request(mission, created_by=requester, start_date=FUTURE)
    auth.login(requester.email)
    client.get(f"/requests/{draft.id}/edit")  # the requester opens the form at version 1
    request_service.update_draft(draft, request_data(title="Changed by a colleague"), requester)
    response = submit_form(
        client, f"/requests/{draft.id}/edit", request_form(title="My change", version="1")
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "changed by someone else" in page
    assert 'value="Changed by a colleague"' in page
    db.session.expire_all()
    assert draft.title == "Changed by a colleague"
    assert f'name="version" type="hidden" value="{draft.version}"' in page


def test_another_missions_request_is_not_found(client, auth, requester, mission, other_requester):
    draft = make_request(mission, created_by=requester, start_date=FUTURE)
    auth.login(other_requester.email)
    assert client.get(f"/requests/{draft.id}").status_code == 404
    assert client.get(f"/requests/{draft.id}/edit").status_code == 404
    edit = submit_form(
        client,
        "/requests/new",
        request_form(title="Hijacked", version="1"),
        action=f"/requests/{draft.id}/edit",
    )
    assert edit.status_code == 404
    submit = submit_form(client, "/requests/new", {}, action=f"/requests/{draft.id}/submit")
    assert submit.status_code == 404
    assert client.get("/requests/999999").status_code == 404
    assert "chief inspector" not in client.get("/requests/").get_data(as_text=True)
    db.session.expire_all()
    assert draft.title == "chief inspector" and draft.status is RequestStatus.DRAFT
    assert events(draft.id) == []


def test_forged_organisation_creator_and_status_are_ignored(
    client, auth, requester, mission, other_requester
):
    auth.login(requester.email)
    submit_form(
        client,
        "/requests/new",
        request_form(
            organisation_id=str(other_requester.organisation_id),
            created_by_id=str(other_requester.id),
            status="submitted",
        ),
    )
    saved = only_request()
    assert saved.organisation_id == mission.id
    assert saved.created_by_id == requester.id
    assert saved.status is RequestStatus.DRAFT


@pytest.mark.parametrize(
    "role, kind",
    [
        (Role.FOCAL_POINT, OrganisationKind.MEMBER_STATE),
        (Role.HR_REVIEWER, OrganisationKind.UN_HR),
    ],
)
def test_other_roles_are_forbidden(client, auth, mission, requester, role, kind):
    draft = make_request(mission, RequestStatus.SUBMITTED, start_date=FUTURE)
    user = make_user(role, make_organisation(kind, "Somewhere", "GH"), email="x@example.org")
    auth.login(user.email)
    for page in (
        "/requests/",
        "/requests/new",
        f"/requests/{draft.id}",
        f"/requests/{draft.id}/edit",
    ):
        assert client.get(page).status_code == 403, page
    # A valid token (from the logout form of the 403 page itself), so that the role is what
    # refuses the POST, not the CSRF check.
    forbidden_page = client.get("/requests/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', forbidden_page).group(1)
    response = client.post("/requests/new", data={"csrf_token": token, **request_form()})
    assert response.status_code == 403
    response = client.post(f"/requests/{draft.id}/submit", data={"csrf_token": token})
    assert response.status_code == 403
    assert count(ExpertiseRequest) == 1


def test_post_without_csrf_token_is_refused(client, auth, requester, mission):
    draft = make_request(mission, created_by=requester, start_date=FUTURE)
    auth.login(requester.email)
    assert client.post("/requests/new", data=request_form()).status_code == 400
    assert client.post(f"/requests/{draft.id}/submit").status_code == 400
    response = client.post(f"/requests/{draft.id}/edit", data=request_form(title="No token"))
    assert response.status_code == 400
    db.session.expire_all()
    assert count(ExpertiseRequest) == 1
    assert draft.status is RequestStatus.DRAFT and draft.title == "chief inspector"


def test_list_filters_by_status_and_area_and_shows_only_our_requests(
    client, auth, requester, mission, other_requester
):
    make_request(mission, title="draft police adviser", area="security")
    make_request(mission, RequestStatus.SUBMITTED, title="submitted judge", area="justice")
    other = db.session.get(type(mission), other_requester.organisation_id)
    make_request(other, RequestStatus.SUBMITTED, title="their election expert")
    auth.login(requester.email)

    def titles(query: str) -> set[str]:
        page = client.get("/requests/" + query).get_data(as_text=True)
        found = {"draft police adviser", "submitted judge", "their election expert"}
        return {t for t in found if t in page}

    assert titles("") == {"draft police adviser", "submitted judge"}
    assert titles("?status=draft") == {"draft police adviser"}
    assert titles("?status=submitted") == {"submitted judge"}
    assert titles("?area=justice") == {"submitted judge"}
    assert titles("?area=security&status=submitted") == set()
    assert titles("?status=bogus") == {"draft police adviser", "submitted judge"}


def test_list_is_paginated(client, auth, requester, mission, app):
    app.config["PAGE_SIZE"] = 2
    for i in range(5):
        make_request(mission, title=f"request number {i}")
    auth.login(requester.email)
    first = client.get("/requests/").get_data(as_text=True)
    assert "Page 1 of 3 (5 in all)" in first
    last = client.get("/requests/?page=3").get_data(as_text=True)
    assert last.count("request number") == 1


def test_a_revision_links_to_the_request_it_replaces(client, auth, requester, mission):
    original = make_request(mission, RequestStatus.CLOSED_UNFILLED, title="legal adviser")
    revision = make_request(mission, title="senior legal adviser", min_years_experience=15)
    revision.replaces_id = original.id
    db.session.commit()
    auth.login(requester.email)
    page = client.get(f"/requests/{revision.id}").get_data(as_text=True)
    assert f'href="/requests/{original.id}"' in page
    assert "legal adviser" in page


def test_preferred_languages_are_saved_shown_and_never_also_required(client, auth, requester):
    auth.login(requester.email)
    preferred = {"preferred_languages-0-code": "ar", "preferred_languages-0-level": "B2"}
    response = submit_form(client, "/requests/new", request_form(**preferred))
    assert response.status_code == 302
    saved = only_request()
    assert [(p.code, p.level) for p in saved.preferred_languages] == [("ar", "B2")]
    assert {lang.code for lang in saved.languages} == {"en", "fr"}  # required stays apart
    page = client.get(f"/requests/{saved.id}").get_data(as_text=True)
    assert "Preferred languages" in page and "Arabic B2 or above" in page
    edit = client.get(f"/requests/{saved.id}/edit").get_data(as_text=True)
    assert 'name="preferred_languages-0-code"' in edit

    # A language is required or preferred, not both; nothing is saved.
    both = {"preferred_languages-0-code": "fr", "preferred_languages-0-level": "C1"}
    response = submit_form(client, "/requests/new", request_form(**both))
    assert response.status_code == 422
    assert "preferred_languages-0-code" in fields_with_errors(response)
    assert "is already a required language" in response.get_data(as_text=True)
    assert count(ExpertiseRequest) == 1
