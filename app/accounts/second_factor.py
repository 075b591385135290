"""The second factor (OWASP ASVS 2.8, 2.6): time-based one-time codes from an authenticator app
(TOTP, RFC 6238, through pyotp), and single-use recovery codes for a lost phone.

HR reviewers and admins must have one (``required_for``); the others may. Enrolment keeps the new
secret on the account but counts it only once a code from the app proves it was added
(``confirm_enrolment``). A code is accepted within one 30-second step either side of now, and
never twice: the last accepted step is kept. Recovery codes are random, shown once, kept hashed,
each good for one login. An admin's reset removes the factor and ends every login of the user,
who enrols again at their next login; the user is told of every change by email.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from collections.abc import Callable
from datetime import datetime

import pyotp
import segno
import sqlalchemy as sa
from flask_babel import gettext, ngettext

from app.accounts import sessions
from app.common import audit, i18n, security_log
from app.common.transaction import transaction
from app.extensions import db
from app.models import RecoveryCode, Role, User
from app.models._types import now_or
from app.notifications import outbox

ISSUER = "civcap"
REQUIRED = frozenset({Role.HR_REVIEWER, Role.ADMIN})
RECOVERY_CODES = 10
# Recovery codes: 16 characters of the base32 alphabet (80 random bits), in groups of four.
_CODE_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def required_for(user: User) -> bool:
    return user.role in REQUIRED


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret)


@transaction("second factor")
def begin_enrolment(user: User) -> str:
    """A new secret for ``user`` to add to their app (kept, not yet in force); returns it."""
    if user.has_second_factor:
        raise ValueError("a second factor is enrolled already")
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None
    return user.totp_secret


@transaction("second factor")
def enrol_for_demo(user: User, now: datetime | None = None) -> str:
    """Enrol a demo login without an app's proof (``civcap seed-demo``, development only: its
    secret is printed for the person trying civcap out to add to their app)."""
    user.totp_secret = pyotp.random_base32()
    user.totp_enrolled_at, user.totp_last_step = now_or(now), None
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    assert user.totp_secret
    return _totp(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(user: User) -> str:
    """The ``otpauth://`` address as a QR code, drawn here (SVG, no outside service)."""
    out = io.BytesIO()
    segno.make(provisioning_uri(user), error="m").save(
        out, kind="svg", scale=5, xmldecl=False, svgns=True, svgclass="qr", title="QR code"
    )
    return out.getvalue().decode()


def _normal(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _step_of(user: User, code: str, now: datetime) -> int | None:
    """The time step whose code ``code`` is (one step either side), if not used before."""
    if user.totp_secret is None:
        return None
    code = _normal(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = _totp(user.totp_secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return None  # replayed: that code (or a later one) was accepted already
            return step
    return None


def _code_hash(code: str) -> str:
    return hashlib.sha256(_normal(code).encode()).hexdigest()


@transaction("second factor")
def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh recovery codes for ``user`` (the old ones stop working); shown once."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_code_hash(c)) for c in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


def _notice(user: User, what: Callable[[], str]) -> None:
    """Tell ``user`` by email, in their language (``what`` is written in it)."""
    with i18n.in_language_of(user):
        outbox.queue(
            "account.second_factor_changed",
            [user.email],
            gettext("civcap: the second factor of your account changed"),
            gettext(
                "Dear %(name)s,\n\n%(what)s\n\nIf this was not you or your civcap "
                "administrator, tell your administrator at once: someone may have your "
                "password.\n",
                name=user.full_name,
                what=what(),
            ),
        )


@transaction("second factor")
def confirm_enrolment(user: User, code: str, now: datetime | None = None) -> list[str] | None:
    """The first code from the app puts the new secret in force; returns the recovery codes to
    show once, or None when the code is not right (nothing changes)."""
    now = now_or(now)
    if user.has_second_factor or user.totp_secret is None:
        raise ValueError("no enrolment is under way")
    step = _step_of(user, code, now)
    if step is None:
        return None
    user.totp_last_step, user.totp_enrolled_at = step, now
    codes = new_recovery_codes(user)
    security_log.record("second_factor.enrolled", user=user, actor=user)
    audit.record("user.second_factor_enrolled", "user", user.id, actor=user)
    _notice(
        user,
        lambda: gettext(
            "An authenticator app was set up as the second factor of your civcap account on "
            "%(when)s; your logins now ask for its code.",
            when=i18n.moment(now),
        ),
    )
    return codes


@transaction("second factor")
def check(user: User, code: str, now: datetime | None = None) -> bool:
    """A login's second step: a code from the app, or an unused recovery code (used up now)."""
    now = now_or(now)
    if not user.has_second_factor:
        return False
    step = _step_of(user, code, now)
    if step is not None:
        user.totp_last_step = step
        return True
    row = db.session.scalar(
        sa.select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return False
    row.used_at = now
    left = recovery_codes_left(user)
    security_log.record("recovery_code.used", user=user, detail=f"{left} left")
    _notice(
        user,
        lambda: ngettext(
            "A recovery code was used to log in to your civcap account on %(when)s. "
            "%(num)d recovery code is left; make new ones on your account page.",
            "A recovery code was used to log in to your civcap account on %(when)s. "
            "%(num)d recovery codes are left; make new ones on your account page.",
            left,
            when=i18n.moment(now),
        ),
    )
    return True


@transaction("second factor")
def renew_recovery_codes(user: User) -> list[str]:
    """The user makes new recovery codes (the old ones stop working)."""
    codes = new_recovery_codes(user)
    security_log.record("recovery_codes.renewed", user=user, actor=user)
    _notice(
        user,
        lambda: gettext(
            "New recovery codes were made for your civcap account; the old ones no longer work."
        ),
    )
    return codes


@transaction("second factor")
def remove(user: User, actor: User, reason: str) -> None:
    """Remove the second factor: an admin's reset (a lost phone) or the user turning an optional
    one off. Every login of the user ends; where their role requires a factor, they enrol again
    at their next login."""
    before = {"second_factor": user.has_second_factor}
    user.totp_secret = user.totp_enrolled_at = user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    sessions.end_all(user, "second factor reset" if actor is not user else "second factor off")
    by_admin = actor is not user
    security_log.record("second_factor.reset", user=user, actor=actor, detail=reason)
    audit.record(
        "user.second_factor_reset",
        "user",
        user.id,
        actor=actor,
        before=before,
        after={"second_factor": False},
        note=reason or None,
    )

    def what() -> str:
        if not by_admin:
            return gettext(
                "You turned off the second factor of your civcap account; its logins were ended."
            )
        if required_for(user):
            return gettext(
                "%(admin)s (civcap administrator) removed the second factor of your civcap "
                "account and ended its logins: you will set up your authenticator app again at "
                "your next login.",
                admin=actor.full_name,
            )
        return gettext(
            "%(admin)s (civcap administrator) removed the second factor of your civcap account "
            "and ended its logins.",
            admin=actor.full_name,
        )

    _notice(user, what)
