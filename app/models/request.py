from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import UtcDateTime, enum_column, utcnow
from app.models.organisation import Organisation
from app.models.taxonomy import CoreArea, Skill
from app.models.user import User


class RequestStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    OPEN = "open"
    SELECTION = "selection"
    FILLED = "filled"
    CLOSED_UNFILLED = "closed_unfilled"
    CANCELLED = "cancelled"
    # Replaced by a newer revision; kept, with its shortlist, for the record.
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return str(_STATUS_LABELS[self])


# Each RequestStatus for people; one string translated per look-up.
_STATUS_LABELS = {
    RequestStatus.DRAFT: _l("draft"),
    RequestStatus.SUBMITTED: _l("submitted"),
    RequestStatus.OPEN: _l("open"),
    RequestStatus.SELECTION: _l("selection"),
    RequestStatus.FILLED: _l("filled"),
    RequestStatus.CLOSED_UNFILLED: _l("closed unfilled"),
    RequestStatus.CANCELLED: _l("cancelled"),
    RequestStatus.SUPERSEDED: _l("replaced by a revision"),
}


request_skills = sa.Table(
    "request_skills",
    db.metadata,
    sa.Column("request_id", sa.ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("skill_id", sa.ForeignKey("skills.id"), primary_key=True, index=True),
)


class RequestLanguage(db.Model):
    """A language a request requires, with its minimum CEFR level."""

    __tablename__ = "request_languages"

    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(sa.String(2), primary_key=True, index=True)
    min_level: Mapped[str] = mapped_column(sa.String(2))


class RequestPreferredLanguage(db.Model):
    """A language a request would like a candidate to speak, at a CEFR level: a soft signal in
    the ranking and a line of the explanation, never a condition of deployability."""

    __tablename__ = "request_preferred_languages"

    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    level: Mapped[str] = mapped_column(sa.String(2))


class ExpertiseRequest(db.Model):
    """A mission's or HQ department's request for civilian expertise."""

    __tablename__ = "requests"
    # Lists show the latest changed first: read from the index, not by sorting every request.
    __table_args__ = (sa.Index("ix_requests_updated_at", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # A revision (more senior, other dates, other language) replaces an earlier request.
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("requests.id"), index=True)

    title: Mapped[str] = mapped_column(sa.String(200))
    terms_of_reference: Mapped[str] = mapped_column(sa.Text, default="")
    area_code: Mapped[str] = mapped_column(sa.ForeignKey("core_areas.code"), index=True)
    min_years_experience: Mapped[int] = mapped_column(default=0)
    start_date: Mapped[date] = mapped_column(sa.Date)
    duration_months: Mapped[int]
    duty_station: Mapped[str | None] = mapped_column(sa.String(120))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    modality: Mapped[str] = mapped_column(sa.String(30))
    # A high-risk duty station asks more of a candidate's readiness (the advanced security
    # training: app.readiness.checklist).
    high_risk: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    positions: Mapped[int] = mapped_column(default=1)
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus, "request_status"),
        default=RequestStatus.DRAFT,
        index=True,
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    # Why a request was closed unfilled or cancelled.
    closed_reason: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()
    area: Mapped[CoreArea] = relationship(lazy="joined")
    replaces: Mapped[ExpertiseRequest | None] = relationship(remote_side=[id])
    languages: Mapped[list[RequestLanguage]] = relationship(
        cascade="all, delete-orphan", order_by=RequestLanguage.code, lazy="selectin"
    )
    preferred_languages: Mapped[list[RequestPreferredLanguage]] = relationship(
        cascade="all, delete-orphan", order_by=RequestPreferredLanguage.code, lazy="selectin"
    )
    skills: Mapped[list[Skill]] = relationship(
        secondary=request_skills, order_by=Skill.name, lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_editable(self) -> bool:
        return self.status is RequestStatus.DRAFT

    def __repr__(self) -> str:
        return f"<ExpertiseRequest {self.id} {self.title!r} {self.status.value}>"
