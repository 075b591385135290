"""An expert's deployment history: the assignments civcap selected them for, upcoming, current
and completed, with their dates (the candidate's own once deployed, the request's until then).

The expert's pages show it: HR's, and their own member state's focal point's."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.assignments.dates import assignment_of
from app.extensions import db
from app.models import SELECTED_OR_LATER, Candidate, Expert, ExpertiseRequest


@dataclass(frozen=True)
class Deployment:
    candidate: Candidate
    starts_on: date
    ends_on: date

    @property
    def request(self) -> ExpertiseRequest:
        return self.candidate.request


def deployments(expert: Expert) -> list[Deployment]:
    """The expert's assignments, the latest first."""
    candidates = db.session.scalars(
        sa.select(Candidate)
        .where(Candidate.expert_id == expert.id, Candidate.state.in_(SELECTED_OR_LATER))
        .options(joinedload(Candidate.request).joinedload(ExpertiseRequest.organisation))
    ).all()
    found = [Deployment(c, *astuple(assignment_of(c))) for c in candidates]
    return sorted(found, key=lambda a: (a.starts_on, a.candidate.id), reverse=True)
