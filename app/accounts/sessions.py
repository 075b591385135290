"""Logins that end on the server: one ``UserSession`` row per login (OWASP ASVS 3.3).

At each login civcap makes a fresh random token; the browser keeps it in its session (and, when
asked, remember-me) cookie, civcap keeps its hash. A request is logged in only while the row is
live: not ended, not past its absolute end (SESSION_HOURS), and not idle longer than
SESSION_IDLE_MINUTES unless the person asked to be remembered on this computer (at most
REMEMBER_DAYS; never for HR reviewers and admins, whose logins always end within SESSION_HOURS).
Logging out ends the row; switching a user off ends all of theirs; a person ends their others.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, request
from flask_login import login_user
from sqlalchemy.orm import joinedload

from app.common.transaction import transaction
from app.extensions import db
from app.models import Role, User, UserSession
from app.models._types import now_or

# Roles whose logins are never remembered beyond SESSION_HOURS.
SENSITIVE = frozenset({Role.HR_REVIEWER, Role.ADMIN})
# last_seen_at is written at most this often, not at every request.
SEEN_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_limit() -> timedelta:
    return timedelta(minutes=int(current_app.config["SESSION_IDLE_MINUTES"]))


def may_remember(user: User) -> bool:
    return user.role not in SENSITIVE


@transaction("session")
def start(
    user: User,
    remember: bool,
    address: str | None = None,
    user_agent: str | None = None,
    now: datetime | None = None,
) -> str:
    """A new login for ``user``: returns its token, also set as ``user.login_token``."""
    now = now_or(now)
    remember = remember and may_remember(user)
    lasts = (
        timedelta(days=int(current_app.config["REMEMBER_DAYS"]))
        if remember
        else timedelta(hours=int(current_app.config["SESSION_HOURS"]))
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=_hash(token),
            remember=remember,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lasts,
            address=(address or "")[:64],
            user_agent=(user_agent or "")[:200],
        )
    )
    user.login_token = token  # type: ignore[attr-defined]
    return token


def log_in(user: User, remember: bool = False) -> None:
    """Log ``user`` in on this browser with a new login (what every way in ends with)."""
    remember = remember and may_remember(user)
    start(user, remember, request.remote_addr, request.headers.get("User-Agent"))
    login_user(user, remember=remember)


def _row_of(user: User) -> UserSession | None:
    token = getattr(user, "login_token", None)
    if not token:
        return None
    return db.session.scalar(sa.select(UserSession).where(UserSession.token_hash == _hash(token)))


def confirmed_recently(user: User, now: datetime | None = None) -> bool:
    """Whether the person proved who they are in this login (logging in, or confirming again)
    within CONFIRM_MINUTES: the most sensitive acts ask for that."""
    row = _row_of(user)
    if row is None:
        return False
    proof = max(row.created_at, row.confirmed_at or row.created_at)
    return now_or(now) - proof < timedelta(minutes=int(current_app.config["CONFIRM_MINUTES"]))


@transaction("session")
def mark_confirmed(user: User, now: datetime | None = None) -> None:
    row = _row_of(user)
    if row is not None:
        row.confirmed_at = now_or(now)


def is_live(row: UserSession, now: datetime) -> bool:
    if row.ended_at is not None or row.expires_at <= now:
        return False
    return row.remember or row.last_seen_at + idle_limit() > now


def user_for(token: str, now: datetime | None = None) -> User | None:
    """The user of a live login, seen now; None for an ended, expired or idle one."""
    now = now_or(now)
    # One statement with the user and their organisation, which every page shows.
    row = db.session.scalar(
        sa.select(UserSession)
        .where(UserSession.token_hash == _hash(token))
        .options(joinedload(UserSession.user).joinedload(User.organisation))
    )
    if row is None or not is_live(row, now) or not row.user.active:
        return None
    if row.last_seen_at + SEEN_EVERY <= now:
        _seen(row, now)
    row.user.login_token = token  # type: ignore[attr-defined]
    return row.user


@transaction("session")
def _seen(row: UserSession, now: datetime) -> None:
    row.last_seen_at = now


@transaction("session")
def end(token: str, reason: str = "logged out", now: datetime | None = None) -> None:
    """End one login (logging out)."""
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
        .values(ended_at=now_or(now), ended_reason=reason)
    )


@transaction("session")
def end_all(user: User, reason: str, keep: str | None = None, now: datetime | None = None) -> int:
    """End every login of ``user`` (but ``keep``'s); how many were live."""
    query = sa.update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(UserSession.token_hash != _hash(keep))
    result = db.session.execute(query.values(ended_at=now_or(now), ended_reason=reason))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def live_sessions(user: User, now: datetime | None = None) -> list[UserSession]:
    """The user's logins that are live now, newest first."""
    now = now_or(now)
    rows = db.session.scalars(
        sa.select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return [row for row in rows if is_live(row, now)]


def is_current(row: UserSession, user: User) -> bool:
    token = getattr(user, "login_token", None)
    return token is not None and row.token_hash == _hash(token)


@transaction("session")
def end_one(row: UserSession, user: User, now: datetime | None = None) -> None:
    """A person ends one of their own logins (another computer, say)."""
    if row.user_id != user.id:
        raise PermissionError("not this user's login")
    if row.ended_at is None:
        row.ended_at, row.ended_reason = now_or(now), "ended by the user"
