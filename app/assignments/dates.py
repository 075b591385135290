"""An assignment's dates: the request's (its start date, and that plus its duration) unless HR
gives others when deploying. Once deployed, the candidate's own dates are the assignment's: the
readiness checklist judges against them, the digest tells their end, the completion returns the
expert to the roster the day after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from app.common.errors import FieldError, ValidationFailed
from app.common.i18n import day
from app.models import Candidate, ExpertiseRequest
from matching import add_months


@dataclass(frozen=True)
class Assignment:
    starts_on: date
    ends_on: date


def planned(request: ExpertiseRequest) -> Assignment:
    """The request's own dates: its start date, and that plus its duration in months."""
    return Assignment(request.start_date, add_months(request.start_date, request.duration_months))


def assignment_of(candidate: Candidate) -> Assignment:
    """The candidate's dates once given (at deployment), the request's until then."""
    default = planned(candidate.request)
    return Assignment(
        candidate.starts_on or default.starts_on, candidate.ends_on or default.ends_on
    )


def check_dates(starts_on: date, ends_on: date) -> list[FieldError]:
    if ends_on <= starts_on:
        message = _(
            "the end (%(end)s) must be after the start (%(start)s)",
            end=day(ends_on),
            start=day(starts_on),
        )
        return [FieldError("ends_on", message)]
    return []


def give(candidate: Candidate, starts_on: date | None, ends_on: date | None) -> dict[str, Any]:
    """Set the dates of the candidate's assignment as they are deployed (inside the move's
    transaction): those given, else the request's; a start given without an end ends the
    request's duration later. Refused with ValidationFailed naming the field. Returns the
    dates for the move's audit record."""
    request = candidate.request
    starts = starts_on or request.start_date
    if ends_on is not None:
        ends = ends_on
    elif starts_on is not None:
        ends = add_months(starts_on, request.duration_months)
    else:
        ends = planned(request).ends_on
    errors = check_dates(starts, ends)
    if errors:
        raise ValidationFailed(errors)
    candidate.starts_on, candidate.ends_on = starts, ends
    return {"starts_on": starts.isoformat(), "ends_on": ends.isoformat()}


def refuse_outside_deployment(starts_on: date | None, ends_on: date | None) -> None:
    """Dates are given when deploying, and with no other move."""
    given = [name for name, value in (("starts_on", starts_on), ("ends_on", ends_on)) if value]
    if given:
        message = _("an assignment's dates are given only when marking the candidate deployed")
        raise ValidationFailed([FieldError(name, message) for name in given])
