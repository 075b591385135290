"""The candidate workflow: the whole path, every refused move, four eyes, positions, conflicts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.assignments.evaluation import COMPETENCIES, Said
from app.candidates import workflow as candidates
from app.common.errors import Conflict, NotAllowed, ValidationFailed
from app.extensions import db
from app.models import (
    AuditEvent,
    Candidate,
    CandidateState,
    ExpertiseRequest,
    OutboxMessage,
    RequestStatus,
)
from tests.factories import make_expert, make_ready, make_request

S = CandidateState
RATED = Said({c.code: 4 for c in COMPETENCIES}, "Steady and well liked.")


@pytest.fixture
def cast(ghana, senegal, mission, un_hr, focal, focal_sn, requester, hr1, hr2):
    people = {"fp_gh": focal, "fp_sn": focal_sn, "requester": requester, "hr1": hr1, "hr2": hr2}
    request = make_request(mission, status=RequestStatus.OPEN, positions=1)
    expert = make_expert(ghana, full_name="Ama Owusu")
    other = make_expert(ghana, full_name="Kofi Mensah")
    return people, request, expert, other


def walk(candidate, people, until: CandidateState):
    path = [
        (S.SHORTLISTED, "hr1", {}), (S.CONSULTATION, "hr1", {}), (S.RELEASED, "fp_gh", {}),
        (S.INTERVIEW, "hr1", {}), (S.RECOMMENDED, "hr1", {}), (S.SELECTED, "hr2", {}),
        (S.DEPLOYED, "hr1", {}), (S.COMPLETED, "hr1",
        {"note": "Excellent work.", "evaluation": RATED}),
    ]  # fmt: skip
    for state, who, extra in path:
        candidates.move(candidate, state, people[who], **extra)
        if state is S.RECOMMENDED:
            make_ready(candidate)  # readiness has tests of its own (tests/readiness)
        if state is until:
            return


def test_the_whole_path_is_audited_and_fills_the_request(cast):
    people, request, expert, _ = cast
    candidate = candidates.add(request, expert, people["hr1"], score=0.9)
    walk(candidate, people, S.COMPLETED)
    assert candidate.state is S.COMPLETED
    assert candidate.recommended_by_id == people["hr1"].id
    assert candidate.selected_by_id == people["hr2"].id
    assert request.status is RequestStatus.FILLED
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity_type == "candidate").order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == [
        "candidate.suggested", "candidate.shortlisted", "candidate.consultation",
        "candidate.released", "candidate.interview", "candidate.recommended",
        "candidate.selected", "candidate.deployed", "candidate.completed",
        "evaluation.recorded",
    ]  # fmt: skip
    assert events[3].actor_id == people["fp_gh"].id
    assert events[3].before == {"state": "consultation"} and events[3].after == {
        "state": "released"
    }
    assert events[-2].note == "Excellent work."


def test_four_eyes_refuses_self_approval(cast):
    people, request, expert, _ = cast
    candidate = candidates.add(request, expert, people["hr1"])
    walk(candidate, people, S.RECOMMENDED)
    with pytest.raises(NotAllowed, match="Four eyes"):
        candidates.move(candidate, S.SELECTED, people["hr1"])
    assert candidate.state is S.RECOMMENDED
    assert S.SELECTED not in candidates.allowed_moves(candidate, people["hr1"])
    assert S.SELECTED in candidates.allowed_moves(candidate, people["hr2"])


@pytest.mark.parametrize(
    "state, to",
    [(S.SUGGESTED, S.CONSULTATION), (S.SUGGESTED, S.SELECTED), (S.SHORTLISTED, S.RELEASED),
     (S.SHORTLISTED, S.RECOMMENDED), (S.CONSULTATION, S.INTERVIEW), (S.RELEASED, S.SELECTED),
     (S.INTERVIEW, S.DEPLOYED), (S.SELECTED, S.COMPLETED)],
)  # fmt: skip
def test_illegal_moves_are_refused_with_what_is_allowed(cast, state, to):
    people, request, expert, _ = cast
    candidate = candidates.add(request, expert, people["hr1"])
    candidate.state = state
    db.session.commit()
    actor = people["fp_gh"] if to in (S.RELEASED, S.NOT_RELEASED) else people["hr2"]
    with pytest.raises(NotAllowed, match="cannot be moved"):
        candidates.move(candidate, to, actor)
    db.session.rollback()
    assert db.session.get(Candidate, candidate.id).state is state


def test_only_the_nominating_member_state_answers_a_release_consultation(cast):
    people, request, expert, _ = cast
    candidate = candidates.add(request, expert, people["hr1"])
    walk(candidate, people, S.CONSULTATION)
    with pytest.raises(NotAllowed, match="nominating member state"):
        candidates.move(candidate, S.RELEASED, people["fp_sn"])
    with pytest.raises(NotAllowed, match="Only a Member-state focal point"):
        candidates.move(candidate, S.RELEASED, people["hr1"])
    with pytest.raises(ValidationFailed, match="say why"):
        candidates.move(candidate, S.NOT_RELEASED, people["fp_gh"])
    candidates.move(candidate, S.NOT_RELEASED, people["fp_gh"], reason="needed at home until 2028")
    assert candidate.state is S.NOT_RELEASED


def test_dismissal_needs_a_reason_code_and_other_needs_words(cast):
    people, request, expert, _ = cast
    candidate = candidates.add(request, expert, people["hr1"])
    with pytest.raises(ValidationFailed, match="choose why"):
        candidates.move(candidate, S.DISMISSED, people["hr1"], reason="bored")
    with pytest.raises(ValidationFailed, match="say why"):
        candidates.move(candidate, S.DISMISSED, people["hr1"], reason="other")
    candidates.move(candidate, S.DISMISSED, people["hr1"], reason="seniority")
    assert (candidate.state, candidate.dismiss_reason) == (S.DISMISSED, "seniority")


def test_selections_never_exceed_positions(cast):
    people, request, expert, other = cast
    first = candidates.add(request, expert, people["hr1"])
    second = candidates.add(request, other, people["hr1"])
    walk(first, people, S.RECOMMENDED)
    walk(second, people, S.RECOMMENDED)
    candidates.move(first, S.SELECTED, people["hr2"])
    with pytest.raises(NotAllowed, match="already filled"):
        candidates.move(second, S.SELECTED, people["hr2"])
    assert second.state is S.RECOMMENDED


def test_nomination_only_of_own_experts_and_never_twice(cast):
    people, request, expert, _ = cast
    with pytest.raises(NotAllowed, match="only its own experts"):
        candidates.add(request, expert, people["fp_sn"], nominated=True)
    nominated = candidates.add(request, expert, people["fp_gh"], nominated=True)
    assert nominated.nominated_by_id == expert.organisation_id
    with pytest.raises(NotAllowed, match="already a candidate"):
        candidates.add(request, expert, people["hr1"])


def test_a_stale_move_is_a_conflict(cast):
    people, request, expert, _ = cast
    candidate = candidates.add(request, expert, people["hr1"])
    seen = candidate.version
    candidates.move(candidate, S.SHORTLISTED, people["hr1"])
    with pytest.raises(Conflict, match="now shortlisted"):
        candidates.move(candidate, S.DISMISSED, people["hr2"], expected_version=seen,
                        reason="not_relevant")  # fmt: skip
    assert candidate.state is S.SHORTLISTED


def test_two_sessions_at_once_lose_no_update(cast):
    people, request, expert, _ = cast
    candidate = candidates.add(request, expert, people["hr1"])
    # A second reviewer's session reads the same row and commits first.
    with Session(db.engine) as other:
        row = other.get(Candidate, candidate.id)
        row.state = S.DISMISSED
        row.dismiss_reason = "not_relevant"
        other.commit()
    with pytest.raises(Conflict):
        candidates.move(candidate, S.SHORTLISTED, people["hr1"])
    db.session.expire_all()
    assert db.session.get(Candidate, candidate.id).state is S.DISMISSED


@pytest.mark.parametrize(
    ("start", "to", "who"),
    [
        (S.SHORTLISTED, S.CONSULTATION, "hr1"),  # a move that tells the member state
        (S.CONSULTATION, S.RELEASED, "fp_gh"),  # one that tells the HR reviewer who asked
        (S.RECOMMENDED, S.SELECTED, "hr2"),  # one that tells people and fills the request
    ],
)
def test_a_concurrent_move_that_notifies_is_a_conflict_too(cast, start, to, who):
    people, request, expert, _ = cast
    candidate = candidates.add(request, expert, people["hr1"])
    walk(candidate, people, start)
    with Session(db.engine) as other:  # another reviewer dismisses meanwhile
        row = other.get(Candidate, candidate.id)
        row.state, row.dismiss_reason = S.DISMISSED, "not_relevant"
        other.commit()
    with pytest.raises(Conflict):
        candidates.move(candidate, to, people[who])
    db.session.expire_all()
    assert db.session.get(Candidate, candidate.id).state is S.DISMISSED
    assert db.session.get(ExpertiseRequest, request.id).status is not RequestStatus.FILLED
    queued = sa.select(sa.func.count()).select_from(OutboxMessage)
    assert db.session.scalar(queued.where(OutboxMessage.event == f"candidate.{to.value}")) == 0
