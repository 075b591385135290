from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import AppendOnly, AppendOnlyError, UtcDateTime, utcnow
from app.models.user import User


class AuditLogIsAppendOnly(AppendOnlyError):
    pass


class AuditEvent(AppendOnly, db.Model):
    """One thing that happened to a record: who, what, which record, before/after, when.

    Append-only: the session refuses to update or delete an event (``AppendOnly``).
    """

    refusal = AuditLogIsAppendOnly
    refusal_message = "audit events cannot be changed or deleted"

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # Who acted when no user did (a command-line import, for instance).
    actor_label: Mapped[str] = mapped_column(sa.String(200), default="")
    action: Mapped[str] = mapped_column(sa.String(60))
    entity_type: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[int] = mapped_column()
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    note: Mapped[str | None] = mapped_column(sa.Text)

    actor: Mapped[User | None] = relationship()

    __table_args__ = (sa.Index("ix_audit_events_entity", "entity_type", "entity_id"),)
