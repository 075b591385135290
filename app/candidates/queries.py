"""What the shortlist, request and requester pages read about candidates (read-only)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    SELECTED_OR_LATER,
    AuditEvent,
    Candidate,
    CandidateState,
    Expert,
    ExpertiseRequest,
    SuggestionEntry,
    SuggestionRun,
)


def of_request(
    request: ExpertiseRequest, member_state_id: int | None = None
) -> sa.Select[tuple[Candidate]]:
    """The request's candidates (only one member state's experts with ``member_state_id``),
    with what their pages show loaded; unordered."""
    query = sa.select(Candidate).where(Candidate.request_id == request.id)
    if member_state_id is not None:
        query = query.join(Expert, Expert.id == Candidate.expert_id).where(
            Expert.organisation_id == member_state_id
        )
    return query.options(
        selectinload(Candidate.expert).selectinload(Expert.organisation),
        selectinload(Candidate.nominated_by),
        selectinload(Candidate.recommended_by),
        selectinload(Candidate.selected_by),
    )


def for_request(request: ExpertiseRequest) -> list[Candidate]:
    """The request's candidates, best score first, with their experts loaded."""
    query = of_request(request).order_by(Candidate.score.desc().nulls_last(), Candidate.id)
    return list(db.session.scalars(query))


def explanation_kept(entry: SuggestionEntry | None) -> dict[str, Any] | None:
    """What a candidate keeps of the suggestion that put them forward: its reasons, with the
    run and the rank they came from (None when no ranking said anything of them)."""
    if entry is None:
        return None
    return {**entry.explanation, "run_id": entry.run_id, "rank": entry.rank}


def suggestion_for(request_id: int, expert_id: int) -> SuggestionEntry | None:
    """What the matcher last said about ``expert_id`` for the request (latest run first)."""
    return db.session.scalar(
        sa.select(SuggestionEntry)
        .join(SuggestionRun, SuggestionRun.id == SuggestionEntry.run_id)
        .where(SuggestionRun.request_id == request_id, SuggestionEntry.expert_id == expert_id)
        .order_by(SuggestionRun.created_at.desc(), SuggestionRun.id.desc())
        .limit(1)
    )


def selected(request: ExpertiseRequest) -> list[Candidate]:
    """The experts selected for a request (then deployed, completed): what the requester sees."""
    return list(
        db.session.scalars(
            sa.select(Candidate)
            .where(Candidate.request_id == request.id, Candidate.state.in_(SELECTED_OR_LATER))
            .options(selectinload(Candidate.expert).selectinload(Expert.organisation))
            .order_by(Candidate.id)
        )
    )


def progress(request: ExpertiseRequest) -> dict[CandidateState, int]:
    """How many candidates a request has in each state, in workflow order (no names)."""
    rows = db.session.execute(
        sa.select(Candidate.state, sa.func.count())
        .where(Candidate.request_id == request.id)
        .group_by(Candidate.state)
    ).all()
    counts = {state: int(n) for state, n in rows}
    return {state: counts[state] for state in CandidateState if state in counts}


def transitions(request: ExpertiseRequest) -> list[tuple[AuditEvent, str]]:
    """Every move of every candidate of a request, oldest first, with the expert's name."""
    rows = db.session.execute(
        sa.select(AuditEvent, Expert.full_name)
        .join(
            Candidate,
            sa.and_(AuditEvent.entity_type == "candidate", AuditEvent.entity_id == Candidate.id),
        )  # fmt: skip
        .join(Expert, Expert.id == Candidate.expert_id)
        .where(Candidate.request_id == request.id)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    return [(event, name) for event, name in rows]
