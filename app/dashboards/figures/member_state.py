"""A member state's own figures, for its focal points: nothing of other member states.

- **Roster**: experts on the roster (active or unavailable, not erased), in the deployable pool
  (active with consent), available now (window covers today, as in the supply), and stale (no
  availability confirmation for longer than STALE_AFTER_DAYS, as on the roster pages).
- **Candidates**: nominations the state made, and the funnel of its experts' candidacies
  (see ``funnel``): how many were shortlisted, selected…
- **Requests its experts could meet**: requests open or in selection with at least one of its
  experts deployable by the one rule. Listed by title when published to the state (a focal
  point sees only those); the others are only counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from app.availability.staleness import ON_ROSTER, stale_condition
from app.dashboards.figures._common import available_on, in_demand, in_pool
from app.dashboards.figures._deployable import deployable_counts, load_due
from app.dashboards.figures.filters import DashboardFilters
from app.dashboards.figures.funnel import Stage, count_stages
from app.dashboards.figures.supply import experts_by_area
from app.extensions import db
from app.models import (
    Candidate,
    CoreArea,
    Expert,
    ExpertiseRequest,
    Organisation,
    RequestPublication,
)
from app.models.taxonomy import area_label


@dataclass(frozen=True)
class AreaRoster:
    area_code: str
    area_name: str
    experts: int  # in the deployable pool
    available: int  # of whom available now

    @property
    def area_label(self) -> str:
        """The core area in the reader's language."""
        return area_label(self.area_code, self.area_name)


@dataclass(frozen=True)
class RequestMatch:
    request_id: int
    title: str
    area_code: str
    area_name: str
    start_date: date
    open_positions: int
    deployable: int  # of this member state's experts

    @property
    def area_label(self) -> str:
        """The core area in the reader's language."""
        return area_label(self.area_code, self.area_name)


@dataclass(frozen=True)
class MemberStateOverview:
    organisation_id: int
    name: str
    on_roster: int
    in_pool: int
    available: int
    stale: int
    nominated: int
    funnel: list[Stage]
    areas: list[AreaRoster]
    requests: list[RequestMatch] = field(default_factory=list)  # published to the state
    other_requests: int = 0  # not published to the state

    def reached(self, key: str) -> int:
        return next(s.count for s in self.funnel if s.key == key)


def _flag(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def overview(organisation_id: int, today: date) -> MemberStateOverview:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise LookupError(f"no organisation {organisation_id}")
    ours = Expert.organisation_id == organisation_id
    # Stale is judged at the start of ``today`` (UTC), like the roster's own lists.
    now = datetime.combine(today, time.min, tzinfo=UTC)
    on_roster = sa.and_(Expert.status.in_(ON_ROSTER), Expert.erased_at.is_(None))
    roster = db.session.execute(
        sa.select(
            _flag(on_roster),
            _flag(in_pool()),
            _flag(sa.and_(in_pool(), available_on(today))),
            _flag(stale_condition(now)),
        ).where(ours)
    ).one()
    nominated = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Candidate)
        .where(Candidate.nominated_by_id == organisation_id)
    )
    published, others = _requests_in_reach(organisation_id)
    return MemberStateOverview(
        organisation_id=organisation_id,
        name=organisation.name,
        on_roster=int(roster[0]),
        in_pool=int(roster[1]),
        available=int(roster[2]),
        stale=int(roster[3]),
        nominated=int(nominated or 0),
        funnel=count_stages(ours),
        areas=_areas(today, ours),
        requests=published,
        other_requests=others,
    )


def _areas(today: date, ours: sa.ColumnElement[bool]) -> list[AreaRoster]:
    supply = experts_by_area(today, ours)
    rows = db.session.execute(
        sa.select(
            CoreArea.code,
            CoreArea.name,
            sa.func.coalesce(supply.c.experts, 0),
            sa.func.coalesce(supply.c.available, 0),
        )
        .outerjoin(supply, supply.c.area_code == CoreArea.code)
        .order_by(CoreArea.position, CoreArea.code)
    )
    return [AreaRoster(code, name, int(n), int(available)) for code, name, n, available in rows]


def _requests_in_reach(organisation_id: int) -> tuple[list[RequestMatch], int]:
    demand = in_demand(DashboardFilters())
    published = (
        sa.select(RequestPublication.request_id)
        .where(RequestPublication.organisation_id == organisation_id)
        .subquery("published")
    )
    rows = db.session.execute(
        sa.select(
            ExpertiseRequest.id, ExpertiseRequest.title, ExpertiseRequest.area_code,
            CoreArea.name.label("area_name"),
            ExpertiseRequest.start_date, demand.c.open_positions,
            published.c.request_id.is_not(None).label("published"),
        )
        .join(demand, demand.c.id == ExpertiseRequest.id)
        .join(CoreArea, CoreArea.code == ExpertiseRequest.area_code)
        .outerjoin(published, published.c.request_id == ExpertiseRequest.id)
        .order_by(ExpertiseRequest.start_date, ExpertiseRequest.id)
    ).all()  # fmt: skip
    counts = deployable_counts(
        load_due(sa.select(demand.c.id)), Expert.organisation_id == organisation_id
    )
    in_reach = [r for r in rows if counts.get(r.id, 0) > 0]
    matches = [
        RequestMatch(
            r.id,
            r.title,
            r.area_code,
            r.area_name,
            r.start_date,
            int(r.open_positions),
            counts[r.id],
        )  # fmt: skip
        for r in in_reach
        if r.published
    ]
    return matches, sum(1 for r in in_reach if not r.published)
