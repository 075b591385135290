from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._types import UtcDateTime


class LoginThrottle(db.Model):
    """Failed logins counted for one account (``account:<email>``) or one client address
    (``address:<ip>``), in the database so that every web worker and every restart sees them."""

    __tablename__ = "login_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(330), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # No login is tried before this time; a locked key stays locked until then or until an
    # admin lifts the lock.
    blocked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    locked: Mapped[bool] = mapped_column(default=False)

    @property
    def kind(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def subject(self) -> str:
        return self.key.split(":", 1)[1]
