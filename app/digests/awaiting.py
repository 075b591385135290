"""What waits for one staff member's action, by role: one function for the daily digest, and
for a page that would show the same.

Each list holds only what the person may see in civcap: an HR reviewer sees every request, a
focal point only the release consultations of their own member state's experts, an admin only
how many notifications failed. HR and focal points also read the assignments ending soon
(``assignments.ending``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.assignments.ending import ending_soon
from app.candidates import workflow
from app.extensions import db
from app.models import (
    Candidate,
    CandidateState,
    ExpertiseRequest,
    RequestStatus,
    Role,
    User,
)
from app.notifications import outbox
from app.outreach import consultations

# A release consultation unanswered this long is overdue: HR reviewers are reminded of it.
CONSULTATION_DUE_DAYS = 14


@dataclass
class Awaiting:
    to_select: list[Candidate] = field(default_factory=list)  # HR: recommended by another
    overdue_consultations: list[Candidate] = field(default_factory=list)  # HR
    to_accept: list[ExpertiseRequest] = field(default_factory=list)  # HR: submitted requests
    to_answer: list[Candidate] = field(default_factory=list)  # focal point: consultations
    ending: list[Candidate] = field(default_factory=list)  # HR, focal point: within 30 days
    failed_mail: int = 0  # admin: notifications that could not be delivered

    @property
    def count(self) -> int:
        return (
            len(self.to_select)
            + len(self.overdue_consultations)
            + len(self.to_accept)
            + len(self.to_answer)
            + len(self.ending)
            + self.failed_mail
        )


def _candidates(query: sa.Select[tuple[Candidate]]) -> list[Candidate]:
    return list(
        db.session.scalars(
            query.options(selectinload(Candidate.expert), selectinload(Candidate.request))
            .order_by(Candidate.updated_at, Candidate.id)
            .limit(500)
        )
    )


def _on_active_request() -> sa.Select[tuple[Candidate]]:
    return (
        sa.select(Candidate)
        .join(ExpertiseRequest, ExpertiseRequest.id == Candidate.request_id)
        .where(ExpertiseRequest.status.in_(sorted(workflow.ACTIVE_REQUEST)))
    )


def awaiting(user: User, now: datetime | None = None) -> Awaiting:
    """What waits for ``user`` now (nothing for a switched-off account or a requester)."""
    now = now or datetime.now(UTC)
    found = Awaiting()
    if not user.active:
        return found
    if user.role is Role.HR_REVIEWER:
        # Four eyes: a reviewer's own recommendation waits for another reviewer, not them.
        found.to_select = _candidates(
            _on_active_request().where(
                Candidate.state == CandidateState.RECOMMENDED,
                sa.or_(
                    Candidate.recommended_by_id.is_(None), Candidate.recommended_by_id != user.id
                ),
            )
        )
        found.overdue_consultations = _candidates(
            _on_active_request().where(
                Candidate.state == CandidateState.CONSULTATION,
                Candidate.updated_at < now - timedelta(days=CONSULTATION_DUE_DAYS),
            )
        )
        found.to_accept = list(
            db.session.scalars(
                sa.select(ExpertiseRequest)
                .where(ExpertiseRequest.status == RequestStatus.SUBMITTED)
                .order_by(ExpertiseRequest.submitted_at, ExpertiseRequest.id)
                .limit(500)
            )
        )
    elif user.role is Role.FOCAL_POINT:
        found.to_answer = _candidates(consultations.waiting_or_answered(user.organisation_id))
    elif user.role is Role.ADMIN:
        found.failed_mail = outbox.status_counts()["failed"]
    found.ending = ending_soon(user, now.date())  # HR: all; a focal point: their own experts'
    return found
