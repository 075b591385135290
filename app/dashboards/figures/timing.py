"""How long requests wait: from submission to the first shortlisted candidate and to the first
selection, per core area and month of submission; and how long a selected candidate waits to
be deployed (``selection_to_deployment``: their readiness, mostly).

The figure is the **median** in days (with fractions of a day) over the month's requests that
got that far, computed in SQL with window functions (ROW_NUMBER and COUNT over each area and
month: the middle row, or the mean of the two middle rows), which SQLite and PostgreSQL both
run. The times come from the audit trail (``candidate.shortlisted``, ``candidate.selected``).
Filters: requests submitted in the period, of the area (the region does not apply).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from babel.dates import format_skeleton
from flask_babel import get_locale

from app.dashboards.figures._common import days_between, month_of
from app.dashboards.figures.filters import (
    DashboardFilters,
    expert_in_region,
    submitted_in_period,
)
from app.extensions import db
from app.models import AuditEvent, Candidate, CoreArea, Expert, ExpertiseRequest
from app.models.taxonomy import area_label


@dataclass(frozen=True)
class TimingRow:
    area_code: str
    area_name: str
    month: str  # YYYY-MM of submission
    submitted: int  # requests submitted that month
    shortlisted: int  # of which had a first shortlist
    days_to_shortlist: float | None  # median
    selected: int  # of which had a first selection
    days_to_selection: float | None  # median

    @property
    def area_label(self) -> str:
        """The core area in the reader's language."""
        return area_label(self.area_code, self.area_name)

    @property
    def month_label(self) -> str:
        """The month for people, in the reader's language ("Jan 2027", "janv. 2027")."""
        return month_label(self.month)


def month_label(month: str) -> str:
    """A ``YYYY-MM`` month as people read it in the page's language."""
    try:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
    except ValueError:
        return month
    return format_skeleton("yMMM", first, locale=get_locale() or "en")


def _firsts() -> sa.Subquery:
    """Per request: when its first candidate was shortlisted, and first selected."""
    at = AuditEvent.at
    return (
        sa.select(
            Candidate.request_id,
            sa.func.min(sa.case((AuditEvent.action == "candidate.shortlisted", at))).label(
                "shortlisted_at"
            ),
            sa.func.min(sa.case((AuditEvent.action == "candidate.selected", at))).label(
                "selected_at"
            ),
        )
        .join(
            AuditEvent,
            sa.and_(AuditEvent.entity_type == "candidate", AuditEvent.entity_id == Candidate.id),
        )
        .where(AuditEvent.action.in_(["candidate.shortlisted", "candidate.selected"]))
        .group_by(Candidate.request_id)
        .subquery("firsts")
    )


def _median(base: sa.CTE, column: str, by: tuple[str, ...] = ("area_code", "month")) -> sa.Subquery:
    """Per group of ``by`` (area and month; none: over all rows): the median of
    ``base.c[column]`` and how many values it has."""
    value = base.c[column]
    group = [base.c[name] for name in by]
    within = group or None
    ranked = (
        sa.select(
            *group,
            value.label("value"),
            sa.func.row_number().over(partition_by=within, order_by=value).label("rn"),
            sa.func.count().over(partition_by=within).label("n"),
        )
        .where(value.is_not(None))
        .subquery(f"ranked_{column}")
    )
    middle = sa.or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (ranked.c.n + 2) // 2)
    grouped = [ranked.c[name] for name in by]
    return (
        sa.select(
            *grouped,
            sa.func.avg(ranked.c.value).label("median"),
            sa.func.max(ranked.c.n).label("n"),
        )
        .where(middle)
        .group_by(*grouped)
        .subquery(f"median_{column}")
    )


def by_area_month(f: DashboardFilters) -> list[TimingRow]:
    """One row per area and month with submitted requests, in area order, oldest month first."""
    firsts = _firsts()
    submitted = ExpertiseRequest.submitted_at
    base = (
        sa.select(
            ExpertiseRequest.area_code,
            month_of(submitted).label("month"),
            days_between(submitted, firsts.c.shortlisted_at).label("to_shortlist"),
            days_between(submitted, firsts.c.selected_at).label("to_selection"),
        )
        .outerjoin(firsts, firsts.c.request_id == ExpertiseRequest.id)
        .where(
            submitted.is_not(None),
            *submitted_in_period(submitted, f),
            *([ExpertiseRequest.area_code == f.area] if f.area else []),
        )
        .cte("base")
    )
    counts = (
        sa.select(base.c.area_code, base.c.month, sa.func.count().label("submitted"))
        .group_by(base.c.area_code, base.c.month)
        .subquery("counts")
    )
    shortlist, selection = _median(base, "to_shortlist"), _median(base, "to_selection")

    def same(other: sa.Subquery) -> sa.ColumnElement[bool]:
        return sa.and_(other.c.area_code == counts.c.area_code, other.c.month == counts.c.month)

    query = (
        sa.select(
            counts.c.area_code, CoreArea.name, counts.c.month, counts.c.submitted,
            shortlist.c.n, shortlist.c.median, selection.c.n, selection.c.median,
        )
        .join(CoreArea, CoreArea.code == counts.c.area_code)
        .outerjoin(shortlist, same(shortlist))
        .outerjoin(selection, same(selection))
        .order_by(CoreArea.position, CoreArea.code, counts.c.month)
    )  # fmt: skip
    return [
        TimingRow(code, name, month, int(n), int(n_short or 0), _days(to_short),
                  int(n_select or 0), _days(to_select))
        for code, name, month, n, n_short, to_short, n_select, to_select
        in db.session.execute(query)
    ]  # fmt: skip


@dataclass(frozen=True)
class DeploymentTime:
    deployed: int  # candidates with both moves recorded
    median_days: float | None  # from selection to deployment


def selection_to_deployment(f: DashboardFilters) -> DeploymentTime:
    """The median days from a candidate's selection to their deployment, over the candidates
    the trail shows both moves of (deployed, or completed since). Filters as for the funnel:
    candidates of requests submitted in the period, of the area; experts of the region."""
    at, action = AuditEvent.at, AuditEvent.action
    moves = (
        sa.select(
            AuditEvent.entity_id.label("candidate_id"),
            sa.func.min(sa.case((action == "candidate.selected", at))).label("selected_at"),
            sa.func.min(sa.case((action == "candidate.deployed", at))).label("deployed_at"),
        )
        .where(
            AuditEvent.entity_type == "candidate",
            action.in_(["candidate.selected", "candidate.deployed"]),
        )
        .group_by(AuditEvent.entity_id)
        .subquery("moves")
    )
    base = (
        sa.select(days_between(moves.c.selected_at, moves.c.deployed_at).label("to_deployment"))
        .join(Candidate, Candidate.id == moves.c.candidate_id)
        .join(ExpertiseRequest, ExpertiseRequest.id == Candidate.request_id)
        .join(Expert, Expert.id == Candidate.expert_id)
        .where(
            *submitted_in_period(ExpertiseRequest.submitted_at, f),
            *([ExpertiseRequest.area_code == f.area] if f.area else []),
            expert_in_region(f.region),
        )
        .cte("deployments")
    )
    median = _median(base, "to_deployment", by=())
    n, days = db.session.execute(sa.select(median.c.n, median.c.median)).one_or_none() or (0, None)
    return DeploymentTime(int(n or 0), _days(days))


def _days(value: object) -> float | None:
    return None if value is None else round(float(value), 1)  # type: ignore[arg-type]
