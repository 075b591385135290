"""Emailed links to set a password (OWASP ASVS 2.5, 2.3): an admin's invitation to a new
account, and "forgot password".

A link is signed with SECRET_KEY (itsdangerous) and carries an ``AccountLink`` row's id and a
random nonce whose hash the row keeps; it works once, until it expires (INVITATION_DAYS,
RESET_MINUTES), and a newer link of the same purpose replaces the older ones. Using it sets the
password (under the password rules), ends every login of the account, tells its owner, and is
followed by the second-factor step of an ordinary login: a link alone never bypasses the code.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext
from itsdangerous import BadData, URLSafeSerializer

from app.accounts import sessions, users
from app.accounts.passwords import password_problem
from app.accounts.second_factor import required_for
from app.common import audit, i18n, security_log
from app.common.errors import FieldError, ValidationFailed
from app.common.transaction import transaction
from app.extensions import db
from app.models import AccountLink, LinkPurpose, Organisation, Role, User
from app.models._types import now_or
from app.notifications import outbox

SALT = "civcap-account-link"
PATH = "/account/set-password/"


def lifetime(purpose: LinkPurpose) -> timedelta:
    config = current_app.config
    if purpose is LinkPurpose.INVITATION:
        return timedelta(days=int(config["INVITATION_DAYS"]))
    return timedelta(minutes=int(config["RESET_MINUTES"]))


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


@transaction("password link")
def _new_link(
    user: User, purpose: LinkPurpose, actor: User | None, now: datetime | None = None
) -> str:
    """A fresh link (the older unused ones of the same purpose stop working); its address."""
    now = now_or(now)
    db.session.execute(
        sa.update(AccountLink)
        .where(
            AccountLink.user_id == user.id,
            AccountLink.purpose == purpose,
            AccountLink.used_at.is_(None),
            AccountLink.replaced_at.is_(None),
        )
        .values(replaced_at=now)
    )
    nonce = secrets.token_urlsafe(24)
    link = AccountLink(
        user_id=user.id,
        purpose=purpose,
        nonce_hash=_hash(nonce),
        created_at=now,
        expires_at=now + lifetime(purpose),
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(link)
    db.session.flush()
    token = _serializer().dumps({"link": link.id, "nonce": nonce})
    return f"{current_app.config['PUBLIC_URL']}{PATH}{token}"


@transaction("invitation")
def invite(user: User, actor: User | None, send: bool = True) -> str:
    """An invitation for a new account (no password yet): emailed to the person when ``send``;
    returns the link (``civcap create-user --invite`` prints it instead)."""
    if user.password_hash is not None:
        raise ValueError(f"{user.email} has a password already")
    link = _new_link(user, LinkPurpose.INVITATION, actor)
    valid_until = now_or(None) + lifetime(LinkPurpose.INVITATION)
    security_log.record(
        "invitation.sent",
        user=user,
        actor=actor,
        subject=user.email,
        detail="emailed" if send else "printed by civcap create-user",
    )
    if send:
        with i18n.in_language_of(user):
            inviter = actor.full_name if actor else gettext("The civcap administrator")
            step = (
                gettext("Open this link to choose your password and set up your authenticator app:")
                if required_for(user)
                else gettext("Open this link to choose your password:")
            )
            outbox.queue(
                "account.invitation",
                [user.email],
                gettext("civcap: your account is ready, set your password"),
                gettext(
                    "Dear %(name)s,\n\n%(inviter)s made you a civcap account as %(role)s of "
                    "%(organisation)s. %(step)s\n\n%(link)s\n\nThe link works once, until "
                    "%(until)s. If you did not expect this email, you can ignore it.\n",
                    name=user.full_name,
                    inviter=inviter,
                    role=user.role.label,
                    organisation=user.organisation.name,
                    step=step,
                    link=link,
                    until=i18n.moment(valid_until),
                ),
            )
    return link


@transaction("user")
def invite_new_user(
    email: str,
    full_name: str,
    role: Role,
    organisation: Organisation,
    actor: User | None,
    send: bool = True,
) -> tuple[User, str]:
    """Create an account without a password and invite its person (``invite``)."""
    user = users.create_user(email, full_name, None, role, organisation, actor=actor)
    return user, invite(user, actor, send=send)


@transaction("password reset")
def ask_reset(email: str) -> None:
    """'Forgot password': email a reset link when an account that is on has this email.
    Says nothing either way (the page answers the same, in the same time)."""
    user = users.by_email(email)
    if user is None or not user.active or user.password_hash is None:
        security_log.record(
            "password.reset_asked", subject=email, detail="no link: no such account"
        )
        return
    if _recent_reset(user):
        security_log.record("password.reset_asked", user=user, subject=email,
                            detail="no link: one was emailed less than a minute ago")  # fmt: skip
        return
    link = _new_link(user, LinkPurpose.RESET, None)
    valid_until = now_or(None) + lifetime(LinkPurpose.RESET)
    security_log.record("password.reset_asked", user=user, subject=email, detail="link emailed")
    with i18n.in_language_of(user):
        outbox.queue(
            "account.password_reset",
            [user.email],
            gettext("civcap: choose a new password"),
            gettext(
                "Dear %(name)s,\n\nSomebody (we hope you) asked to reset the password of your "
                "civcap account. Open this link to choose a new one:\n\n%(link)s\n\nThe link "
                "works once, until %(until)s. If you did not ask, ignore this email: your "
                "password stays as it is.\n",
                name=user.full_name,
                link=link,
                until=i18n.moment(valid_until),
            ),
        )


RESET_EVERY = timedelta(minutes=1)  # at most one reset email a minute to the same account


def _recent_reset(user: User) -> bool:
    since = now_or(None) - RESET_EVERY
    return (
        db.session.scalar(
            sa.select(AccountLink.id)
            .where(
                AccountLink.user_id == user.id,
                AccountLink.purpose == LinkPurpose.RESET,
                AccountLink.created_at > since,
            )
            .limit(1)
        )
        is not None
    )


class LinkProblem(enum.Enum):
    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"
    REPLACED = "replaced"
    OFF = "off"

    @property
    def message(self) -> str:
        """What the person reads, in their language."""
        return {
            "invalid": gettext(
                "This link is not valid. Check that you copied all of it from the email."
            ),
            "expired": gettext("This link has expired."),
            "used": gettext("This link was used already."),
            "replaced": gettext("A newer link was sent since this one; use the latest email."),
            "off": gettext("This account is switched off."),
        }[self.value]


class LinkRefused(Exception):
    def __init__(self, problem: LinkProblem):
        super().__init__(problem.name.lower())
        self.problem = problem


def verify(token: str, now: datetime | None = None) -> AccountLink:
    """The link a token stands for, if it can still be used; else LinkRefused."""
    now = now_or(now)
    try:
        payload: Any = _serializer().loads(token)
    except BadData:
        raise LinkRefused(LinkProblem.INVALID) from None
    if not (
        isinstance(payload, dict)
        and isinstance(payload.get("link"), int)
        and isinstance(payload.get("nonce"), str)
    ):
        raise LinkRefused(LinkProblem.INVALID)
    link = db.session.get(AccountLink, payload["link"])
    if link is None or not secrets.compare_digest(link.nonce_hash, _hash(payload["nonce"])):
        raise LinkRefused(LinkProblem.INVALID)
    if link.used_at is not None:
        raise LinkRefused(LinkProblem.USED)
    if link.replaced_at is not None:
        raise LinkRefused(LinkProblem.REPLACED)
    if link.expires_at <= now:
        raise LinkRefused(LinkProblem.EXPIRED)
    if not link.user.active:
        raise LinkRefused(LinkProblem.OFF)
    return link


def refused(problem: LinkProblem) -> None:
    """Log a refused link (its token is never logged)."""
    security_log.record("link.refused", detail=problem.name.lower())


@transaction("password")
def set_password(link: AccountLink, password: str, now: datetime | None = None) -> User:
    """The person sets their password through a link: the link is used up, every login of the
    account ends, and the owner is told."""
    now = now_or(now)
    user = link.user
    problem = password_problem(password, personal=(user.email, user.full_name))
    if problem:
        raise ValidationFailed([FieldError("password", problem)])
    # Used up in the database first, so that two tabs submitting at once cannot both use it.
    used = db.session.execute(
        sa.update(AccountLink)
        .where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
        .values(used_at=now)
    )
    if not used.rowcount:  # type: ignore[attr-defined]
        raise LinkRefused(LinkProblem.USED)
    invitation = link.purpose is LinkPurpose.INVITATION
    user.set_password(password)
    sessions.end_all(user, "password set by link")
    security_log.record(
        "invitation.accepted" if invitation else "password.reset", user=user, subject=user.email
    )
    audit.record(
        "user.invitation_accepted" if invitation else "user.password_reset",
        "user",
        user.id,
        actor=user,
    )
    if not invitation:
        with i18n.in_language_of(user):
            outbox.queue(
                "account.password_changed",
                [user.email],
                gettext("civcap: your password was changed"),
                gettext(
                    "Dear %(name)s,\n\nThe password of your civcap account was reset through an "
                    "emailed link on %(when)s, and every login of the account was ended.\n\n"
                    "If you did not do this, tell your civcap administrator at once.\n",
                    name=user.full_name,
                    when=i18n.moment(now),
                ),
            )
    return user
