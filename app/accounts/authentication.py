"""Logging in: the rules every way in goes through (the login page today; single sign-on or the
API later end with ``finish`` too).

A login is a password step (``attempt``), then, for an account with a second factor, a code step
(``second_step``), then ``finish``, which starts the server-side login. Failures of either step
are throttled (``throttling``) and logged (``security_log``); the failure count clears only when
the whole login succeeds, so knowing the password does not buy more guesses at the code. An
unknown email costs the same password check as a known one, so neither the answer nor its time
says which accounts exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts import second_factor, sessions, throttling, users
from app.common import security_log
from app.models import User
from app.models._types import now_or

WRONG = _l("Email or password is not right, or the account is off.")
WRONG_CODE = _l("That code is not right, or it was used already. Type the code your app shows now.")


def wrong() -> str:
    return str(WRONG)


@dataclass(frozen=True)
class Attempt:
    """A password step's outcome: the user whose password it is, or why not (for the form)."""

    user: User | None
    refusal: str | None = None


@cache
def _stand_in_hash() -> str:
    """A hash to check a password against when no account has the email (same cost)."""
    return generate_password_hash("no account has this email")


def password_matches(user: User | None, password: str) -> bool:
    if user is None or user.password_hash is None:
        check_password_hash(_stand_in_hash(), password)
        return False
    return user.check_password(password)


def blocked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, round((until - now).total_seconds() / 60))
    return ngettext(
        "Too many failed logins for this account or from this address. "
        "Try again after %(time)s UTC (in about %(num)d minute).",
        "Too many failed logins for this account or from this address. "
        "Try again after %(time)s UTC (in about %(num)d minutes).",
        minutes,
        time=until.strftime("%H:%M"),
    )


def _and_the_wait(refusal: str, until: datetime | None, now: datetime) -> str:
    """A failure's message, and when to try again if the failure made the next one wait."""
    return refusal + (" " + blocked_message(until, now) if until else "")


def _why(user: User | None) -> str:
    if user is None:
        return "no account has this email"
    if not user.active:
        return "account switched off"
    return "wrong password"


def attempt(email: str, password: str, address: str | None, now: datetime | None = None) -> Attempt:
    """The password step: the user when the password is theirs and the account is on."""
    now = now_or(now)
    until = throttling.blocked_until(email, address, now)
    if until is not None:
        security_log.record("login.refused", subject=email, detail=f"until {until:%H:%M} UTC")
        return Attempt(None, blocked_message(until, now))
    user = users.by_email(email)
    if not password_matches(user, password) or user is None or not user.active:
        until = throttling.record_failure(email, address, user, now)
        security_log.record("login.failed", user=user, subject=email, detail=_why(user))
        return Attempt(None, _and_the_wait(wrong(), until, now))
    return Attempt(user)


def second_step(
    user: User, code: str, address: str | None, now: datetime | None = None
) -> str | None:
    """The code step of an account with a second factor: None when the code is right, else
    why not (a wrong code counts as a failed login)."""
    now = now_or(now)
    until = throttling.blocked_until(user.email, address, now)
    if until is not None:
        security_log.record("login.refused", user=user, subject=user.email, detail="code step")
        return blocked_message(until, now)
    if second_factor.check(user, code, now):
        return None
    until = throttling.record_failure(user.email, address, user, now)
    security_log.record("second_factor.failed", user=user, subject=user.email)
    return _and_the_wait(str(WRONG_CODE), until, now)


def finish(user: User, remember: bool = False, how: str = "password") -> None:
    """Every way in ends here: the failure count clears and a new login starts."""
    throttling.record_success(user.email)
    security_log.record("login.succeeded", user=user, subject=user.email, detail=how)
    sessions.log_in(user, remember=remember)


def confirm_identity(
    user: User, password: str, code: str, address: str | None, now: datetime | None = None
) -> str | None:
    """A logged-in person proves again who they are (password, and code where enrolled) before
    a sensitive act: None when they did, else why not. Failures count like failed logins."""
    now = now_or(now)
    until = throttling.blocked_until(user.email, address, now)
    if until is not None:
        return blocked_message(until, now)
    right = user.check_password(password) and (
        not user.has_second_factor or second_factor.check(user, code, now)
    )
    if not right:
        until = throttling.record_failure(user.email, address, user, now)
        security_log.record("reauthentication.failed", user=user, subject=user.email)
        refusal = (
            gettext("The password or the code is not right.")
            if user.has_second_factor
            else gettext("That is not your password.")
        )
        return _and_the_wait(refusal, until, now)
    throttling.record_success(user.email)
    sessions.mark_confirmed(user, now)
    security_log.record("reauthenticated", user=user, subject=user.email)
    return None
