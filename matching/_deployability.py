"""The deployability rule, defined once and used by ranking, pages and evaluation.

An expert is deployable for a request when they hold every required language at or above its
level, and they are available from no later than 30 days after the start date until at least
the start date plus ``min(duration, 3)`` months.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from matching._records import ExpertProfile, LanguageFit, RequestProfile, Shortfall, cefr_rank

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
    shortfalls: list[Shortfall]

    @property
    def reasons(self) -> list[str]:
        """Each shortfall in English."""
        return [str(s) for s in self.shortfalls]


def deployability(expert: ExpertProfile, request: RequestProfile) -> Deployability:
    """Whether ``expert`` is deployable for ``request``, with each reason when not."""
    fits = [
        LanguageFit(code, level, expert.languages.get(code))
        for code, level in sorted(request.languages.items())
    ]
    shortfalls = [Shortfall("language", language=fit) for fit in fits if not fit.met]
    start_by = latest_start(request)
    if expert.available_from > start_by:
        shortfalls.append(
            Shortfall(
                "starts_late",
                expert_date=expert.available_from,
                limit=start_by,
                start_date=request.start_date,
                allowance=START_GRACE_DAYS,
            )
        )
    until = required_until(request)
    if expert.available_until is not None and expert.available_until < until:
        shortfalls.append(
            Shortfall(
                "ends_early",
                expert_date=expert.available_until,
                limit=until,
                start_date=request.start_date,
                allowance=min(request.duration_months, MIN_COVER_MONTHS),
            )
        )
    return Deployability(not shortfalls, fits, shortfalls)


def deployable_rows(
    request: RequestProfile,
    level_column: Callable[[str], np.ndarray | None],
    available_from: np.ndarray,
    available_until: np.ndarray,
) -> np.ndarray:
    """The same rule as ``deployability``, for a whole roster at once (ranking needs speed).

    ``level_column(code)`` gives every expert's CEFR rank in that language (-1 if not held), or
    None if nobody holds it; dates are ordinals, open-ended ``available_until`` a large number.
    The tests check that both forms agree on every expert.
    """
    ok = np.ones(len(available_from), dtype=bool)
    for code, level in request.languages.items():
        held = level_column(code)
        if held is None:
            return np.zeros(len(available_from), dtype=bool)
        ok &= held >= cefr_rank(level)
    ok &= available_from <= latest_start(request).toordinal()
    ok &= available_until >= required_until(request).toordinal()
    return ok
