"""The deployability rule (DESIGN.md), defined once and used by ranking, pages and evaluation.

An expert is deployable for a request when they hold every required language at or above its
level, and they are available from no later than 30 days after the start date until at least
the start date plus ``min(duration, 3)`` months.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from matching._records import ExpertProfile, LanguageFit, RequestProfile

START_GRACE_DAYS = 30
MIN_COVER_MONTHS = 3


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the month's last day (31 Jan + 1 →
    28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_start(request: RequestProfile) -> date:
    """The last day an expert may become available and still be deployable."""
    return request.start_date + timedelta(days=START_GRACE_DAYS)


def required_until(request: RequestProfile) -> date:
    """The day until which an expert must stay available."""
    return add_months(request.start_date, min(request.duration_months, MIN_COVER_MONTHS))


@dataclass(frozen=True)
class Deployability:
    deployable: bool
    languages: list[LanguageFit]
    reasons: list[str]


def deployability(expert: ExpertProfile, request: RequestProfile) -> Deployability:
    """Whether ``expert`` is deployable for ``request``, with each reason when not."""
    fits = [
        LanguageFit(code, level, expert.languages.get(code))
        for code, level in sorted(request.languages.items())
    ]
    reasons = [
        f"language {fit.code}: needs {fit.required}, "
        + (f"holds {fit.held}" if fit.held else "not held")
        for fit in fits
        if not fit.met
    ]
    start_by = latest_start(request)
    if expert.available_from > start_by:
        reasons.append(
            f"available from {expert.available_from.isoformat()}, after "
            f"{start_by.isoformat()} (start {request.start_date.isoformat()} + "
            f"{START_GRACE_DAYS} days)"
        )
    until = required_until(request)
    if expert.available_until is not None and expert.available_until < until:
        reasons.append(
            f"available until {expert.available_until.isoformat()}, before "
            f"{until.isoformat()} (start + {min(request.duration_months, MIN_COVER_MONTHS)} "
            "months)"
        )
    return Deployability(not reasons, fits, reasons)
