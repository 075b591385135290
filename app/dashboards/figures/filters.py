"""What every dashboard figure can be narrowed to: a period, a core area, a region.

- **period** (``period_from``, ``period_to``, both days included): requests *submitted* in it.
  It narrows the demand, the gaps, the funnel (candidates of those requests) and the timing;
  the supply is a snapshot of today and does not depend on it.
- **area**: a core area code. Supply counts experts of that area; demand, gaps, funnel and
  timing count requests of that area.
- **region**: a UN M49 sub-region, as stored on member states (``Organisation.region``). It
  narrows the *experts* counted (those whose member state is in it): supply, the deployable
  experts behind the gaps, the funnel's candidates. Requests are not narrowed by region.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import Expert, Organisation, OrganisationKind


@dataclass(frozen=True)
class DashboardFilters:
    period_from: date | None = None
    period_to: date | None = None
    area: str | None = None
    region: str | None = None
    # The day "available now" is judged on; a parameter so that figures can be checked.
    today: date = field(default_factory=date.today)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def submitted_in_period(column: Any, f: DashboardFilters) -> list[sa.ColumnElement[bool]]:
    # ``column``: a submission time (a mapped attribute or a column)
    """Conditions on a submission time for the filters' period (empty when there is none)."""
    conditions: list[sa.ColumnElement[bool]] = []
    if f.period_from is not None:
        conditions.append(column >= _start_of(f.period_from))
    if f.period_to is not None:
        conditions.append(column < _start_of(f.period_to + timedelta(days=1)))
    return conditions


def expert_in_region(region: str | None) -> sa.ColumnElement[bool]:
    """Experts whose member state is in ``region`` (all experts when it is None)."""
    if not region:
        return sa.true()
    return Expert.organisation_id.in_(
        sa.select(Organisation.id).where(Organisation.region == region)
    )


def regions() -> list[str]:
    """The regions of the member states on file, by name (the region filter's choices)."""
    return list(
        db.session.scalars(
            sa.select(Organisation.region)
            .where(
                Organisation.kind == OrganisationKind.MEMBER_STATE,
                Organisation.region.is_not(None),
            )
            .distinct()
            .order_by(Organisation.region)
        )
    )
