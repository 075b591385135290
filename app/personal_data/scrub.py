"""Finding an erased expert's personal values where they were copied, and replacing them.

The audit trail keeps snapshots of the expert (with name and email), and notes; the outbox keeps
mail to and about them; the API keeps, for a day, the answers it may give again to a call sent
with the same Idempotency-Key (the expert registered, a nomination naming them).
``personal_data.erasure.erase`` runs these inside its transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from app.common import stored_files
from app.common.api_calls import PREFIX
from app.common.queries import like_pattern
from app.extensions import db
from app.models import (
    AuditEvent,
    Candidate,
    Evaluation,
    IdempotentRequest,
    OutboxMessage,
    ReadinessItem,
)

# Snapshot keys holding what erasure removes (roster.experts.snapshot, cv.files._facts).
PERSONAL_KEYS = frozenset(
    {
        "full_name", "email", "phone", "birth_year", "external_id", "title", "summary",
        "skills", "countries_of_experience", "cv_filename",
    }
)  # fmt: skip


class Scrubber:
    """Replaces the person's name, email, phone and external id wherever they appear."""

    def __init__(self, identifiers: Iterable[str | None]) -> None:
        words = sorted({i.strip() for i in identifiers if i and i.strip()}, key=len, reverse=True)
        self.words = words
        self.pattern = (
            re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words), re.IGNORECASE)
            if words
            else None
        )
        self.placeholders: dict[str, str] = {}

    def text(self, value: str) -> str:
        return self.pattern.sub("[erased]", value) if self.pattern else value

    def value(self, value: Any) -> Any:
        """Strings anywhere in a JSON value, scrubbed."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value

    def snapshot(self, values: dict[str, Any] | None) -> dict[str, Any] | None:
        """A snapshot with its personal fields as placeholders (equal values, same placeholder)."""
        if values is None:
            return None
        out = {}
        for key, value in values.items():
            if key in PERSONAL_KEYS and value not in (None, "", [], {}):
                seen = json.dumps(value, sort_keys=True, default=str)
                if isinstance(value, list):
                    seen = json.dumps(sorted(map(str, value)))
                out[key] = self.placeholders.setdefault(
                    seen, f"[erased {len(self.placeholders) + 1}]"
                )
            else:
                out[key] = self.value(value)
        return out


def audit_trail(expert_id: int, scrub: Scrubber) -> None:
    """Rewrite personal values in the expert's events and in their candidacies' notes."""
    events = AuditEvent.__table__
    candidacies = sa.select(Candidate.id).where(Candidate.expert_id == expert_id)
    rows = db.session.execute(
        sa.select(events.c.id, events.c.entity_type, events.c.before, events.c.after,
                  events.c.note, events.c.actor_label)
        .where(sa.or_(
            sa.and_(events.c.entity_type == "expert", events.c.entity_id == expert_id),
            sa.and_(events.c.entity_type == "candidate", events.c.entity_id.in_(candidacies)),
        ))
        .order_by(events.c.at, events.c.id)
    ).all()  # fmt: skip
    for row in rows:
        own = row.entity_type == "expert"
        values = {
            "before": scrub.snapshot(row.before) if own else scrub.value(row.before),
            "after": scrub.snapshot(row.after) if own else scrub.value(row.after),
            "note": scrub.text(row.note) if row.note else row.note,
            "actor_label": scrub.text(row.actor_label),
        }
        changed = {k: v for k, v in values.items() if v != getattr(row, k)}
        if changed:
            # A Core UPDATE: the ORM's append-only guard (models/audit.py) is for everyone else.
            db.session.execute(sa.update(events).where(events.c.id == row.id).values(**changed))


def outbox(scrub: Scrubber) -> None:
    """Mail to the expert that is still waiting is dropped; mail about them loses their name."""
    if not scrub.words:
        return
    columns = (OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.body)
    mentions = [c.ilike(like_pattern(w), escape="\\") for c in columns for w in scrub.words]
    for message in db.session.scalars(sa.select(OutboxMessage).where(sa.or_(*mentions))):
        to_the_expert = scrub.text(message.recipient) != message.recipient
        if to_the_expert and message.sent_at is None:
            db.session.delete(message)
            continue
        message.recipient = scrub.text(message.recipient)
        message.subject = scrub.text(message.subject)
        message.body = scrub.text(message.body)


def stored_answers(expert_id: int, scrub: Scrubber) -> None:
    """The API's kept answers about the expert lose their personal values (a replay then
    answers the erased record as it is); those naming them elsewhere lose the name."""
    for answer in db.session.scalars(sa.select(IdempotentRequest)):
        body = answer.body
        about = (
            answer.path.startswith(f"{PREFIX}/experts")
            and isinstance(body, dict)
            and body.get("id") == expert_id
        )
        scrubbed = scrub.snapshot(body) if about else scrub.value(body)
        if scrubbed != body:
            answer.body = scrubbed


def readiness(expert_id: int) -> list[Path]:
    """The expert's readiness items keep their status (figures count them) but lose their
    dates, notes and documents; the reasons of exceptions in the audit trail are erased too
    (they may say anything about the person, a medical matter for one). The documents' files,
    for the caller to delete once the erasure is committed."""
    candidacies = sa.select(Candidate.id).where(Candidate.expert_id == expert_id)
    of_expert = ReadinessItem.candidate_id.in_(candidacies)
    stored = db.session.scalars(
        sa.select(ReadinessItem.document_file).where(
            of_expert, ReadinessItem.document_file.is_not(None)
        )
    )
    files = [p for p in (stored_files.stored_path(stored_files.READINESS, n) for n in stored) if p]
    db.session.execute(
        sa.update(ReadinessItem)
        .where(of_expert)
        .values(
            done_on=None,
            valid_until=None,
            note=None,
            document_file=None,
            document_filename=None,
            document_content_type=None,
            document_uploaded_at=None,
        )  # fmt: skip
    )
    _erase_candidacy_notes(candidacies, "readiness.%")
    return files


def evaluations(expert_id: int) -> None:
    """The expert's evaluations keep their ratings (figures count them) but lose their
    comments; so do the notes of their completed assignments in the audit trail (the
    performance notes of before the structured evaluation)."""
    candidacies = sa.select(Candidate.id).where(Candidate.expert_id == expert_id)
    db.session.execute(
        sa.update(Evaluation)
        .where(Evaluation.candidate_id.in_(candidacies))
        .values(comment=None)
        .execution_options(synchronize_session=False)
    )
    _erase_candidacy_notes(candidacies, "candidate.completed")


def _erase_candidacy_notes(candidacies: sa.Select[tuple[int]], actions: str) -> None:
    """The notes of the audit events on the candidacies whose action is like ``actions`` (a
    SQL LIKE pattern) become "[erased]"."""
    events = AuditEvent.__table__
    db.session.execute(
        sa.update(events)
        .where(
            events.c.entity_type == "candidate",
            events.c.entity_id.in_(candidacies),
            events.c.action.like(actions),
            events.c.note.is_not(None),
        )
        .values(note="[erased]")
    )
