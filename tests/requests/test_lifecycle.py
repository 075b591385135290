"""A request's life after submission: accept, revise (a linked revision), close, cancel, fill."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.candidates import queries as candidate_queries
from app.candidates import workflow as candidates
from app.common.errors import Conflict, NotAllowed, ValidationFailed
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
from app.outreach import publication
from app.outreach.publication import Audience
from app.requests import lifecycle
from tests.factories import (
    make_expert,
    make_ready,
    make_request,
    request_data,
)

R = RequestStatus
S = CandidateState


@pytest.fixture
def cast(ghana, mission, other_mission, un_hr, focal, requester, other_requester, hr1, hr2):
    people = {
        "fp": focal, "requester": requester, "stranger": other_requester, "hr1": hr1, "hr2": hr2,
    }  # fmt: skip
    request = make_request(mission, status=R.SUBMITTED, created_by=requester)
    return ghana, people, request


def test_hr_accepts_a_submitted_request_once(cast):
    _, people, request = cast
    with pytest.raises(NotAllowed, match="HR reviewer"):
        lifecycle.accept(request, people["requester"])
    with pytest.raises(Conflict):
        lifecycle.accept(request, people["hr1"], expected_version=request.version + 1)
    lifecycle.accept(request, people["hr1"], expected_version=request.version)
    assert request.status is R.OPEN
    with pytest.raises(NotAllowed, match="only submitted"):
        lifecycle.accept(request, people["hr2"])
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "request.open"))
    assert event.actor_id == people["hr1"].id and event.after == {"status": "open"}


def test_revision_links_to_the_old_request_which_stays_with_its_shortlist(cast):
    ghana, people, request = cast
    lifecycle.accept(request, people["hr1"])
    publication.publish(request, Audience(everyone=True), people["hr1"])
    expert = make_expert(ghana, full_name="Ama Owusu")
    old_candidate = candidates.add(request, expert, people["hr1"], score=0.5)
    db.session.query(OutboxMessage).delete()
    db.session.commit()

    data = request_data(
        title="senior chief inspector",
        min_years_experience=15,
        languages=[("en", "B2"), ("fr", "B1")],
        start_date=date(2027, 5, 1),
    )
    revision = lifecycle.revise(
        request, data, people["requester"], expected_version=request.version
    )

    assert revision.id != request.id and revision.replaces_id == request.id
    assert revision.status is R.OPEN and request.status is R.SUPERSEDED
    assert revision.created_by_id == people["requester"].id
    assert revision.min_years_experience == 15
    assert {lang.code for lang in revision.languages} == {"en", "fr"}
    assert request.title == "chief inspector"  # nothing overwritten
    assert candidate_queries.for_request(request) == [old_candidate]  # the old shortlist is kept
    assert candidate_queries.for_request(revision) == []
    assert [r.id for r in lifecycle.revisions(request)] == [request.id, revision.id]
    assert [r.id for r in lifecycle.revisions(revision)] == [request.id, revision.id]
    # published to the same member states, who are told; suggestions ran for the revision
    assert publication.published_to(revision) == [ghana.id]
    assert db.session.scalars(sa.select(OutboxMessage.recipient)).all() == ["fp@gh.example"]
    assert db.session.scalar(
        sa.select(sa.func.count()).select_from(SuggestionRun)
        .where(SuggestionRun.request_id == revision.id)
    ) == 1  # fmt: skip
    actions = {
        (e.action, e.entity_id)
        for e in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.entity_type == "request")
        )
    }
    assert ("request.superseded", request.id) in actions
    assert ("request.revised", revision.id) in actions
    # the old revision's shortlist is read-only now
    with pytest.raises(NotAllowed, match="replaced by a revision"):
        candidates.move(old_candidate, S.SHORTLISTED, people["hr1"])
    with pytest.raises(NotAllowed, match="only submitted, open"):
        lifecycle.revise(request, data, people["hr1"])


def test_a_revision_is_validated_and_refused_for_other_organisations(cast):
    _, people, request = cast
    with pytest.raises(NotAllowed):
        lifecycle.revise(request, request_data(), people["stranger"])
    with pytest.raises(NotAllowed):
        lifecycle.revise(request, request_data(), people["fp"])
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.revise(
            request, request_data(title="", start_date=date(2020, 1, 1)), people["hr1"]
        )
    assert {e.field for e in refused.value.errors} == {"title", "start_date"}
    with pytest.raises(Conflict):
        lifecycle.revise(request, request_data(), people["hr1"], expected_version=99)
    assert request.status is R.SUBMITTED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExpertiseRequest)) == 1
    revision = lifecycle.revise(request, request_data(), people["hr1"])
    assert revision.status is R.SUBMITTED  # a submitted request's revision awaits acceptance
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RequestPublication)) == 0


def test_closing_needs_the_right_person_state_and_a_reason(cast):
    _, people, request = cast
    with pytest.raises(NotAllowed, match="only: open, selection"):
        lifecycle.close(request, R.CLOSED_UNFILLED, people["hr1"], "no one found")
    lifecycle.accept(request, people["hr1"])
    with pytest.raises(NotAllowed, match="Only an HR reviewer"):
        lifecycle.close(request, R.CLOSED_UNFILLED, people["requester"], "no one found")
    with pytest.raises(NotAllowed):
        lifecycle.close(request, R.CANCELLED, people["stranger"], "not ours")
    with pytest.raises(NotAllowed):
        lifecycle.close(request, R.FILLED, people["hr1"], "forged outcome")
    with pytest.raises(ValidationFailed, match="reason"):
        lifecycle.close(request, R.CLOSED_UNFILLED, people["hr1"], "  ")
    lifecycle.close(request, R.CLOSED_UNFILLED, people["hr1"], "No deployable French speaker.")
    assert request.status is R.CLOSED_UNFILLED
    assert request.closed_reason == "No deployable French speaker."
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "request.closed_unfilled")
    )
    assert event.note == "No deployable French speaker." and event.before == {"status": "open"}
    with pytest.raises(NotAllowed):
        lifecycle.close(request, R.CANCELLED, people["hr1"], "again")


def test_the_requester_cancels_their_own_request(cast):
    _, people, request = cast
    lifecycle.close(request, R.CANCELLED, people["requester"], "Mandate ended.")
    assert request.status is R.CANCELLED and request.closed_reason == "Mandate ended."


def test_recommending_starts_selection_and_the_last_selection_fills(cast):
    ghana, people, request = cast
    lifecycle.accept(request, people["hr1"])
    candidate = candidates.add(request, make_expert(ghana, full_name="Ama Owusu"), people["hr1"])
    for state, who in ((S.SHORTLISTED, "hr1"), (S.CONSULTATION, "hr1"), (S.RELEASED, "fp"),
                       (S.INTERVIEW, "hr1"), (S.RECOMMENDED, "hr1")):  # fmt: skip
        candidates.move(candidate, state, people[who])
    assert request.status is R.SELECTION
    make_ready(candidate)
    candidates.move(candidate, S.SELECTED, people["hr2"])
    assert request.status is R.FILLED
    sent = db.session.execute(
        sa.select(OutboxMessage.event, OutboxMessage.recipient).order_by(OutboxMessage.id)
    ).all()
    assert [tuple(row) for row in sent][-3:] == [
        ("candidate.selected", "req@unmiss.example"),
        ("candidate.selected", "fp@gh.example"),
        ("request.filled", "req@unmiss.example"),
    ]  # fmt: skip
    # once filled, only the deployment goes on
    candidates.move(candidate, S.DEPLOYED, people["hr1"])
    assert candidate.state is S.DEPLOYED
