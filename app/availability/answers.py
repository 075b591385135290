"""The expert's answers through a reconfirmation link: confirm the availability as it is, change
the window or the modalities, or withdraw from the roster. Each answer is audited."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from app.common import audit
from app.common.errors import FieldError, ValidationFailed
from app.common.transaction import transaction
from app.models import Expert, ExpertStatus
from app.models.expert import ExpertModality
from app.roster import experts as expert_service

ACTOR_LABEL = "expert (reconfirmation link)"
# What an expert may change through the link; the rest of the profile is the focal point's.
CHANGEABLE = ("available_from", "available_until", "modalities")


@dataclass
class AvailabilityChange:
    """What an expert may change through the link: the window and the modalities."""

    available_from: date | None
    available_until: date | None
    modalities: list[str] = field(default_factory=list)


def validate_change(expert: Expert, new: AvailabilityChange) -> list[FieldError]:
    """The roster form's rules on the window and modalities (``experts.validate``)."""
    data = replace(
        expert_service.data_of(expert),
        available_from=new.available_from,
        available_until=new.available_until,
        modalities=new.modalities,
    )
    errors = expert_service.validate(data, known_areas=set())
    return [e for e in errors if e.field.split("[")[0] in CHANGEABLE]


def _record(expert: Expert) -> dict[str, Any]:
    confirmed, withdrawn = expert.availability_confirmed_at, expert.withdrawn_at
    return expert_service.snapshot(expert) | {
        "availability_confirmed_at": confirmed.isoformat() if confirmed else None,
        "withdrawn_at": withdrawn.isoformat() if withdrawn else None,
    }


def _answer(expert: Expert, action: str, before: dict[str, Any], now: datetime) -> None:
    # updated_at moves with every answer: each worker's matching index follows it.
    expert.updated_at = now
    after = _record(expert)
    audit.record(action, "expert", expert.id, actor_label=ACTOR_LABEL, before=before, after=after)


@transaction("expert")
def confirm(expert: Expert) -> None:
    """The expert confirms their availability as it is."""
    before, now = _record(expert), datetime.now(UTC)
    expert.availability_confirmed_at = now
    _answer(expert, "expert.availability_confirmed", before, now)


@transaction("expert")
def change(expert: Expert, new: AvailabilityChange) -> None:
    """The expert gives a new window and/or modalities; that also confirms the availability."""
    errors = validate_change(expert, new)
    if errors:
        raise ValidationFailed(errors)
    assert new.available_from is not None  # validated
    before, now = _record(expert), datetime.now(UTC)
    expert.available_from = new.available_from
    expert.available_until = new.available_until
    modalities = list(dict.fromkeys(new.modalities))
    if sorted(modalities) != sorted(m.modality for m in expert.modalities):
        expert.modalities = [ExpertModality(modality=m) for m in modalities]
    expert.availability_confirmed_at = now
    unchanged = audit.changed_fields(before, _record(expert)) == ["availability_confirmed_at"]
    action = "expert.availability_confirmed" if unchanged else "expert.availability_changed"
    _answer(expert, action, before, now)


@transaction("expert")
def withdraw(expert: Expert) -> None:
    """The expert leaves the roster (``civcap purge`` erases them after the retention period)."""
    before, now = _record(expert), datetime.now(UTC)
    expert.status = ExpertStatus.WITHDRAWN
    expert.withdrawn_at = now
    _answer(expert, "expert.withdrawn", before, now)
