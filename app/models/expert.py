from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import UtcDateTime, contains_index, enum_column, utcnow
from app.models.organisation import Organisation
from app.models.taxonomy import CoreArea, Skill


class ExpertStatus(enum.StrEnum):
    ACTIVE = "active"
    UNAVAILABLE = "unavailable"
    WITHDRAWN = "withdrawn"
    # Registered twice: this record was merged into another (``merged_into_id``), kept for history.
    MERGED = "merged"

    @property
    def label(self) -> str:
        return str(_STATUS_LABELS[self])


# Each ExpertStatus for people; one string translated per look-up.
_STATUS_LABELS = {
    ExpertStatus.ACTIVE: _l("active"),
    ExpertStatus.UNAVAILABLE: _l("unavailable"),
    ExpertStatus.WITHDRAWN: _l("withdrawn"),
    ExpertStatus.MERGED: _l("merged"),
}


expert_skills = sa.Table(
    "expert_skills",
    db.metadata,
    sa.Column("expert_id", sa.ForeignKey("experts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("skill_id", sa.ForeignKey("skills.id"), primary_key=True, index=True),
)

expert_areas = sa.Table(
    "expert_areas",
    db.metadata,
    sa.Column("expert_id", sa.ForeignKey("experts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("area_code", sa.ForeignKey("core_areas.code"), primary_key=True, index=True),
)


class ExpertLanguage(db.Model):
    """A language an expert holds, at a CEFR level (A1…C2)."""

    __tablename__ = "expert_languages"

    expert_id: Mapped[int] = mapped_column(
        sa.ForeignKey("experts.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(sa.String(2), primary_key=True, index=True)
    level: Mapped[str] = mapped_column(sa.String(2))


class ExpertModality(db.Model):
    """A deployment modality the expert accepts (government_provided, consultant, …)."""

    __tablename__ = "expert_modalities"

    expert_id: Mapped[int] = mapped_column(
        sa.ForeignKey("experts.id", ondelete="CASCADE"), primary_key=True
    )
    modality: Mapped[str] = mapped_column(sa.String(30), primary_key=True)


class ExpertCountry(db.Model):
    """A country where the expert has worked (ISO 3166-1 alpha-2)."""

    __tablename__ = "expert_countries"

    expert_id: Mapped[int] = mapped_column(
        sa.ForeignKey("experts.id", ondelete="CASCADE"), primary_key=True
    )
    country: Mapped[str] = mapped_column(sa.String(2), primary_key=True)


class Expert(db.Model):
    """A civilian expert registered on the roster by a member state."""

    __tablename__ = "experts"
    # The roster search finds words anywhere in these ("contains"): trigram indexes on
    # PostgreSQL (app.models._types.contains_index).
    __table_args__ = tuple(
        contains_index("experts", column) for column in ("full_name", "title", "external_id")
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)

    full_name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    gender: Mapped[str] = mapped_column(sa.String(20), default="undisclosed")
    nationality: Mapped[str] = mapped_column(sa.String(2), index=True)
    birth_year: Mapped[int | None]

    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    years_experience: Mapped[int] = mapped_column(default=0)
    available_from: Mapped[date] = mapped_column(sa.Date, index=True)
    available_until: Mapped[date | None] = mapped_column(sa.Date)

    consent_given_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    consent_version: Mapped[str | None] = mapped_column(sa.String(20))
    status: Mapped[ExpertStatus] = mapped_column(
        enum_column(ExpertStatus, "expert_status"),
        default=ExpertStatus.ACTIVE,
        index=True,
    )
    availability_confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # When the member state last asked the expert to reconfirm (signed link by email).
    reconfirmation_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # When the expert withdrew (``civcap purge`` erases after the retention period).
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Personal fields removed or anonymised; the record stays for past shortlists and figures.
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("experts.id"), index=True)
    # The CV file as uploaded: stored outside the web root under a random name.
    cv_file: Mapped[str | None] = mapped_column(sa.String(100))
    cv_filename: Mapped[str | None] = mapped_column(sa.String(255))
    cv_content_type: Mapped[str | None] = mapped_column(sa.String(100))
    cv_uploaded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utcnow, onupdate=utcnow, index=True
    )
    # Optimistic locking: a stale edit is refused instead of overwriting a newer one.
    version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship()
    languages: Mapped[list[ExpertLanguage]] = relationship(
        cascade="all, delete-orphan", order_by=ExpertLanguage.code, lazy="selectin"
    )
    modalities: Mapped[list[ExpertModality]] = relationship(
        cascade="all, delete-orphan", order_by=ExpertModality.modality, lazy="selectin"
    )
    countries: Mapped[list[ExpertCountry]] = relationship(
        cascade="all, delete-orphan", order_by=ExpertCountry.country, lazy="selectin"
    )
    skills: Mapped[list[Skill]] = relationship(
        secondary=expert_skills, order_by=Skill.name, lazy="selectin"
    )
    areas: Mapped[list[CoreArea]] = relationship(
        secondary=expert_areas, order_by=CoreArea.position, lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def has_consent(self) -> bool:
        return self.consent_given_at is not None

    def __repr__(self) -> str:
        return f"<Expert {self.id} {self.full_name!r}>"


class NotDuplicate(db.Model):
    """Two experts a person looked at and said are different people (no longer flagged)."""

    __tablename__ = "not_duplicates"

    expert_id: Mapped[int] = mapped_column(
        sa.ForeignKey("experts.id", ondelete="CASCADE"), primary_key=True
    )
    other_id: Mapped[int] = mapped_column(
        sa.ForeignKey("experts.id", ondelete="CASCADE"), primary_key=True
    )  # always the larger id of the pair
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
