"""Release consultations: HR asks the nominating member state to release a shortlisted
candidate (``candidates.workflow``); its focal point answers released or not released, with a
reason and a note on the legal basis or the return arrangements."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.candidates import workflow as candidates
from app.extensions import db
from app.models import (
    Candidate,
    CandidateState,
    Expert,
    ExpertiseRequest,
    User,
)


def waiting_or_answered(organisation_id: int, waiting: bool = True) -> sa.Select[tuple[Candidate]]:
    """Release consultations for a member state's experts, waiting for an answer or answered,
    with their experts and requests loaded; unordered."""
    states = (
        [CandidateState.CONSULTATION]
        if waiting
        else [CandidateState.RELEASED, CandidateState.NOT_RELEASED]
    )
    query = sa.select(Candidate).join(Expert)
    if waiting:  # a consultation on a closed, cancelled or replaced request can't be answered
        query = query.join(ExpertiseRequest, ExpertiseRequest.id == Candidate.request_id).where(
            ExpertiseRequest.status.in_(sorted(candidates.ACTIVE_REQUEST))
        )
    return query.where(
        Expert.organisation_id == organisation_id, Candidate.state.in_(states)
    ).options(selectinload(Candidate.expert), selectinload(Candidate.request))


def consultations(organisation_id: int, waiting: bool = True) -> list[Candidate]:
    """The latest 200 release consultations for a member state's experts (for its page)."""
    query = waiting_or_answered(organisation_id, waiting)
    return list(
        db.session.scalars(
            query.order_by(Candidate.updated_at.desc(), Candidate.id.desc()).limit(200)
        )
    )


def answer(
    candidate: Candidate,
    released: bool,
    actor: User,
    reason: str | None = None,
    note: str | None = None,
    expected_version: int | None = None,
) -> Candidate:
    """The focal point's answer to a release consultation: released, or not (with a reason)."""
    to = CandidateState.RELEASED if released else CandidateState.NOT_RELEASED
    return candidates.move(
        candidate, to, actor, expected_version=expected_version, reason=reason, note=note
    )
