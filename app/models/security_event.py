from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._types import AppendOnly, AppendOnlyError, UtcDateTime, utcnow


class SecurityLogIsAppendOnly(AppendOnlyError):
    pass


class SecurityEvent(AppendOnly, db.Model):
    """One entry of the security log (``common.security_log``): a login, a failure, a lock, a
    reset, a second-factor change, a refused id, an admin's read of personal data.

    Append-only: the session refuses to change or delete an entry, and on PostgreSQL a trigger
    refuses UPDATE and DELETE as well (migration 0009)."""

    refusal = SecurityLogIsAppendOnly
    refusal_message = "security log entries cannot be changed or deleted"

    __tablename__ = "security_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    # The account concerned, when there is one; ``subject`` is what was typed or asked for
    # (the email of a failed login, the path of a refused id).
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    subject: Mapped[str] = mapped_column(sa.String(320), default="")
    address: Mapped[str] = mapped_column(sa.String(64), default="")
    detail: Mapped[str] = mapped_column(sa.String(500), default="")
