from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import UtcDateTime, enum_column, utcnow
from app.models.user import User


class LinkPurpose(enum.StrEnum):
    INVITATION = "invitation"  # a new account: the person sets their first password
    RESET = "reset"  # "forgot password": the person sets a new one


class AccountLink(db.Model):
    """An emailed link to set a password: signed, expiring and good for one use.

    The link carries this row's id and a random nonce, signed with SECRET_KEY; the row keeps the
    nonce's SHA-256 hash, when it expires and when it was used. A newer link of the same purpose
    replaces the older ones (``replaced_at``)."""

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose, "account_link_purpose"))
    nonce_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    replaced_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
