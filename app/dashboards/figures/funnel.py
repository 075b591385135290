"""The candidate funnel: how many candidates reached each stage, and who they are.

A candidate *reached* a stage when the audit trail records a move to it or beyond, or their
current state is at or beyond it in workflow order (suggested or nominated → shortlisted →
release consultation → released → [interview] → recommended → selected → deployed). Each stage
counts every candidate who got that far, so the bars only shrink; dismissed and not-released
candidates stay counted up to where they stopped. At every stage: the share of women
(gender "female") and of global-South nationals (UNCTAD grouping of the expert's nationality).

Filters: candidates of requests submitted in the period, of the area; experts of the region.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.dashboards.figures._common import STAGES, global_south_codes, share, stage_reached
from app.dashboards.figures.filters import DashboardFilters, expert_in_region, submitted_in_period
from app.extensions import db
from app.models import Candidate, Expert, ExpertiseRequest


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    count: int
    women: int
    global_south: int

    @property
    def share_women(self) -> float | None:
        return share(self.women, self.count)

    @property
    def share_global_south(self) -> float | None:
        return share(self.global_south, self.count)


def stages(f: DashboardFilters) -> list[Stage]:
    conditions = submitted_in_period(ExpertiseRequest.submitted_at, f)
    if f.region:
        conditions.append(expert_in_region(f.region))
    if f.area:
        conditions.append(ExpertiseRequest.area_code == f.area)
    return count_stages(*conditions)


def count_stages(*conditions: sa.ColumnElement[bool]) -> list[Stage]:
    """The funnel of the candidates meeting ``conditions`` (on Candidate, Expert and
    ExpertiseRequest), in ONE statement. With conditions, only their candidates' moves are
    read; without, every candidate's."""
    scope = (
        sa.select(Candidate.id)
        .join(Expert, Expert.id == Candidate.expert_id)
        .join(ExpertiseRequest, ExpertiseRequest.id == Candidate.request_id)
        .where(*conditions)
        if conditions
        else None
    )
    moved, stage = stage_reached(scope)
    each = (
        sa.select(
            stage.label("stage"),
            sa.case((Expert.gender == "female", 1), else_=0).label("woman"),
            sa.case((Expert.nationality.in_(global_south_codes()), 1), else_=0).label("south"),
        )
        .select_from(Candidate)
        .outerjoin(moved, moved.c.candidate_id == Candidate.id)
        .join(Expert, Expert.id == Candidate.expert_id)
        .join(ExpertiseRequest, ExpertiseRequest.id == Candidate.request_id)
        .where(*conditions)
        .subquery("each")
    )
    columns = []
    for i in range(len(STAGES)):
        reached = each.c.stage >= i
        columns += [
            sa.func.coalesce(sa.func.sum(sa.case((reached, 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((reached, each.c.woman), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((reached, each.c.south), else_=0)), 0),
        ]
    row = db.session.execute(sa.select(*columns)).one()
    return [
        Stage(key, str(label), int(row[3 * i]), int(row[3 * i + 1]), int(row[3 * i + 2]))
        for i, (key, label) in enumerate(STAGES)
    ]
