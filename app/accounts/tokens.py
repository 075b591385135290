"""Personal access tokens for civcap's API (OWASP ASVS 3.5): made by their owner on the account
page (after confirming who they are) or by an operator with ``civcap create-token``.

A token is ``civcap_`` and 43 random URL-safe characters (256 bits), shown once; civcap keeps
its SHA-256 (a secret that long needs no slow hash) and its first characters, to tell tokens
apart. It has a name, a scope (read, or read and write), an expiry, a last-used time, and can
be revoked by its owner at any time. A token acts as its owner: it never grants more than the
owner's role and organisation, and stops working when the owner's account is switched off.
Making and revoking tokens are in the security log; the token itself never is.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.common import security_log
from app.common.errors import FieldError, ValidationFailed
from app.common.transaction import transaction
from app.extensions import db
from app.models import ApiToken, User
from app.models._types import as_utc, now_or
from app.models.api_token import SCOPES

PREFIX = "civcap_"
SHOWN = len(PREFIX) + 6  # the characters kept to tell tokens apart
DEFAULT_DAYS = 90
MAX_DAYS = 365
NAME_MAX = 80
# last_used_at is written at most this often, not at every call.
USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    """A token just made: the row, and the secret, which is shown once and kept nowhere."""

    token: ApiToken
    secret: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def problems(name: str, scope: str, days: int | None) -> list[FieldError]:
    """What is wrong with a token's name, scope and lifetime (the form and the command)."""
    errors = []
    if not name.strip():
        errors.append(FieldError("name", _("is required: say what the token is for")))
    elif len(name.strip()) > NAME_MAX:
        errors.append(FieldError("name", _("is longer than %(max)s characters", max=NAME_MAX)))
    if scope not in SCOPES:
        errors.append(FieldError("scope", _("must be read or write")))
    if days is None or not 1 <= days <= MAX_DAYS:
        errors.append(
            FieldError("days", _("must be a number of days from 1 to %(max)s", max=MAX_DAYS))
        )
    return errors


@transaction("token")
def create(
    user: User, name: str, scope: str, days: int | None, now: datetime | None = None
) -> NewToken:
    """Make a token for ``user``; refused with the reasons (nothing saved) when an input is
    wrong or the account is switched off."""
    errors = problems(name, scope, days)
    if not user.active:
        errors.append(FieldError("user", _("the account is switched off")))
    if errors:
        raise ValidationFailed(errors)
    assert days is not None
    secret = PREFIX + secrets.token_urlsafe(32)
    made = now_or(now)
    token = ApiToken(
        user_id=user.id,
        name=name.strip(),
        scope=scope,
        prefix=secret[:SHOWN],
        token_hash=_hash(secret),
        created_at=made,
        expires_at=made + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    security_log.record(
        "token.created", user=user, actor=user, subject=token.name, detail=f"{scope}, {days} days"
    )
    return NewToken(token, secret)


def of(user: User) -> list[ApiToken]:
    """The person's tokens, newest first (revoked and expired ones too, marked as such)."""
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def is_live(token: ApiToken, now: datetime | None = None) -> bool:
    return token.revoked_at is None and as_utc(token.expires_at) > now_or(now)


@transaction("token")
def revoke(user: User, token_id: int, now: datetime | None = None) -> ApiToken | None:
    """The owner revokes one of their tokens (at once, for good); None for a token that is not
    theirs (the page says "not found", whoever's it is)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return None
    if token.revoked_at is None:
        token.revoked_at = now_or(now)
        security_log.record("token.revoked", user=user, actor=user, subject=token.name)
    return token


@transaction("token")
def authenticate(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The live token of ``secret`` whose owner's account is on, its use noted; else None."""
    if not secret.startswith(PREFIX):
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _hash(secret)))
    at = now_or(now)
    if token is None or not is_live(token, at) or not token.user.active:
        return None
    if token.last_used_at is None or at - as_utc(token.last_used_at) >= USED_EVERY:
        token.last_used_at = at
    return token
