"""Completing an assignment (``candidates.workflow.move`` to completed, in its transaction):
HR's evaluation is recorded, and the expert returns to the roster. Their availability starts
the day after the assignment's end; the country of the mission joins the countries where they
have worked (their experience: the profile's countries of experience); and they are asked,
through the signed reconfirmation link, whether that availability is current.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.assignments import evaluation
from app.assignments.dates import assignment_of
from app.availability import links
from app.common import audit
from app.models import Candidate, EvaluatorRole, User
from app.models.expert import ExpertCountry
from app.roster import experts as expert_service


def complete(candidate: Candidate, actor: User, said: evaluation.Said) -> None:
    """Record HR's evaluation and return the expert to the roster (no commit: the move's)."""
    evaluation.put(candidate, EvaluatorRole.HR, actor, said)
    return_to_roster(candidate, actor)


def return_to_roster(candidate: Candidate, actor: User) -> None:
    expert = candidate.expert
    before = expert_service.snapshot(expert)
    back_on = assignment_of(candidate).ends_on + timedelta(days=1)
    expert.available_from = back_on
    if expert.available_until is not None and expert.available_until < back_on:
        expert.available_until = None  # a window that ended meanwhile: the expert says anew
    country = candidate.request.country
    if country and country not in {c.country for c in expert.countries}:
        expert.countries.append(ExpertCountry(country=country))
    expert.updated_at = datetime.now(UTC)  # every worker's matching index follows it
    audit.record(
        "expert.returned_to_roster", "expert", expert.id, actor=actor, before=before,
        after=expert_service.snapshot(expert), note=f"candidate {candidate.id}",
    )  # fmt: skip
    links.send_reconfirmation([expert], actor)
