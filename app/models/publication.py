from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import UtcDateTime, utcnow
from app.models.organisation import Organisation
from app.models.request import ExpertiseRequest
from app.models.user import User


class RequestPublication(db.Model):
    """An open request published by HR to one member state's focal points."""

    __tablename__ = "request_publications"

    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), primary_key=True, index=True
    )
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    request: Mapped[ExpertiseRequest] = relationship()
    organisation: Mapped[Organisation] = relationship()
    published_by: Mapped[User | None] = relationship()
