"""A request's life after submission, on HR's and on the requester's pages: accept, publish to
member states, revise, close unfilled, cancel; what the requester sees of the selection."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.candidates import workflow as candidates
from app.extensions import db
from app.models import (
    AuditEvent,
    CandidateState,
    ExpertiseRequest,
    OutboxMessage,
    RequestPublication,
    RequestStatus,
    SuggestionRun,
)
from app.suggestions import worker_index
from tests.cast import focal_point_of, member_state
from tests.conftest import count, csrf_token, login, submit_form
from tests.factories import make_expert, make_ready, make_request
from tests.pages import field_error_text, page_text

R, S = RequestStatus, CandidateState


@pytest.fixture
def cast(ghana, senegal, mission, other_mission, un_hr, hr1, hr2, requester, other_requester):
    states = {"ghana": ghana, "senegal": senegal}
    states |= {"france": member_state("FR"), "japan": member_state("JP")}
    people = {"hr1": hr1, "hr2": hr2, "requester": requester, "stranger": other_requester}
    for key, state in states.items():  # fp@ghana.example…: the e-mails the tests assert on
        people[f"fp_{key}"] = focal_point_of(state, f"fp@{key}.example")
    return states, mission, people


def hr_page(request: ExpertiseRequest) -> str:
    return f"/review/requests/{request.id}"


def own_page(request: ExpertiseRequest) -> str:
    return f"/requests/{request.id}"


def fresh(request: ExpertiseRequest) -> ExpertiseRequest:
    db.session.expire_all()
    return db.session.get(ExpertiseRequest, request.id)


def request_form(request: ExpertiseRequest, **changes: object) -> dict[str, object]:
    """The request form as the revise page fills it in, with ``changes``."""
    data: dict[str, object] = {
        "title": request.title,
        "terms_of_reference": request.terms_of_reference,
        "area": request.area_code,
        "required_skills": "\n".join(s.name for s in request.skills),
        "min_years_experience": request.min_years_experience,
        "start_date": request.start_date.isoformat(),
        "duration_months": request.duration_months,
        "duty_station": request.duty_station or "",
        "country": request.country or "",
        "modality": request.modality,
        "positions": request.positions,
        "version": request.version,
    }
    for i, language in enumerate(request.languages):
        data[f"languages-{i}-code"] = language.code
        data[f"languages-{i}-level"] = language.min_level
    data.update(changes)
    return data


# ---- accept ---------------------------------------------------------------------------------


def test_hr_accepts_a_submitted_request(client, auth, cast):
    _, mission, people = cast
    request = make_request(mission, R.SUBMITTED)
    auth.login(people["hr1"].email)
    page = page_text(client.get(hr_page(request)))
    assert "Accept" in page and "Publish to member states" not in page

    response = submit_form(
        client, hr_page(request), {"version": request.version},
        action=f"{hr_page(request)}/accept", follow_redirects=True,
    )  # fmt: skip
    page = page_text(response)
    assert "Accepted: the request is open" in page
    assert fresh(request).status is R.OPEN
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "request.open")
    ).one()
    assert (event.actor_id, event.entity_id) == (people["hr1"].id, request.id)
    assert (event.before, event.after) == ({"status": "submitted"}, {"status": "open"})
    assert "Publish to member states" in page and 'action="/review/requests/' in page


def test_a_stale_accept_gets_a_conflict_message(app, cast):
    _, mission, people = cast
    request = make_request(mission, R.SUBMITTED)
    first, second = login(app, people["hr1"].email), login(app, people["hr2"].email)
    seen = str(request.version)
    token = csrf_token(second, hr_page(request))  # the second reviewer has the page open

    submit_form(first, hr_page(request), {"version": seen}, action=f"{hr_page(request)}/accept")
    response = second.post(
        f"{hr_page(request)}/accept",
        data={"csrf_token": token, "version": seen},
        follow_redirects=True,
    )
    page = page_text(response)
    assert "Someone else changed this request meanwhile: it is now open." in page
    assert fresh(request).status is R.OPEN
    assert count(AuditEvent) == 1


def test_accept_refuses_forged_versions_and_other_statuses(client, auth, cast):
    _, mission, people = cast
    request = make_request(mission, R.OPEN)
    auth.login(people["hr1"].email)
    token = csrf_token(client, hr_page(request))
    url = f"{hr_page(request)}/accept"
    assert client.post(url, data={"csrf_token": token, "version": "x"}).status_code == 400
    assert client.post(url, data={"version": request.version}).status_code == 400  # no CSRF
    response = client.post(
        url, data={"csrf_token": token, "version": request.version}, follow_redirects=True
    )
    assert "only submitted requests are accepted" in page_text(response)
    draft = make_request(mission, R.DRAFT)
    forged = f"{hr_page(draft)}/accept"
    assert client.post(forged, data={"csrf_token": token, "version": 1}).status_code == 404
    assert fresh(draft).status is R.DRAFT


# ---- publish --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "reached"),
    [
        ({"regions": "Western Africa"}, {"ghana", "senegal"}),
        ({"global_south": "y"}, {"ghana", "senegal"}),
        ({"organisations": ["france", "japan"]}, {"france", "japan"}),
        ({"everyone": "y"}, {"ghana", "senegal", "france", "japan"}),
        ({"regions": "Eastern Asia", "organisations": ["france"]}, {"france", "japan"}),
    ],
)
def test_hr_publishes_to_chosen_member_states(client, auth, cast, choice, reached):
    states, mission, people = cast
    request = make_request(mission, R.OPEN)
    auth.login(people["hr1"].email)
    if "organisations" in choice:
        choice = {**choice, "organisations": [states[k].id for k in choice["organisations"]]}
    url = f"{hr_page(request)}/publish"

    page = page_text(
        submit_form(client, hr_page(request), choice, action=url, follow_redirects=True)
    )
    names = sorted(states[k].name for k in reached)
    states_word = "member state" if len(names) == 1 else "member states"
    assert f"Published to {len(names)} {states_word}: {', '.join(names)}." in page
    published = db.session.scalars(
        sa.select(RequestPublication).where(RequestPublication.request_id == request.id)
    ).all()
    assert {p.organisation_id for p in published} == {states[k].id for k in reached}
    assert {p.published_by_id for p in published} == {people["hr1"].id}
    mails = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.event == "request.published")
    ).all()
    assert {m.recipient for m in mails} == {f"fp@{k}.example" for k in reached}
    for name in names:  # the list of member states it is published to, with who did it
        assert re.search(rf"<td>{re.escape(name)}</td>\s*<td>[^<]+ UTC</td>\s*<td>Test HR", page)

    again = page_text(
        submit_form(client, hr_page(request), choice, action=url, follow_redirects=True)
    )
    assert "The request is already published to every member state chosen." in again
    assert count(RequestPublication) == len(reached)
    assert count(OutboxMessage) == len(reached)


def test_publishing_again_reaches_only_the_new_member_states(client, auth, cast):
    states, mission, people = cast
    request = make_request(mission, R.OPEN)
    auth.login(people["hr1"].email)
    url = f"{hr_page(request)}/publish"
    submit_form(client, hr_page(request), {"organisations": states["ghana"].id}, action=url)
    page = page_text(
        submit_form(
            client, hr_page(request), {"regions": "Western Africa"}, action=url,
            follow_redirects=True,
        )
    )  # fmt: skip
    assert "Published to 1 member state: Government of SN." in page
    recipients = db.session.scalars(sa.select(OutboxMessage.recipient)).all()
    assert sorted(recipients) == ["fp@ghana.example", "fp@senegal.example"]


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ({}, "choose all member states, regions, the global South or names"),
        ({"regions": "Atlantis"}, "'Atlantis' is not a valid choice"),
        ({"organisations": "abc"}, "could not be coerced"),
        ("mission", "is not a valid choice"),  # an organisation that is not a member state
    ],
)
def test_publish_refuses_an_empty_or_forged_choice(client, auth, cast, choice, message):
    _, mission, people = cast
    request = make_request(mission, R.OPEN)
    auth.login(people["hr1"].email)
    if choice == "mission":
        choice = {"organisations": mission.id}
    response = submit_form(client, hr_page(request), choice, action=f"{hr_page(request)}/publish")
    assert response.status_code == 422
    assert message in page_text(response)
    assert count(RequestPublication) == 0 and count(OutboxMessage) == 0


def test_only_open_requests_are_published(client, auth, cast):
    _, mission, people = cast
    request = make_request(mission, R.SUBMITTED)
    auth.login(people["hr1"].email)
    response = submit_form(
        client, hr_page(request), {"everyone": "y"}, action=f"{hr_page(request)}/publish",
        follow_redirects=True,
    )  # fmt: skip
    assert "accept it first" in page_text(response)
    assert count(RequestPublication) == 0


# ---- revise ---------------------------------------------------------------------------------


@pytest.fixture
def published_with_shortlist(client, auth, cast):
    """An open request published to Ghana, with one candidate on its shortlist."""
    states, mission, people = cast
    request = make_request(
        mission, R.OPEN, created_by=people["requester"], languages=[("en", "B2")]
    )
    expert = make_expert(states["ghana"], full_name="Ama Owusu")
    worker_index.roster_index().rebuild()
    candidates.add(request, expert, people["hr1"])
    db.session.add(RequestPublication(request_id=request.id, organisation_id=states["ghana"].id))
    db.session.commit()
    return request


def test_hr_revises_an_open_request_into_a_linked_revision(
    client, auth, cast, published_with_shortlist
):
    _, _, people = cast
    old = published_with_shortlist
    auth.login(people["hr1"].email)
    assert f'href="{hr_page(old)}/revise"' in page_text(client.get(hr_page(old)))
    form_page = page_text(client.get(f"{hr_page(old)}/revise"))
    assert (
        f'value="{old.title}"' in form_page
        and f'name="version" type="hidden" value="{old.version}"' in form_page
    )

    changes = request_form(
        old, min_years_experience=12, **{"languages-1-code": "fr", "languages-1-level": "B2"}
    )
    response = submit_form(client, f"{hr_page(old)}/revise", changes, follow_redirects=True)
    page = page_text(response)
    assert "Saved as revision 2." in page
    new = db.session.scalars(
        sa.select(ExpertiseRequest).where(ExpertiseRequest.replaces_id == old.id)
    ).one()
    assert response.request.path == hr_page(new)
    assert (new.status, new.min_years_experience) == (R.OPEN, 12)
    assert sorted(lang.code for lang in new.languages) == ["en", "fr"]
    assert fresh(old).status is R.SUPERSEDED
    assert db.session.scalar(sa.select(SuggestionRun).where(SuggestionRun.request_id == new.id))
    assert count(RequestPublication) == 2  # published to the same member state again
    assert re.search(r"Revision 1</a>.*Revision 2</strong> \(this page\).*current", page, re.S)

    old_page = page_text(client.get(hr_page(old)))
    assert (
        "This request was replaced by" in old_page
        and f'href="{hr_page(new)}">revision 2</a>' in old_page
    )
    assert "Accept" not in old_page and "Publish to member states" not in old_page
    assert f'href="{hr_page(old)}/revise"' not in old_page and "Close unfilled" not in old_page
    shortlist = client.get(f"{hr_page(old)}/shortlist")
    assert shortlist.status_code == 200 and "Ama Owusu" in page_text(shortlist)
    assert client.get(f"{hr_page(old)}/revise", follow_redirects=True).request.path == hr_page(old)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": " "}, "title", "is required"),
        (
            {"start_date": "2020-01-01"},
            "start_date",
            "is in the past; a revision starts from today",
        ),
        ({"area": "astrology"}, "area", "astrology"),
    ],
)
def test_a_revision_with_a_wrong_field_saves_nothing(client, auth, cast, changes, field, message):
    _, mission, people = cast
    old = make_request(mission, R.OPEN)
    auth.login(people["hr1"].email)
    response = submit_form(client, f"{hr_page(old)}/revise", request_form(old, **changes))
    assert response.status_code == 422
    assert message in field_error_text(page_text(response), field)
    assert count(ExpertiseRequest) == 1 and count(SuggestionRun) == 0
    assert fresh(old).status is R.OPEN


def test_a_stale_revision_is_refused_and_the_current_request_shown(client, auth, cast):
    _, mission, people = cast
    old = make_request(mission, R.OPEN, title="first title")
    auth.login(people["hr1"].email)
    data = request_form(old, title="my change", version=old.version + 5)
    response = submit_form(client, f"{hr_page(old)}/revise", data)
    assert response.status_code == 409
    page = page_text(response)
    assert "Someone else changed this request meanwhile" in page
    assert 'value="first title"' in page
    assert count(ExpertiseRequest) == 1
    forged = submit_form(client, f"{hr_page(old)}/revise", request_form(old, version=""))
    assert forged.status_code == 400


def test_a_closed_request_is_not_revised(client, auth, cast):
    _, mission, people = cast
    closed = make_request(mission, R.CANCELLED)
    auth.login(people["hr1"].email)
    page = page_text(client.get(f"{hr_page(closed)}/revise", follow_redirects=True))
    assert "This request is cancelled; only submitted, open or in-selection requests" in page
    token = csrf_token(client, hr_page(closed))
    client.post(f"{hr_page(closed)}/revise", data={"csrf_token": token, **request_form(closed)})
    assert count(ExpertiseRequest) == 1


# ---- close ----------------------------------------------------------------------------------


def close(client, page: str, action: str, outcome: str, reason: str, version: object):
    data = {"outcome": outcome, "reason": reason, "version": version}
    return submit_form(client, page, data, action=action, follow_redirects=True)


def test_closing_unfilled_needs_a_reason(client, auth, cast):
    _, mission, people = cast
    request = make_request(mission, R.OPEN)
    auth.login(people["hr1"].email)
    page = page_text(client.get(hr_page(request)))
    assert "Close unfilled" in page and "Cancel request" in page

    url = f"{hr_page(request)}/close"
    response = close(client, hr_page(request), url, "closed_unfilled", "  ", request.version)
    assert response.status_code == 422
    assert field_error_text(page_text(response), "reason-closed_unfilled") == (
        "say why the request is closed unfilled"
    )
    assert field_error_text(page_text(response), "reason-cancelled") == ""
    assert fresh(request).status is R.OPEN

    page = page_text(
        close(client, hr_page(request), url, "closed_unfilled", "No one available", request.version)
    )
    assert "The request is now closed unfilled." in page
    assert "Closed unfilled: No one available" in page
    request = fresh(request)
    assert (request.status, request.closed_reason) == (R.CLOSED_UNFILLED, "No one available")
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "request.closed_unfilled")
    ).one()
    assert (event.actor_id, event.note) == (people["hr1"].id, "No one available")
    assert "Close unfilled" not in page and "Cancel request" not in page


def test_close_refuses_forged_outcomes_and_versions(client, auth, cast):
    _, mission, people = cast
    request = make_request(mission, R.OPEN)
    auth.login(people["hr1"].email)
    page, url = hr_page(request), f"{hr_page(request)}/close"
    assert close(client, page, url, "bogus", "why", request.version).status_code == 400
    assert close(client, page, url, "closed_unfilled", "why", "x").status_code == 400
    forged = page_text(close(client, page, url, "filled", "why", request.version))
    assert "A request cannot be closed as filled." in forged
    stale = page_text(close(client, page, url, "cancelled", "why", request.version + 1))
    assert "Someone else changed this request meanwhile" in stale
    submitted = make_request(mission, R.SUBMITTED)
    refused = close(client, hr_page(submitted), f"{hr_page(submitted)}/close", "closed_unfilled",
                    "why", submitted.version)  # fmt: skip
    assert "A submitted request cannot be closed unfilled" in page_text(refused)
    assert (fresh(request).status, fresh(submitted).status) == (R.OPEN, R.SUBMITTED)


# ---- the requester --------------------------------------------------------------------------


def test_requester_cancels_their_own_request(client, auth, cast):
    _, mission, people = cast
    request = make_request(mission, R.OPEN, created_by=people["requester"])
    auth.login(people["requester"].email)
    page = page_text(client.get(own_page(request)))
    assert "Cancel request" in page and "Close unfilled" not in page
    url = f"{own_page(request)}/close"

    empty = close(client, own_page(request), url, "cancelled", "", request.version)
    assert empty.status_code == 422 and "say why the request is cancelled" in page_text(empty)
    forged = page_text(
        close(client, own_page(request), url, "closed_unfilled", "x", request.version)
    )
    assert "Only an HR reviewer closes a request unfilled." in forged
    assert fresh(request).status is R.OPEN

    page = page_text(
        close(client, own_page(request), url, "cancelled", "Mandate ended", request.version)
    )
    assert "The request is now cancelled." in page and "Cancelled: Mandate ended" in page
    request = fresh(request)
    assert (request.status, request.closed_reason) == (R.CANCELLED, "Mandate ended")
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "request.cancelled")
    ).one()
    assert event.actor_id == people["requester"].id


def test_requester_revises_their_own_request(client, auth, cast):
    _, mission, people = cast
    old = make_request(mission, R.SUBMITTED, created_by=people["requester"])
    auth.login(people["requester"].email)
    assert f'href="{own_page(old)}/revise"' in page_text(client.get(own_page(old)))
    response = submit_form(
        client, f"{own_page(old)}/revise", request_form(old, positions=2), follow_redirects=True
    )
    new = db.session.scalars(
        sa.select(ExpertiseRequest).where(ExpertiseRequest.replaces_id == old.id)
    ).one()
    assert response.request.path == own_page(new)
    assert (new.status, new.positions, fresh(old).status) == (R.SUBMITTED, 2, R.SUPERSEDED)
    assert "This request was replaced by" in page_text(client.get(own_page(old)))


def test_another_organisations_requester_gets_not_found(client, auth, cast):
    _, mission, people = cast
    request = make_request(mission, R.OPEN, created_by=people["requester"])
    auth.login(people["stranger"].email)
    assert client.get(own_page(request)).status_code == 404
    assert client.get(f"{own_page(request)}/revise").status_code == 404
    token = csrf_token(client, "/requests/")
    data = {"csrf_token": token, "outcome": "cancelled", "reason": "x", "version": request.version}
    assert client.post(f"{own_page(request)}/close", data=data).status_code == 404
    revise = {"csrf_token": token, **request_form(request)}
    assert client.post(f"{own_page(request)}/revise", data=revise).status_code == 404
    assert fresh(request).status is R.OPEN and count(ExpertiseRequest) == 1


def test_requester_cannot_use_hr_routes(client, auth, cast):
    states, mission, people = cast
    request = make_request(mission, R.SUBMITTED, created_by=people["requester"])
    auth.login(people["requester"].email)
    token = csrf_token(client, own_page(request))
    version = request.version
    assert client.get(hr_page(request)).status_code == 403
    assert client.get(f"{hr_page(request)}/revise").status_code == 403
    for action, data in [
        ("accept", {"version": version}),
        ("publish", {"everyone": "y"}),
        ("close", {"outcome": "closed_unfilled", "reason": "x", "version": version}),
        ("revise", request_form(request)),
    ]:
        response = client.post(f"{hr_page(request)}/{action}", data={"csrf_token": token, **data})
        assert response.status_code == 403, action
    assert fresh(request).status is R.SUBMITTED
    assert count(RequestPublication) == 0 and count(ExpertiseRequest) == 1


def test_requester_sees_who_was_selected_and_only_counts_of_the_others(client, auth, cast):
    states, mission, people = cast
    request = make_request(mission, R.OPEN, created_by=people["requester"], positions=1)
    ama = make_expert(states["ghana"], full_name="Ama Owusu")
    kofi = make_expert(states["ghana"], full_name="Kofi Mensah")
    awa = make_expert(states["senegal"], full_name="Awa Diop", nationality="SN")
    hr1, hr2, fp = people["hr1"], people["hr2"], people["fp_ghana"]
    candidates.move(candidates.add(request, kofi, hr1), S.DISMISSED, hr1, reason="language")
    candidates.add(request, awa, hr1)
    chosen = candidates.add(request, ama, hr1)
    for to, actor in [
        (S.SHORTLISTED, hr1), (S.CONSULTATION, hr1), (S.RELEASED, fp),
        (S.INTERVIEW, hr1), (S.RECOMMENDED, hr1), (S.SELECTED, hr2),
    ]:  # fmt: skip
        if to is S.SELECTED:
            make_ready(chosen)
        candidates.move(chosen, to, actor)
    auth.login(people["requester"].email)

    page = page_text(client.get(own_page(request)))
    assert re.search(r"<h1>[^<]*<span class=\"badge filled\">filled</span></h1>", page)
    assert re.search(
        r"<td>Ama Owusu</td><td>Government of GH</td><td><span class=\"badge selected\">selected",
        page,
    )
    assert "1 of 1 position selected." in page
    assert "<dt>Selected</dt><dd>1</dd>" in page
    assert "<dt>Dismissed</dt><dd>1</dd>" in page and "<dt>Suggested</dt><dd>1</dd>" in page
    assert "Kofi Mensah" not in page and "Awa Diop" not in page
    assert "Cancel request" not in page and "/revise" not in page  # filled: nothing left to do


def test_a_focal_point_it_is_published_to_cannot_use_hr_routes(client, auth, cast):
    states, mission, people = cast
    request = make_request(mission, R.OPEN)
    db.session.add(RequestPublication(request_id=request.id, organisation_id=states["ghana"].id))
    db.session.commit()
    auth.login(people["fp_ghana"].email)
    token = csrf_token(client, "/")
    assert client.get(hr_page(request)).status_code == 403
    assert client.get(own_page(request)).status_code == 403
    data = {"csrf_token": token, "outcome": "cancelled", "reason": "x", "version": request.version}
    assert client.post(f"{hr_page(request)}/close", data=data).status_code == 403
    assert client.post(f"{own_page(request)}/close", data=data).status_code == 403
    publish = {"csrf_token": token, "everyone": "y"}
    assert client.post(f"{hr_page(request)}/publish", data=publish).status_code == 403
    assert fresh(request).status is R.OPEN and count(RequestPublication) == 1
