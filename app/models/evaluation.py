"""The structured evaluation of a completed assignment: a few rated competencies and a comment,
one by the mission's requester and one by HR. What is rated, and on which scale, is
``app.assignments.evaluation``'s."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import UtcDateTime, enum_column, utcnow
from app.models.candidate import Candidate
from app.models.user import User


class EvaluatorRole(enum.StrEnum):
    """Whose evaluation it is: the requesting mission's, or HR's."""

    REQUESTER = "requester"
    HR = "hr"

    @property
    def label(self) -> str:
        return str(_ROLE_LABELS[self])


_ROLE_LABELS = {EvaluatorRole.REQUESTER: _l("the requesting mission"), EvaluatorRole.HR: _l("HR")}


class Evaluation(db.Model):
    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    evaluator_role: Mapped[EvaluatorRole] = mapped_column(
        enum_column(EvaluatorRole, "evaluator_role")
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Competency code -> rating (1 to 5); the codes are app.assignments.evaluation's.
    ratings: Mapped[dict[str, int]] = mapped_column(sa.JSON)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    candidate: Mapped[Candidate] = relationship()
    author: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("candidate_id", "evaluator_role"),)
