"""A candidate's readiness to deploy: one row per checklist item recorded (screening, release,
medical clearance, training, passport, visa). An item with no row is still to do; which items a
candidate has, and what each must show, is ``app.readiness.checklist``'s."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import UtcDateTime, enum_column, utcnow
from app.models.candidate import Candidate
from app.models.user import User


class ReadinessStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    # Not done, and accepted so by a person who said why (recorded, audited).
    EXCEPTION = "exception"

    @property
    def label(self) -> str:
        return str(_STATUS_LABELS[self])


# Each ReadinessStatus for people; one string translated per look-up.
_STATUS_LABELS = {
    ReadinessStatus.PENDING: _l("to do"),
    ReadinessStatus.DONE: _l("done"),
    ReadinessStatus.EXCEPTION: _l("exception"),
}


class ReadinessItem(db.Model):
    __tablename__ = "readiness_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[ReadinessStatus] = mapped_column(
        enum_column(ReadinessStatus, "readiness_status"), default=ReadinessStatus.PENDING
    )
    # When it was done (a certificate's date, the clearance's), and until when it holds.
    done_on: Mapped[date | None] = mapped_column(sa.Date)
    valid_until: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str | None] = mapped_column(sa.Text)
    # The document attached as evidence (a scan, a certificate): stored outside the web root
    # under a random name, downloadable only by those who need it.
    document_file: Mapped[str | None] = mapped_column(sa.String(100))
    document_filename: Mapped[str | None] = mapped_column(sa.String(255))
    document_content_type: Mapped[str | None] = mapped_column(sa.String(100))
    document_uploaded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    candidate: Mapped[Candidate] = relationship()
    updated_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("candidate_id", "code"),)
    __mapper_args__ = {"version_id_col": version}
