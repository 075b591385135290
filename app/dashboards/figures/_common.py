"""SQL pieces the dashboard modules share: the deployable pool, "available now", the requests
still in demand, how far each candidate went, and the few expressions that differ between
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.common.reference import countries
from app.dashboards.figures.filters import DashboardFilters, submitted_in_period
from app.extensions import db
from app.models import (
    SELECTED_OR_LATER,
    AuditEvent,
    Candidate,
    CandidateState,
    Expert,
    ExpertiseRequest,
    ExpertStatus,
    RequestStatus,
)
from matching import START_GRACE_DAYS

# Requests still looking for people: the demand.
IN_DEMAND = (RequestStatus.OPEN, RequestStatus.SELECTION)
# A position is taken once a candidate is selected (then deployed, completed).
# Languages held at this level or above count in the supply per language.
SUPPLY_LEVEL = "B2"

# The funnel's stages in workflow order. The interview (between released and recommended) is
# a step, not a stage of its own: reaching it counts as released. Labels in the reader's
# language (``str()`` them when the figures are made).
STAGES: tuple[tuple[str, Any], ...] = (
    ("suggested", _l("Suggested or nominated")),
    ("shortlisted", _l("Shortlisted")),
    ("consultation", _l("Release consultation")),
    ("released", _l("Released")),
    ("recommended", _l("Recommended")),
    ("selected", _l("Selected")),
    ("deployed", _l("Deployed")),
)
S = CandidateState
# The stage a candidate's current state proves they reached (dismissed: at least suggested).
STATE_STAGE = {
    S.SUGGESTED: 0, S.DISMISSED: 0, S.SHORTLISTED: 1, S.CONSULTATION: 2, S.NOT_RELEASED: 2,
    S.RELEASED: 3, S.INTERVIEW: 3, S.RECOMMENDED: 4, S.SELECTED: 5, S.DEPLOYED: 6, S.COMPLETED: 6,
}  # fmt: skip
# The stage each recorded move proves they reached.
EVENT_STAGE = {
    "candidate.suggested": 0, "candidate.nominated": 0, "candidate.shortlisted": 1,
    "candidate.consultation": 2, "candidate.not_released": 2, "candidate.released": 3,
    "candidate.interview": 3, "candidate.recommended": 4, "candidate.selected": 5,
    "candidate.deployed": 6, "candidate.completed": 6,
}  # fmt: skip


def in_pool() -> sa.ColumnElement[bool]:
    """Experts who can be put forward at all: active, with consent, not erased or merged."""
    return sa.and_(
        Expert.status == ExpertStatus.ACTIVE,
        Expert.consent_given_at.is_not(None),
        Expert.erased_at.is_(None),
        Expert.merged_into_id.is_(None),
    )


def available_on(today: date) -> sa.ColumnElement[bool]:
    """The availability window covers ``today``, allowing the rule's 30 days to start."""
    return sa.and_(
        Expert.available_from <= today + timedelta(days=START_GRACE_DAYS),
        sa.or_(Expert.available_until.is_(None), Expert.available_until >= today),
    )


def global_south_codes() -> list[str]:
    return sorted(code for code, country in countries().items() if country.global_south)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def word_list(items: list[str]) -> str:
    """Items as a list in words, in the reader's language ("a, b and c"; British English)."""
    if not items:
        return ""
    locale = get_locale()
    code = "en_GB" if locale is None or locale.language == "en" else str(locale)
    return format_list(items, style="standard", locale=code)


def stage_reached(
    scope: sa.Select[Any] | None = None,
) -> tuple[sa.Subquery, sa.ColumnElement[int]]:
    """How far each candidate went: (a subquery to outer-join on ``candidate_id``, the stage
    expression 0…6 over it and ``Candidate``). ``scope`` selects the ids of the candidates
    that matter, so that only their moves are read.

    The furthest of two proofs: the moves recorded in the audit trail (``candidate.<state>``
    events), and the current state in workflow order (for rows loaded without a history).
    A candidate dismissed after being released thus still counts as released.
    """
    moved = (
        sa.select(
            AuditEvent.entity_id.label("candidate_id"),
            sa.func.max(sa.case(EVENT_STAGE, value=AuditEvent.action)).label("stage"),
        )
        .where(
            AuditEvent.entity_type == "candidate",
            AuditEvent.action.in_(list(EVENT_STAGE)),
            AuditEvent.entity_id.in_(scope) if scope is not None else sa.true(),
        )
        .group_by(AuditEvent.entity_id)
        .subquery("moved")
    )
    by_state = sa.case(STATE_STAGE, value=Candidate.state)
    recorded = sa.func.coalesce(moved.c.stage, -1)
    return moved, sa.case((recorded > by_state, recorded), else_=by_state)


# ---- SQLite and PostgreSQL differ here -----------------------------------------------------


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def days_between(start: Any, end: Any) -> sa.ColumnElement[Any]:
    """Days (with fractions) from ``start`` to ``end``."""
    if _dialect() == "postgresql":
        return sa.extract("epoch", end - start) / 86400.0
    return sa.func.julianday(end) - sa.func.julianday(start)


def month_of(moment: Any) -> sa.ColumnElement[str]:
    """The month of a stored time, as ``YYYY-MM`` in UTC."""
    if _dialect() == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", moment), "YYYY-MM")
    return sa.func.strftime("%Y-%m", moment)


def date_span(start: Any, end: Any) -> sa.ColumnElement[Any]:
    """Days from one date column to another."""
    if _dialect() == "postgresql":
        return sa.type_coerce(end - start, sa.Integer)
    return sa.func.julianday(end) - sa.func.julianday(start)


def as_date(column: sa.ColumnElement[date]) -> sa.ColumnElement[date]:
    """A date column of an inline VALUES list (PostgreSQL reads its literals as text)."""
    if _dialect() == "postgresql":
        return sa.cast(column, sa.Date)
    return column


# ---- demand --------------------------------------------------------------------------------


def taken_positions() -> sa.Subquery:
    """Per request: how many candidates were selected (then deployed, completed)."""
    return (
        sa.select(Candidate.request_id, sa.func.count().label("taken"))
        .where(Candidate.state.in_(SELECTED_OR_LATER))
        .group_by(Candidate.request_id)
        .subquery("taken")
    )


def in_demand(f: DashboardFilters) -> sa.Subquery:
    """The requests in demand under the filters: open or in selection, submitted in the period,
    of the area; with the positions still to fill (positions minus selections made)."""
    taken = taken_positions()
    remaining = ExpertiseRequest.positions - sa.func.coalesce(taken.c.taken, 0)
    return (
        sa.select(
            ExpertiseRequest.id,
            ExpertiseRequest.area_code,
            sa.case((remaining > 0, remaining), else_=0).label("open_positions"),
        )
        .outerjoin(taken, taken.c.request_id == ExpertiseRequest.id)
        .where(
            ExpertiseRequest.status.in_(IN_DEMAND),
            *submitted_in_period(ExpertiseRequest.submitted_at, f),
            *([ExpertiseRequest.area_code == f.area] if f.area else []),
        )
        .subquery("demand")
    )
