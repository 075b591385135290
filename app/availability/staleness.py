"""When an expert's availability is stale: not confirmed for longer than STALE_AFTER_DAYS (or
never), counted and listed in SQL for the roster and the suggestions page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import Expert, ExpertStatus
from app.models._types import now_or

# Withdrawn and merged records are kept for history but are no longer on the roster.
ON_ROSTER = (ExpertStatus.ACTIVE, ExpertStatus.UNAVAILABLE)


def stale_after() -> timedelta:
    return timedelta(days=int(current_app.config["STALE_AFTER_DAYS"]))


def is_on_roster(expert: Expert) -> bool:
    return expert.status in ON_ROSTER and expert.erased_at is None


def is_stale(expert: Expert, now: datetime | None = None) -> bool:
    """Whether an expert on the roster has not confirmed their availability for longer than
    STALE_AFTER_DAYS (or never did). Exactly STALE_AFTER_DAYS ago is not yet stale."""
    if not is_on_roster(expert):
        return False
    confirmed = expert.availability_confirmed_at
    return confirmed is None or confirmed < now_or(now) - stale_after()


def stale_condition(now: datetime | None = None) -> sa.ColumnElement[bool]:
    """``is_stale`` as SQL, for lists, counts and the suggestions page."""
    cutoff = now_or(now) - stale_after()
    return sa.and_(
        Expert.status.in_(ON_ROSTER),
        Expert.erased_at.is_(None),
        sa.or_(
            Expert.availability_confirmed_at.is_(None),
            Expert.availability_confirmed_at < cutoff,
        ),
    )


def stale_experts(organisation_id: int, now: datetime | None = None) -> sa.Select[tuple[Expert]]:
    """An organisation's stale experts, by name."""
    return (
        sa.select(Expert)
        .where(Expert.organisation_id == organisation_id, stale_condition(now))
        .order_by(Expert.full_name, Expert.id)
    )


@dataclass(frozen=True)
class StaleCount:
    stale: int
    without_email: int


def stale_count(organisation_id: int, now: datetime | None = None) -> StaleCount:
    no_email = sa.or_(Expert.email.is_(None), Expert.email == "")
    row = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(sa.case((no_email, 1), else_=0)), 0),
        ).where(Expert.organisation_id == organisation_id, stale_condition(now))
    ).one()
    return StaleCount(stale=int(row[0]), without_email=int(row[1]))
