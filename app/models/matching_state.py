from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._types import UtcDateTime


class MatchingState(db.Model):
    """One row: the index generation. ``civcap reindex`` raises it; every worker that sees a
    new generation rebuilds its matching index from the database."""

    __tablename__ = "matching_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(default=0)
    requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    requested_by: Mapped[str] = mapped_column(sa.String(200), default="")
