"""The rest of the audit trail: what happened to the generated experts and requests.

A real audit trail holds far more than candidate moves, and the dashboards that read
``candidate.<state>`` events have to find them among the others, so the bench writes these
too: each expert registered, their availability confirmed, withdrawn, erased; each request
created, submitted, accepted (``request.open``) and published.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

ACTOR = "civcap bench-dashboard"


def event(
    at: datetime, action: str, entity_type: str, entity_id: int, after: dict[str, Any] | None
) -> dict[str, Any]:
    """An audit event row, by no login (the bench acted)."""
    return {
        "at": at, "actor_id": None, "actor_label": ACTOR, "action": action,
        "entity_type": entity_type, "entity_id": entity_id, "before": None, "after": after,
        "note": None,
    }  # fmt: skip


def of_expert(expert_id: int, row: dict[str, Any]) -> list[dict[str, Any]]:
    """The events of one generated expert (``row`` as inserted)."""
    events = [event(row["created_at"], "expert.registered", "expert", expert_id,
                    {"status": "active"})]  # fmt: skip
    confirmed = row["availability_confirmed_at"]
    if confirmed > row["created_at"]:
        events.append(event(confirmed, "expert.availability_confirmed", "expert", expert_id, None))
    if row["withdrawn_at"]:
        events.append(event(row["withdrawn_at"], "expert.withdrawn", "expert", expert_id,
                            {"status": "withdrawn"}))  # fmt: skip
    if row["erased_at"]:
        events.append(event(row["erased_at"], "expert.erased", "expert", expert_id,
                            {"erased": True}))  # fmt: skip
    return events


def of_request(request_id: int, row: dict[str, Any]) -> list[dict[str, Any]]:
    """A generated request's creation and submission."""
    events = [event(row["created_at"], "request.created", "request", request_id,
                    {"status": "draft"})]  # fmt: skip
    if row["submitted_at"]:
        events.append(event(row["submitted_at"], "request.submitted", "request", request_id,
                            {"status": "submitted"}))  # fmt: skip
    return events


def of_publication(request_id: int, at: datetime, reached: int) -> list[dict[str, Any]]:
    """HR accepts a request and publishes it to ``reached`` member states."""
    return [
        event(at, "request.open", "request", request_id, {"status": "open"}),
        event(at, "request.published", "request", request_id, {"member_states": reached}),
    ]
