"""Failed logins slow down, then lock (OWASP ASVS 2.2), per account and per client address.

The counts are rows of ``login_throttles``, so every web worker and every restart sees the same
ones. An account may fail ``FREE_FAILURES`` times in a row; each further failure makes the next
try wait twice as long (from ``FIRST_WAIT``), and ``LOCK_AFTER`` failures lock it for
``LOCK_FOR`` or until an admin lifts the lock; its owner is told by email. A client address gets
more room, since several people may share one, and is never locked for good. A successful login
clears its account's count; an address's count is forgotten ``FORGET_AFTER`` its last failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.exc import IntegrityError

from app.common import audit, i18n, security_log
from app.common.transaction import transaction
from app.extensions import db
from app.models import LoginThrottle, User
from app.models._types import now_or
from app.notifications import outbox


@dataclass(frozen=True)
class Limits:
    free_failures: int
    lock_after: int
    first_wait: timedelta
    lock_for: timedelta


ACCOUNT = Limits(
    free_failures=5, lock_after=10, first_wait=timedelta(seconds=30), lock_for=timedelta(hours=24)
)
ADDRESS = Limits(
    free_failures=20, lock_after=100, first_wait=timedelta(seconds=30), lock_for=timedelta(hours=1)
)
FORGET_AFTER = timedelta(hours=24)


def account_key(email: str) -> str:
    return "account:" + email.strip().lower()[:320]


def address_key(address: str | None) -> str:
    return "address:" + (address or "unknown")[:320]


def _limits(key: str) -> Limits:
    return ACCOUNT if key.startswith("account:") else ADDRESS


def _row(key: str) -> LoginThrottle | None:
    return db.session.scalar(sa.select(LoginThrottle).where(LoginThrottle.key == key))


def _forgotten(row: LoginThrottle, now: datetime) -> bool:
    """An old count no longer holds (a lock does, until it expires or is lifted)."""
    if row.blocked_until is not None and row.blocked_until > now:
        return False
    return row.last_failure_at < now - FORGET_AFTER


def blocked_until(email: str, address: str | None, now: datetime | None = None) -> datetime | None:
    """Until when a login for ``email`` from ``address`` is refused without being tried."""
    now = now_or(now)
    rows = db.session.scalars(
        sa.select(LoginThrottle).where(
            LoginThrottle.key.in_([account_key(email), address_key(address)])
        )
    )
    until = [r.blocked_until for r in rows if r.blocked_until is not None and r.blocked_until > now]
    return max(until, default=None)


def _wait(limits: Limits, failures: int) -> timedelta | None:
    if failures >= limits.lock_after:
        return limits.lock_for
    if failures < limits.free_failures:
        return None
    return min(limits.first_wait * 2 ** (failures - limits.free_failures), limits.lock_for)


def _count_failure(key: str, now: datetime) -> LoginThrottle:
    row = _row(key)
    if row is None:
        try:
            with db.session.begin_nested():  # another worker may insert the same key meanwhile
                row = LoginThrottle(key=key, failures=0, last_failure_at=now)
                db.session.add(row)
        except IntegrityError:
            row = _row(key)
            assert row is not None
    elif _forgotten(row, now):
        row.failures, row.locked = 0, False
    limits = _limits(key)
    # Counted in the database, so that two workers failing at once both count.
    db.session.execute(
        sa.update(LoginThrottle)
        .where(LoginThrottle.id == row.id)
        .values(failures=LoginThrottle.failures + 1, last_failure_at=now)
    )
    db.session.refresh(row)
    wait = _wait(limits, row.failures)
    row.blocked_until = now + wait if wait else None
    row.locked = row.failures >= limits.lock_after
    return row


@transaction("login")
def record_failure(
    email: str, address: str | None, user: User | None, now: datetime | None = None
) -> datetime | None:
    """Count a failed login for the account and the address; tell the owner once it locks.
    Returns until when the next login is refused (None: it may be tried at once)."""
    now = now_or(now)
    account = _count_failure(account_key(email), now)
    place = _count_failure(address_key(address), now)
    if account.locked and account.failures == ACCOUNT.lock_after and user is not None:
        assert account.blocked_until is not None
        with i18n.in_language_of(user):
            outbox.queue(
                "account.locked",
                [user.email],
                gettext("civcap: your account is locked after failed logins"),
                gettext(
                    "Dear %(name)s,\n\n%(num)d logins to your civcap account failed in a row, "
                    "the last from the address %(address)s at %(when)s. The account is locked "
                    "until %(until)s.\n\nIf these were not your attempts, someone may be "
                    "guessing your password: ask your civcap administrator, who can also lift "
                    "the lock sooner.\n",
                    name=user.full_name,
                    num=ACCOUNT.lock_after,
                    address=address or gettext("unknown"),
                    when=i18n.moment(now),
                    until=i18n.moment(account.blocked_until),
                ),
            )
    for row in (account, place):
        if row.locked and row.failures == _limits(row.key).lock_after:
            security_log.record(
                "login.locked",
                user=user if row is account else None,
                subject=row.key,
                detail=f"{row.failures} failures; until {row.blocked_until:%Y-%m-%d %H:%M} UTC",
            )
    return max((t for t in (account.blocked_until, place.blocked_until) if t), default=None)


@transaction("login")
def record_success(email: str) -> None:
    """A successful login clears its account's count (not the address's)."""
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == account_key(email)))


def locks(now: datetime | None = None) -> list[LoginThrottle]:
    """Accounts and addresses that are refused logins now, for the admin; longest first."""
    return list(
        db.session.scalars(
            sa.select(LoginThrottle)
            .where(LoginThrottle.blocked_until > now_or(now))
            .order_by(LoginThrottle.blocked_until.desc(), LoginThrottle.key)
        )
    )


@transaction("lock")
def lift(throttle: LoginThrottle, actor: User) -> None:
    """An admin lifts a lock or a wait: the key starts again from no failures."""
    audit.record(
        "login.unlocked",
        "login_throttle",
        throttle.id,
        actor=actor,
        before={"key": throttle.key, "failures": throttle.failures},
        after={"failures": 0},
    )
    security_log.record("lock.lifted", actor=actor, subject=throttle.key)
    db.session.delete(throttle)
