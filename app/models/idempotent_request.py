"""The answers to creating API calls sent with an ``Idempotency-Key``, kept a day so that a
client that lost the answer (a timeout, a dropped connection) can send the call again and get
the first answer instead of a second record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._types import UtcDateTime, utcnow


class IdempotentRequest(db.Model):
    __tablename__ = "idempotent_requests"
    __table_args__ = (sa.UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(sa.String(255))
    # What the call was: its method and path and the SHA-256 of its body.
    method: Mapped[str] = mapped_column(sa.String(8))
    path: Mapped[str] = mapped_column(sa.String(500))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    # What it answered.
    status: Mapped[int] = mapped_column()
    body: Mapped[Any] = mapped_column(sa.JSON(), nullable=False)
    location: Mapped[str | None] = mapped_column(sa.String(500))
    etag: Mapped[str | None] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<IdempotentRequest {self.id} user={self.user_id} {self.method} {self.path}>"
