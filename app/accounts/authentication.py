"""Logging in with an email and a password: the one rule the login page (and any later way in)
goes through. Failed logins are throttled (``throttling``); an unknown email costs the same
password check as a known one, so neither the answer nor its time says which accounts exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts import throttling, users
from app.models import User
from app.models._types import now_or

WRONG = "Email or password is not right, or the account is off."


@dataclass(frozen=True)
class Attempt:
    """A login attempt's outcome: the user logged in, or why not (in words for the form)."""

    user: User | None
    refusal: str | None = None


@cache
def _stand_in_hash() -> str:
    """A hash to check a password against when no account has the email (same cost)."""
    return generate_password_hash("no account has this email")


def password_matches(user: User | None, password: str) -> bool:
    if user is None:
        check_password_hash(_stand_in_hash(), password)
        return False
    return user.check_password(password)


def _blocked(until: datetime, now: datetime) -> str:
    minutes = max(1, round((until - now).total_seconds() / 60))
    return (
        "Too many failed logins for this account or from this address. "
        f"Try again after {until:%H:%M} UTC (in about {minutes} minute"
        f"{'s' if minutes != 1 else ''})."
    )


def attempt(email: str, password: str, address: str | None, now: datetime | None = None) -> Attempt:
    """Check a login; count a failure, clear the count on success."""
    now = now_or(now)
    until = throttling.blocked_until(email, address, now)
    if until is not None:
        return Attempt(None, _blocked(until, now))
    user = users.by_email(email)
    if not password_matches(user, password) or user is None or not user.active:
        until = throttling.record_failure(email, address, user, now)
        return Attempt(None, WRONG + (" " + _blocked(until, now) if until else ""))
    throttling.record_success(email)
    return Attempt(user)
