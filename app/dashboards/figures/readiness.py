"""The readiness items that hold deployments up: over the candidates selected and not yet
deployed, how many lack each item of their checklist (to do, or not valid long enough: the
checklist's own judgement, ``readiness.items``), the item most missing first.

Filters as for the funnel: candidates of requests submitted in the period, of the area;
experts of the region.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.dashboards.figures.filters import DashboardFilters, expert_in_region, submitted_in_period
from app.extensions import db
from app.models import Candidate, CandidateState, Expert, ExpertiseRequest
from app.readiness.checklist import BY_CODE, KINDS
from app.readiness.items import checklists

# The items shown: the few that hold up most (the CSV has them all).
SHOWN = 5


@dataclass(frozen=True)
class Holdup:
    code: str
    candidates: int  # selected candidates this item is missing for

    @property
    def label(self) -> str:
        """The item in the reader's language (the figures are kept for every language)."""
        return str(BY_CODE[self.code].label)


def holding_up(f: DashboardFilters) -> list[Holdup]:
    """Every item missing for some selected candidate, the most missing first (ties in the
    checklist's order)."""
    selected = db.session.scalars(
        sa.select(Candidate)
        .join(ExpertiseRequest, ExpertiseRequest.id == Candidate.request_id)
        .join(Expert, Expert.id == Candidate.expert_id)
        .where(
            Candidate.state == CandidateState.SELECTED,
            *submitted_in_period(ExpertiseRequest.submitted_at, f),
            *([ExpertiseRequest.area_code == f.area] if f.area else []),
            expert_in_region(f.region),
        )
        .options(selectinload(Candidate.request))
    ).all()
    missing = Counter(
        entry.kind.code
        for entries in checklists(selected).values()
        for entry in entries
        if entry.problem is not None
    )
    order = {kind.code: i for i, kind in enumerate(KINDS)}
    return [
        Holdup(code, n)
        for code, n in sorted(missing.items(), key=lambda item: (-item[1], order[item[0]]))
    ]
