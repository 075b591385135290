"""Supply against demand, per core area and per language.

- **Supply**: experts in the deployable pool (active, with consent, not erased or merged) of
  the area, and of those the ones *available now*: their window covers today (available from
  no later than today + 30 days, and until today or later, or open-ended). Per language: the
  available experts who hold it at B2 or above.
- **Demand**: requests open or in selection, and their positions still to fill (positions
  minus the selections made). Per language: the requests that require it, at any level.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.common.reference import language_name
from app.dashboards.figures._common import SUPPLY_LEVEL, available_on, in_demand, in_pool
from app.dashboards.figures.filters import DashboardFilters, expert_in_region
from app.extensions import db
from app.models import CoreArea, Expert, ExpertLanguage, RequestLanguage
from app.models.expert import expert_areas
from app.models.taxonomy import area_label


@dataclass(frozen=True)
class AreaSupply:
    area_code: str
    area_name: str
    experts: int  # in the deployable pool
    available: int  # of whom available now
    open_requests: int
    open_positions: int

    @property
    def area_label(self) -> str:
        """The core area in the reader's language."""
        return area_label(self.area_code, self.area_name)


@dataclass(frozen=True)
class LanguageSupply:
    code: str
    name: str  # in the reader's language
    available: int  # available now, holding the language at B2 or above
    open_requests: int  # requiring the language
    open_positions: int


def experts_by_area(today: date, *conditions: sa.ColumnElement[bool]) -> sa.Subquery:
    """Per area: experts of the pool (narrowed by ``conditions``) and those available now."""
    return (
        sa.select(
            expert_areas.c.area_code,
            sa.func.count().label("experts"),
            sa.func.sum(sa.case((available_on(today), 1), else_=0)).label("available"),
        )
        .join(Expert, Expert.id == expert_areas.c.expert_id)
        .where(in_pool(), *conditions)
        .group_by(expert_areas.c.area_code)
        .subquery("supply")
    )


def by_area(f: DashboardFilters) -> list[AreaSupply]:
    """Every core area (or the filtered one) in the taxonomy's order."""
    supply = experts_by_area(f.today, expert_in_region(f.region))
    demand = in_demand(f)
    wanted = (
        sa.select(
            demand.c.area_code,
            sa.func.count().label("requests"),
            sa.func.sum(demand.c.open_positions).label("positions"),
        )
        .group_by(demand.c.area_code)
        .subquery("wanted")
    )
    query = (
        sa.select(
            CoreArea.code,
            CoreArea.name,
            sa.func.coalesce(supply.c.experts, 0),
            sa.func.coalesce(supply.c.available, 0),
            sa.func.coalesce(wanted.c.requests, 0),
            sa.func.coalesce(wanted.c.positions, 0),
        )
        .outerjoin(supply, supply.c.area_code == CoreArea.code)
        .outerjoin(wanted, wanted.c.area_code == CoreArea.code)
        .order_by(CoreArea.position, CoreArea.code)
    )
    if f.area:
        query = query.where(CoreArea.code == f.area)
    return [
        AreaSupply(code, name, int(experts), int(available), int(requests), int(positions))
        for code, name, experts, available, requests, positions in db.session.execute(query)
    ]


def by_language(f: DashboardFilters) -> list[LanguageSupply]:
    """Every language held (B2+) by an available expert or required by a request in demand;
    most open positions first."""
    conditions = [in_pool(), available_on(f.today), expert_in_region(f.region)]
    if f.area:
        conditions.append(
            Expert.id.in_(
                sa.select(expert_areas.c.expert_id).where(expert_areas.c.area_code == f.area)
            )
        )
    held = db.session.execute(
        sa.select(ExpertLanguage.code, sa.func.count())
        .join(Expert, Expert.id == ExpertLanguage.expert_id)
        .where(ExpertLanguage.level >= SUPPLY_LEVEL, *conditions)
        .group_by(ExpertLanguage.code)
    ).all()
    demand = in_demand(f)
    wanted = db.session.execute(
        sa.select(RequestLanguage.code, sa.func.count(), sa.func.sum(demand.c.open_positions))
        .join(demand, demand.c.id == RequestLanguage.request_id)
        .group_by(RequestLanguage.code)
    ).all()
    available = {code: int(n) for code, n in held}
    requests = {code: (int(n), int(positions or 0)) for code, n, positions in wanted}
    rows = [
        LanguageSupply(
            code,
            language_name(code),
            available.get(code, 0),
            *requests.get(code, (0, 0)),
        )
        for code in set(available) | set(requests)
    ]
    return sorted(rows, key=lambda r: (-r.open_positions, -r.available, r.name))
