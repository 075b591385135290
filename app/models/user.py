from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models._types import UtcDateTime, enum_column, utcnow
from app.models.organisation import Organisation, OrganisationKind


class Role(enum.StrEnum):
    FOCAL_POINT = "focal_point"
    REQUESTER = "requester"
    HR_REVIEWER = "hr_reviewer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(_ROLE_LABELS[self])

    @property
    def organisation_kinds(self) -> frozenset[OrganisationKind]:
        """The kinds of organisation a user with this role can belong to
        (focal points in member states, requesters in missions and HQ departments, HR reviewers in
        UN HR)."""
        return {
            "focal_point": frozenset({OrganisationKind.MEMBER_STATE}),
            "requester": frozenset({OrganisationKind.MISSION, OrganisationKind.HQ_DEPARTMENT}),
            "hr_reviewer": frozenset({OrganisationKind.UN_HR}),
            "admin": frozenset(OrganisationKind),
        }[self.value]


# Each Role for people; one string translated per look-up.
_ROLE_LABELS = {
    Role.FOCAL_POINT: _l("Member-state focal point"),
    Role.REQUESTER: _l("Mission requester"),
    Role.HR_REVIEWER: _l("HR reviewer"),
    Role.ADMIN: _l("Administrator"),
}


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    # None until an invited person sets their password (``accounts.links``).
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # The second factor (``accounts.second_factor``): the TOTP secret once enrolled, and the
    # last time step a code was accepted for, so that no code is accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger())
    # The language of the person's pages and emails (``common.i18n.LANGUAGES``); None: their
    # browser's.
    language: Mapped[str | None] = mapped_column(sa.String(8))

    organisation: Mapped[Organisation] = relationship(back_populates="users")

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt with a random salt.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        if self.password_hash is None:
            return False
        return check_password_hash(self.password_hash, password)

    @property
    def has_second_factor(self) -> bool:
        """Enrolled: a code from the app proved the secret (a secret alone is an enrolment
        under way)."""
        return self.totp_enrolled_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users at login and on reload
        return self.active

    # Users compare as records (one object per row and session), not by login token as
    # Flask-Login's UserMixin would.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def get_id(self) -> str:
        """What Flask-Login keeps in the cookies: the token of this login (``accounts.sessions``),
        never the user's id, so that every login can be ended on the server."""
        token = getattr(self, "login_token", None)
        if not token:
            raise RuntimeError("a user is logged in through accounts.sessions.start")
        return str(token)

    def __repr__(self) -> str:
        return f"<User {self.email!r} {self.role.value}>"
