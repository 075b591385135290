"""The append-only audit trail: one event per change, with before and after."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.common.api_calls import token_name
from app.extensions import db
from app.models import AuditEvent, User


def record(
    action: str,
    entity_type: str,
    entity_id: int,
    *,
    actor: User | None = None,
    actor_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str | None = None,
) -> AuditEvent:
    """Add an event to the current transaction; it is kept only if the transaction commits.

    A change made through the API names the token it was made with, after its owner.
    """
    if not actor_label and actor is not None:
        actor_label = actor.email
        token = token_name()
        if token is not None:
            actor_label = f"{actor.email} (API token {token!r})"[:200]
    event = AuditEvent(
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label or (actor.email if actor is not None else "system"),
        before=before,
        after=after,
        note=note,
    )
    db.session.add(event)
    return event


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """The fields whose values differ between two snapshots; none when there is no before.

    Lists compare as sets: the database keeps skills, areas and countries in its own order.
    """
    if before is None or after is None:
        return []

    def comparable(value: Any) -> Any:
        return sorted(value) if isinstance(value, list) else value

    keys = set(before) | set(after)
    return sorted(k for k in keys if comparable(before.get(k)) != comparable(after.get(k)))


def history(entity_type: str, entity_id: int) -> list[AuditEvent]:
    """The events of one record, oldest first."""
    query = (
        sa.select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .options(joinedload(AuditEvent.actor))  # shown with each event
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return list(db.session.scalars(query))
