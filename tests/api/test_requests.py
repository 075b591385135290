"""Requests through the API: a mission's requester writes, submits, revises and cancels their own
organisation's requests; HR lists and reads the submitted ones; a focal point reads one
published to them. Same services and permission rules as the pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditEvent,
    Candidate,
    CandidateState,
    ExpertiseRequest,
    RequestPublication,
    RequestStatus,
)
from tests.api.client import caller
from tests.conftest import count
from tests.factories import make_expert, make_request

START = date.today() + timedelta(days=120)


def request_body(**overrides: Any) -> dict[str, Any]:
    """A request as a mission's system sends it."""
    body: dict[str, Any] = {
        "title": "Chief inspector",
        "area": "security",
        "terms_of_reference": "Police inspectors coordinate and supervise a division.",
        "required_skills": ["handle case evidence", "supervise police officers"],
        "languages": [{"code": "en", "min_level": "B2"}],
        "preferred_languages": [{"code": "ar", "level": "B1"}],
        "min_years_experience": 7,
        "start_date": START.isoformat(),
        "duration_months": 6,
        "modality": "government_provided",
        "country": "IQ",
        "duty_station": "Baghdad",
        "positions": 2,
    }
    body.update(overrides)
    return body


def url(request_row: ExpertiseRequest | int, action: str = "") -> str:
    rid = request_row if isinstance(request_row, int) else request_row.id
    return f"/api/v1/requests/{rid}" + (f"/{action}" if action else "")


def fields_of(response) -> list[str]:
    return [e["field"] for e in response.get_json()["errors"]]


@pytest.fixture
def draft(mission, requester) -> ExpertiseRequest:
    return make_request(mission, created_by=requester, start_date=START)


@pytest.fixture
def submitted(mission, requester) -> ExpertiseRequest:
    return make_request(mission, RequestStatus.SUBMITTED, created_by=requester, start_date=START)


# ---- create_request --------------------------------------------------------------------------


def test_a_requester_saves_a_draft_of_their_organisation(client, requester, mission):
    response = caller(client, requester).post("/api/v1/requests", request_body())

    assert response.status_code == 201
    shown = response.get_json()
    saved = db.session.get(ExpertiseRequest, shown["id"])
    assert saved.organisation_id == mission.id and saved.created_by_id == requester.id
    assert saved.status is RequestStatus.DRAFT
    assert response.headers["Location"] == url(saved)
    assert response.headers["ETag"] == f'"{saved.version}"'
    assert shown["status"] == "draft" and shown["organisation"] == "UNMISS"
    assert shown["required_skills"] == ["handle case evidence", "supervise police officers"]
    assert shown["languages"] == [{"code": "en", "min_level": "B2"}]
    assert shown["preferred_languages"] == [{"code": "ar", "level": "B1"}]
    assert (shown["start_date"], shown["positions"], shown["country"]) == (
        START.isoformat(),
        2,
        "IQ",
    )
    assert shown["progress"] == {"candidates": {}, "selected": []}
    event = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.entity_type == "request", AuditEvent.entity_id == saved.id
        )
    )
    assert event.action == "request.created" and event.actor_id == requester.id


def test_a_replayed_idempotency_key_gives_the_same_request_and_makes_no_second(client, requester):
    api = caller(client, requester)
    key = {"Idempotency-Key": "mission-sync-0042"}
    first = api.post("/api/v1/requests", request_body(), headers=key)
    again = api.post("/api/v1/requests", request_body(), headers=key)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(ExpertiseRequest) == 1

    other = api.post("/api/v1/requests", request_body(title="Another"), headers=key)
    assert other.status_code == 422 and fields_of(other) == ["Idempotency-Key"]
    assert count(ExpertiseRequest) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_date": "next spring"}, "start_date"),  # the schema: not a date
        ({"title": "  "}, "title"),  # the service: required
        ({"area": "astrology"}, "area"),  # the service: not a core area
        ({"languages": [{"code": "xx", "min_level": "B2"}]}, "languages[0].code"),
        ({"languages": [{"code": "fr", "min_level": "Q9"}]}, "languages[0].min_level"),
        ({"duration_months": 0}, "duration_months"),
        ({"positions": 101}, "positions"),
        ({"country": "ZZ"}, "country"),
        ({"modality": "volunteer"}, "modality"),
        ({"colour": "blue"}, "colour"),  # not a field of a request
    ],
)
def test_bad_input_is_422_naming_the_field_and_saves_nothing(client, requester, changes, field):
    response = caller(client, requester).post("/api/v1/requests", request_body(**changes))

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in fields_of(response)
    assert count(ExpertiseRequest) == 0


def test_a_missing_field_is_422_naming_it(client, requester):
    body = request_body()
    del body["start_date"]
    response = caller(client, requester).post("/api/v1/requests", body)
    assert response.status_code == 422 and fields_of(response) == ["start_date"]


def test_a_read_token_cannot_write_and_other_roles_cannot_create(client, requester, hr, focal):
    refused = caller(client, requester, scope="read").post("/api/v1/requests", request_body())
    assert refused.status_code == 403
    assert "may only read" in refused.get_json()["detail"]
    for user in (hr, focal):
        assert caller(client, user).post("/api/v1/requests", request_body()).status_code == 403
    assert count(ExpertiseRequest) == 0


def test_no_token_is_401(client):
    response = client.get("/api/v1/requests")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


# ---- list_requests ---------------------------------------------------------------------------


def test_a_requester_lists_their_organisation_s_requests_drafts_included(
    client, requester, mission, other_mission, draft, submitted
):
    theirs = make_request(other_mission, RequestStatus.SUBMITTED)
    api = caller(client, requester)

    listed = api.get("/api/v1/requests").get_json()
    assert [r["id"] for r in listed["items"]] == [draft.id, submitted.id]
    assert listed["next"] is None
    assert theirs.id not in [r["id"] for r in listed["items"]]

    only = api.get("/api/v1/requests?status=submitted").get_json()["items"]
    assert [r["id"] for r in only] == [submitted.id]


def test_lists_filter_as_on_the_pages_and_page_with_cursors(client, requester, mission):
    court = make_request(mission, title="court registrar", area="justice", languages=[("fr", "B2")])
    police = [make_request(mission, title=f"police adviser {n}") for n in range(3)]
    api = caller(client, requester)

    assert [r["id"] for r in api.get("/api/v1/requests?area=justice").get_json()["items"]] == [
        court.id
    ]
    assert [r["id"] for r in api.get("/api/v1/requests?language=fr").get_json()["items"]] == [
        court.id
    ]
    found = api.get("/api/v1/requests?text=adviser").get_json()["items"]
    assert [r["id"] for r in found] == [p.id for p in police]

    first = api.get("/api/v1/requests?text=adviser&limit=2")
    assert [r["id"] for r in first.get_json()["items"]] == [police[0].id, police[1].id]
    cursor = first.get_json()["next"]
    assert cursor and 'rel="next"' in first.headers["Link"]
    second = api.get(f"/api/v1/requests?text=adviser&limit=2&after={cursor}").get_json()
    assert [r["id"] for r in second["items"]] == [police[2].id] and second["next"] is None

    wrong = api.get("/api/v1/requests?status=pending&limit=500")
    assert wrong.status_code == 422 and set(fields_of(wrong)) == {"status", "limit"}


def test_hr_lists_every_organisation_s_submitted_requests_never_a_draft(
    client, hr, mission, other_mission, draft, submitted
):
    theirs = make_request(other_mission, RequestStatus.OPEN)
    listed = caller(client, hr).get("/api/v1/requests").get_json()["items"]
    assert [(r["id"], r["organisation"]) for r in listed] == [
        (submitted.id, "UNMISS"),
        (theirs.id, "MINUSCA"),
    ]
    assert caller(client, hr).get("/api/v1/requests?status=draft").get_json()["items"] == []


def test_a_focal_point_lists_the_requests_open_to_them_as_on_their_page(
    client, focal, ghana, senegal, mission, submitted
):
    theirs, elsewhere, closed = (
        make_request(mission, status, title=title)
        for status, title in (
            (RequestStatus.OPEN, "prison adviser"),
            (RequestStatus.OPEN, "customs adviser"),
            (RequestStatus.CANCELLED, "judicial adviser"),
        )
    )
    db.session.add_all(
        [
            RequestPublication(request_id=theirs.id, organisation_id=ghana.id),
            RequestPublication(request_id=closed.id, organisation_id=ghana.id),
            RequestPublication(request_id=elsewhere.id, organisation_id=senegal.id),
        ]
    )
    db.session.commit()
    api = caller(client, focal)

    listed = api.get("/api/v1/requests").get_json()["items"]
    assert [r["title"] for r in listed] == ["prison adviser"]
    assert listed[0]["progress"] is None  # the candidates are the requester's and HR's
    assert api.get("/api/v1/requests?text=customs").get_json()["items"] == []


# ---- read_request ----------------------------------------------------------------------------


def test_read_follows_the_pages_rules(
    client, requester, other_requester, hr, focal, focal_sn, ghana, draft, submitted
):
    mine = caller(client, requester).get(url(draft))
    assert mine.status_code == 200 and mine.get_json()["id"] == draft.id
    assert mine.headers["ETag"] == f'"{draft.version}"'

    assert caller(client, other_requester).get(url(draft)).status_code == 404
    assert caller(client, other_requester).get(url(submitted)).status_code == 404
    hr_api = caller(client, hr)
    assert hr_api.get(url(draft)).status_code == 404  # HR never sees a draft
    assert hr_api.get(url(submitted)).status_code == 200
    assert hr_api.get(url(999_999)).status_code == 404

    assert caller(client, focal).get(url(submitted)).status_code == 404  # not published to them
    db.session.add(RequestPublication(request_id=submitted.id, organisation_id=ghana.id))
    db.session.commit()
    published = caller(client, focal).get(url(submitted))
    assert published.status_code == 200
    assert published.get_json()["progress"] is None  # their page shows only their own experts
    assert caller(client, focal_sn).get(url(submitted)).status_code == 404


def test_the_requester_and_hr_see_who_was_selected_and_how_far_the_others_got(
    client, requester, hr, ghana, submitted
):
    grace = make_expert(ghana, full_name="Grace Mensah")
    kofi = make_expert(ghana, full_name="Kofi Annan")
    ama = make_expert(ghana, full_name="Ama Owusu")
    db.session.add_all(
        [
            Candidate(request=submitted, expert=grace, state=CandidateState.SELECTED),
            Candidate(request=submitted, expert=kofi, state=CandidateState.INTERVIEW),
            Candidate(request=submitted, expert=ama, state=CandidateState.INTERVIEW),
        ]
    )
    db.session.commit()

    for user in (requester, hr):
        progress = caller(client, user).get(url(submitted)).get_json()["progress"]
        assert progress["candidates"] == {"interview": 2, "selected": 1}
        assert progress["selected"] == [
            {"full_name": "Grace Mensah", "member_state": "Government of GH", "state": "selected"}
        ]


# ---- update_request --------------------------------------------------------------------------


def test_a_draft_is_replaced_with_if_match(client, requester, draft):
    version = draft.version
    response = caller(client, requester).put(
        url(draft),
        request_body(title="Senior chief inspector", positions=1),
        headers={"If-Match": f'"{version}"'},
    )
    assert response.status_code == 200
    shown = response.get_json()
    assert shown["title"] == "Senior chief inspector" and shown["positions"] == 1
    assert shown["version"] == version + 1
    assert response.headers["ETag"] == f'"{version + 1}"'
    db.session.expire_all()
    assert db.session.get(ExpertiseRequest, draft.id).title == "Senior chief inspector"


def test_the_version_may_be_sent_in_the_body(client, requester, draft):
    body = request_body(title="Deputy inspector", version=draft.version)
    response = caller(client, requester).put(url(draft), body)
    assert response.status_code == 200 and response.get_json()["title"] == "Deputy inspector"


def test_a_stale_version_is_412_with_the_current_request(client, requester, draft):
    api = caller(client, requester)
    stale = draft.version
    first = api.put(url(draft), request_body(title="First"), headers={"If-Match": f'"{stale}"'})
    assert first.status_code == 200
    response = api.put(url(draft), request_body(title="Second"), headers={"If-Match": f'"{stale}"'})

    assert response.status_code == 412
    problem = response.get_json()
    assert problem["current"]["title"] == "First"
    assert problem["current"]["version"] == stale + 1
    assert response.headers["ETag"] == f'"{stale + 1}"'
    db.session.expire_all()
    assert db.session.get(ExpertiseRequest, draft.id).title == "First"


def test_an_update_without_a_version_is_428(client, requester, draft):
    response = caller(client, requester).put(url(draft), request_body(title="Lost"))
    assert response.status_code == 428
    db.session.expire_all()
    assert db.session.get(ExpertiseRequest, draft.id).title == "chief inspector"


def test_an_update_with_bad_input_is_422_naming_the_field(client, requester, draft):
    body = request_body(min_years_experience=99, version=draft.version)
    response = caller(client, requester).put(url(draft), body)
    assert response.status_code == 422 and fields_of(response) == ["min_years_experience"]


def test_a_submitted_request_is_not_edited_but_revised(client, requester, submitted):
    body = request_body(version=submitted.version)
    response = caller(client, requester).put(url(submitted), body)
    assert response.status_code == 409
    assert "only drafts can be edited" in response.get_json()["detail"]


# ---- submit_request --------------------------------------------------------------------------


def test_a_draft_is_submitted_to_hr(client, requester, draft):
    response = caller(client, requester).post(url(draft, "submit"), {"version": draft.version})
    assert response.status_code == 200
    shown = response.get_json()
    assert shown["status"] == "submitted" and shown["submitted_at"]
    assert response.headers["ETag"] == f'"{shown["version"]}"'

    again = caller(client, requester).post(url(draft, "submit"), {"version": shown["version"]})
    assert again.status_code == 409 and "already submitted" in again.get_json()["detail"]


def test_submitting_needs_a_current_version(client, requester, draft):
    api = caller(client, requester)
    assert api.post(url(draft, "submit"), {}).status_code == 428
    stale = api.post(url(draft, "submit"), headers={"If-Match": f'"{draft.version + 5}"'})
    assert stale.status_code == 412 and stale.get_json()["current"]["status"] == "draft"
    db.session.expire_all()
    assert db.session.get(ExpertiseRequest, draft.id).status is RequestStatus.DRAFT


def test_a_start_date_in_the_past_is_422_on_start_date(client, requester, mission):
    old = make_request(mission, start_date=date.today() - timedelta(days=1))
    response = caller(client, requester).post(url(old, "submit"), {"version": old.version})
    assert response.status_code == 422 and fields_of(response) == ["start_date"]


# ---- revise_request --------------------------------------------------------------------------


def test_a_submitted_request_is_revised_into_a_new_revision(client, requester, submitted):
    body = request_body(title="Senior chief inspector", min_years_experience=12)
    response = caller(client, requester).post(
        url(submitted, "revise"), body, headers={"If-Match": f'"{submitted.version}"'}
    )

    assert response.status_code == 201
    revision = response.get_json()
    assert revision["id"] != submitted.id and revision["replaces_id"] == submitted.id
    assert revision["status"] == "submitted" and revision["min_years_experience"] == 12
    assert response.headers["Location"] == url(revision["id"])
    db.session.expire_all()
    assert db.session.get(ExpertiseRequest, submitted.id).status is RequestStatus.SUPERSEDED
    old = caller(client, requester).get(url(submitted)).get_json()
    assert old["status"] == "superseded"


def test_a_draft_is_not_revised_and_revising_needs_a_current_version(client, requester, draft):
    api = caller(client, requester)
    refused = api.post(url(draft, "revise"), request_body(version=draft.version))
    assert refused.status_code == 409
    assert "a draft is simply edited" in refused.get_json()["detail"]
    assert api.post(url(draft, "revise"), request_body()).status_code == 428
    stale = api.post(url(draft, "revise"), request_body(version=draft.version + 1))
    assert stale.status_code == 412
    assert count(ExpertiseRequest) == 1


# ---- close_request ---------------------------------------------------------------------------


def test_a_requester_cancels_their_request_saying_why(client, requester, submitted):
    body = {"outcome": "cancelled", "reason": "The mandate ended.", "version": submitted.version}
    response = caller(client, requester).post(url(submitted, "close"), body)
    assert response.status_code == 200
    shown = response.get_json()
    assert shown["status"] == "cancelled" and shown["closed_reason"] == "The mandate ended."


def test_closing_needs_a_reason_a_version_and_the_requester_s_outcome(client, requester, submitted):
    api = caller(client, requester)
    version = submitted.version
    no_reason = api.post(url(submitted, "close"), {"outcome": "cancelled", "version": version})
    assert no_reason.status_code == 422 and fields_of(no_reason) == ["reason"]

    unfilled = {"outcome": "closed_unfilled", "reason": "Nobody fits.", "version": version}
    refused = api.post(url(submitted, "close"), unfilled)
    assert refused.status_code == 409
    assert "Only an HR reviewer closes a request unfilled" in refused.get_json()["detail"]

    unknown = api.post(url(submitted, "close"), {"outcome": "filled", "version": version})
    assert unknown.status_code == 422 and fields_of(unknown) == ["outcome"]
    no_version = api.post(url(submitted, "close"), {"outcome": "cancelled", "reason": "Ended."})
    assert no_version.status_code == 428
    db.session.expire_all()
    assert db.session.get(ExpertiseRequest, submitted.id).status is RequestStatus.SUBMITTED


def test_a_cancelled_request_cannot_be_cancelled_again(client, requester, mission):
    done = make_request(mission, RequestStatus.CANCELLED, start_date=START)
    body = {"outcome": "cancelled", "reason": "Again.", "version": done.version}
    response = caller(client, requester).post(url(done, "close"), body)
    assert response.status_code == 409 and "cannot be cancelled" in response.get_json()["detail"]


# ---- another organisation, another role, a read token ----------------------------------------


def test_another_organisation_s_requester_gets_404_on_every_operation(
    client, other_requester, draft, submitted
):
    api = caller(client, other_requester)
    version = {"If-Match": '"1"'}
    assert api.get(url(draft)).status_code == 404
    assert api.put(url(draft), request_body(), headers=version).status_code == 404
    assert api.post(url(draft, "submit"), {}, headers=version).status_code == 404
    assert api.post(url(submitted, "revise"), request_body(), headers=version).status_code == 404
    close = {"outcome": "cancelled", "reason": "Not ours."}
    assert api.post(url(submitted, "close"), close, headers=version).status_code == 404
    db.session.expire_all()
    assert db.session.get(ExpertiseRequest, draft.id).status is RequestStatus.DRAFT
    assert db.session.get(ExpertiseRequest, submitted.id).status is RequestStatus.SUBMITTED


def test_hr_and_focal_points_do_not_write_through_these_operations(client, hr, focal, submitted):
    for user in (hr, focal):
        api = caller(client, user)
        body = {"outcome": "cancelled", "reason": "x", "version": submitted.version}
        assert api.post(url(submitted, "close"), body).status_code == 403
        assert api.put(url(submitted), request_body(version=1)).status_code == 403


def test_a_read_token_reads_but_does_not_write(client, requester, draft):
    api = caller(client, requester, scope="read")
    assert api.get(url(draft)).status_code == 200
    assert api.put(url(draft), request_body(version=draft.version)).status_code == 403
    assert api.post(url(draft, "submit"), {"version": draft.version}).status_code == 403
    close = {"outcome": "cancelled", "reason": "x", "version": draft.version}
    assert api.post(url(draft, "close"), close).status_code == 403
    db.session.expire_all()
    assert db.session.get(ExpertiseRequest, draft.id).status is RequestStatus.DRAFT


# ---- the document ----------------------------------------------------------------------------


def test_the_document_names_each_operation_and_links_a_new_request_to_its_reading(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operations = {
        op["operationId"]: op
        for path in spec["paths"].values()
        for method, op in path.items()
        if method != "parameters"
    }
    assert {
        "list_requests",
        "create_request",
        "read_request",
        "update_request",
        "submit_request",
        "revise_request",
        "close_request",
    } <= set(operations)
    links = operations["create_request"]["responses"]["201"]["links"]
    assert links["read"]["operationId"] == "read_request"
    assert links["update"]["parameters"] == {
        "request_id": "$response.body#/id",
        "header.If-Match": "$response.header.ETag",
    }


def test_the_links_lead_from_a_new_request_to_its_reading_update_and_submission(client, requester):
    document = client.get("/api/v1/openapi.json").get_json()
    links = document["paths"]["/api/v1/requests"]["post"]["responses"]["201"]["links"]
    api = caller(client, requester)

    def follow(link: dict[str, Any], response) -> dict[str, Any]:
        values = {}
        for name, expression in link["parameters"].items():
            if expression.startswith("$response.body#/"):
                values[name] = response.get_json()[expression.removeprefix("$response.body#/")]
            else:
                values[name] = response.headers[expression.removeprefix("$response.header.")]
        return values

    made = api.post("/api/v1/requests", request_body())
    read = api.get(url(follow(links["read"], made)["request_id"]))
    assert read.status_code == 200 and read.get_json() == made.get_json()
    update = follow(links["update"], read)
    changed = api.put(
        url(update["request_id"]),
        request_body(title="Senior chief inspector"),
        headers={"If-Match": update["header.If-Match"]},
    )
    assert changed.status_code == 200
    submit = follow(links["submit"], changed)
    submitted = api.post(
        url(submit["request_id"], "submit"), headers={"If-Match": submit["header.If-Match"]}
    )
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
