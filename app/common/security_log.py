"""The security log (OWASP ASVS 7.1, 7.2): who logged in, who failed, what was locked or reset,
which second factors changed, which ids were refused, which personal data an admin read.

Append-only (``SecurityEvent``), separate from the audit trail of records: it is about the way
in, not about the roster. It never holds a password, a code, a token or a link; the subject of a
failed login is the email as typed (an attacker's guesses are what the log is for), truncated.
Every way in (the login page, the API later, single sign-on later) records through ``record``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import has_request_context, request
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from app.common.queries import like_pattern
from app.common.transaction import transaction
from app.extensions import db
from app.models import SecurityEvent, User
from app.models._types import as_utc

# What each kind of entry means, in the admin's words (also the filter's choices).
KINDS: dict[str, LazyString] = {
    "login.succeeded": _l("Logged in"),
    "login.failed": _l("Login failed"),
    "login.refused": _l("Login refused: too many failures"),
    "login.locked": _l("Account or address locked"),
    "lock.lifted": _l("Lock lifted by an admin"),
    "logout": _l("Logged out"),
    "sessions.ended": _l("Logins ended"),
    "password.changed": _l("Password changed"),
    "password.reset_asked": _l("Password reset asked"),
    "password.reset": _l("Password reset by link"),
    "invitation.sent": _l("Invitation sent"),
    "invitation.accepted": _l("Invitation accepted"),
    "link.refused": _l("Password link refused"),
    "second_factor.enrolled": _l("Second factor enrolled"),
    "second_factor.failed": _l("Second-factor code refused"),
    "second_factor.reset": _l("Second factor reset by an admin"),
    "recovery_code.used": _l("Recovery code used"),
    "recovery_codes.renewed": _l("Recovery codes renewed"),
    "reauthenticated": _l("Identity confirmed again"),
    "reauthentication.failed": _l("Identity confirmation failed"),
    "access.denied": _l("Access refused"),
    "personal_data.read": _l("Admin read personal data"),
    "token.created": _l("API token made"),
    "token.revoked": _l("API token revoked"),
}


def _address() -> str:
    return (request.remote_addr or "") if has_request_context() else ""


@transaction("security log")
def record(
    kind: str,
    *,
    user: User | None = None,
    actor: User | None = None,
    subject: str = "",
    detail: str = "",
) -> SecurityEvent:
    """Add an entry; alone it commits at once, inside a step it is kept exactly when the step
    is (a password change and its entry go together)."""
    if kind not in KINDS:
        raise ValueError(f"unknown security event kind {kind!r}")
    event = SecurityEvent(
        kind=kind,
        user_id=user.id if user is not None else None,
        actor_id=actor.id if actor is not None else None,
        subject=subject[:320],
        address=_address()[:64],
        detail=detail[:500],
    )
    db.session.add(event)
    return event


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    who: str = ""  # part of the account's email or of the subject
    address: str = ""
    since: date | None = None
    until: date | None = None  # inclusive


def search(filters: Filters) -> sa.Select[tuple[SecurityEvent]]:
    """The entries that match, newest first."""
    query = sa.select(SecurityEvent).order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc())
    if filters.kind:
        query = query.where(SecurityEvent.kind == filters.kind)
    if filters.who:
        pattern = like_pattern(filters.who)
        users = sa.select(User.id).where(User.email.ilike(pattern, escape="\\"))
        query = query.where(
            sa.or_(
                SecurityEvent.user_id.in_(users),
                SecurityEvent.actor_id.in_(users),
                SecurityEvent.subject.ilike(pattern, escape="\\"),
            )
        )
    if filters.address:
        query = query.where(SecurityEvent.address == filters.address)
    if filters.since:
        query = query.where(SecurityEvent.at >= as_utc(datetime.combine(filters.since, time())))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time())
        query = query.where(SecurityEvent.at < as_utc(end))
    return query


def emails(events: Iterable[SecurityEvent]) -> dict[int, str]:
    """The emails of the accounts the entries name (one query for a page of them)."""
    ids = {i for e in events for i in (e.user_id, e.actor_id) if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.email).where(User.id.in_(ids))).all())
