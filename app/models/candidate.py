from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import UtcDateTime, enum_column, utcnow
from app.models.expert import Expert
from app.models.organisation import Organisation
from app.models.request import ExpertiseRequest
from app.models.user import User


class CandidateState(enum.StrEnum):
    """Where a candidate (one row per request x expert) stands in the selection procedure:
    suggested or nominated, shortlisted or dismissed, release consultation with the member
    state, released or not, interview, recommended, selected by a second reviewer, deployed,
    completed."""

    SUGGESTED = "suggested"
    SHORTLISTED = "shortlisted"
    DISMISSED = "dismissed"
    CONSULTATION = "consultation"
    RELEASED = "released"
    NOT_RELEASED = "not_released"
    INTERVIEW = "interview"
    RECOMMENDED = "recommended"
    SELECTED = "selected"
    DEPLOYED = "deployed"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return str(_STATE_LABELS[self])

    @classmethod
    def label_of(cls, value: object) -> str:
        """A state as the audit trail recorded it (its code), for people; "—" for none."""
        if not value:
            return "—"
        try:
            return cls(value).label
        except ValueError:
            return str(value).replace("_", " ")


# Each CandidateState for people; one string translated per look-up.
_STATE_LABELS = {
    CandidateState.SUGGESTED: _l("suggested"),
    CandidateState.SHORTLISTED: _l("shortlisted"),
    CandidateState.DISMISSED: _l("dismissed"),
    CandidateState.CONSULTATION: _l("release consultation"),
    CandidateState.RELEASED: _l("released"),
    CandidateState.NOT_RELEASED: _l("not released"),
    CandidateState.INTERVIEW: _l("interview"),
    CandidateState.RECOMMENDED: _l("recommended"),
    CandidateState.SELECTED: _l("selected"),
    CandidateState.DEPLOYED: _l("deployed"),
    CandidateState.COMPLETED: _l("completed"),
}


# A selection holds a position from the second reviewer's approval on: "selected or later".
SELECTED_OR_LATER = (CandidateState.SELECTED, CandidateState.DEPLOYED, CandidateState.COMPLETED)


class DismissReason(enum.StrEnum):
    """Why HR dismissed a candidate: codes a later learning step can use."""

    NOT_RELEVANT = "not_relevant"
    SENIORITY = "seniority"
    LANGUAGE = "language"
    AVAILABILITY = "availability"
    MODALITY = "modality"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(_REASON_LABELS[self])

    @classmethod
    def label_of(cls, value: object) -> str:
        """A recorded reason for people: a dismiss reason's label, else the words as typed (a
        focal point's reason for not releasing an expert); "" for none."""
        if not value:
            return ""
        try:
            return cls(value).label
        except ValueError:
            return str(value)


# Each DismissReason for people; one string translated per look-up.
_REASON_LABELS = {
    DismissReason.NOT_RELEVANT: _l("not relevant"),
    DismissReason.SENIORITY: _l("seniority"),
    DismissReason.LANGUAGE: _l("language"),
    DismissReason.AVAILABILITY: _l("availability"),
    DismissReason.MODALITY: _l("modality"),
    DismissReason.OTHER: _l("other"),
}


class Candidate(db.Model):
    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("requests.id"), index=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("experts.id"), index=True)
    state: Mapped[CandidateState] = mapped_column(
        enum_column(CandidateState, "candidate_state"),
        default=CandidateState.SUGGESTED,
        index=True,
    )  # fmt: skip
    # Who put the candidate forward: the matcher (None) or a member state's nomination.
    nominated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    score: Mapped[float | None]
    explanation: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    dismiss_reason: Mapped[str | None] = mapped_column(sa.String(20))
    dismiss_note: Mapped[str | None] = mapped_column(sa.Text)
    recommended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    selected_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The assignment of a deployed candidate: its first and last days (given at deployment).
    starts_on: Mapped[date | None] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    # The day HR and the focal point were first told (daily digest) that the assignment ends soon.
    ending_told_on: Mapped[date | None] = mapped_column(sa.Date)
    # When the expert was last sent a signed link to provide their readiness items.
    readiness_asked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # Indexed: the dashboard's watermark reads the latest change (app.dashboards.figures.cached).
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utcnow, onupdate=utcnow, index=True
    )
    version: Mapped[int] = mapped_column(default=1)

    request: Mapped[ExpertiseRequest] = relationship()
    expert: Mapped[Expert] = relationship()
    nominated_by: Mapped[Organisation | None] = relationship()
    recommended_by: Mapped[User | None] = relationship(foreign_keys=[recommended_by_id])
    selected_by: Mapped[User | None] = relationship(foreign_keys=[selected_by_id])

    __table_args__ = (sa.UniqueConstraint("request_id", "expert_id"),)
    __mapper_args__ = {"version_id_col": version}
