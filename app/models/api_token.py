"""Personal access tokens: how a program (a national roster, a mission's tracker) calls civcap's
API in the name of a person, never with more than that person's role and organisation."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import UtcDateTime, utcnow
from app.models.user import User

# What a token may do: read, or read and write (a write token reads too).
READ, WRITE = "read", "write"
SCOPES = (READ, WRITE)


class ApiToken(db.Model):
    """One token: civcap keeps the SHA-256 of its secret (the secret is shown once, at
    creation) and the first characters, so that its owner can tell tokens apart."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    scope: Mapped[str] = mapped_column(sa.String(8))  # READ or WRITE
    prefix: Mapped[str] = mapped_column(sa.String(16))  # the token's first characters
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    user: Mapped[User] = relationship()

    @property
    def writes(self) -> bool:
        return self.scope == WRITE

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}… user={self.user_id} {self.scope}>"
