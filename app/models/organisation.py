from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import enum_column

if TYPE_CHECKING:
    from app.models.user import User


class OrganisationKind(enum.StrEnum):
    MEMBER_STATE = "member_state"
    MISSION = "mission"
    HQ_DEPARTMENT = "hq_department"
    UN_HR = "un_hr"

    @property
    def label(self) -> str:
        return str(_KIND_LABELS[self])


# Each OrganisationKind for people; one string translated per look-up.
_KIND_LABELS = {
    OrganisationKind.MEMBER_STATE: _l("Member state"),
    OrganisationKind.MISSION: _l("Mission"),
    OrganisationKind.HQ_DEPARTMENT: _l("HQ department"),
    OrganisationKind.UN_HR: _l("UN HR"),
}


class Organisation(db.Model):
    """A member state's government, a mission, a headquarters department or UN HR."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(
        enum_column(OrganisationKind, "organisation_kind")
    )
    country: Mapped[str | None] = mapped_column(sa.String(2))
    region: Mapped[str | None] = mapped_column(sa.String(60))
    global_south: Mapped[bool] = mapped_column(default=False)

    users: Mapped[list[User]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r} ({self.kind.value})>"
