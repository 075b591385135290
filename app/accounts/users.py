"""User accounts."""

from __future__ import annotations

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext
from flask_babel import gettext as _

from app.accounts import sessions
from app.accounts.passwords import password_problem
from app.common import audit, i18n, security_log
from app.common.errors import FieldError, NotAllowed, ValidationFailed
from app.common.transaction import transaction
from app.extensions import db
from app.models import Organisation, Role, User
from app.notifications import outbox


def by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def snapshot(user: User) -> dict[str, object]:
    """The audited picture of an account (never the password hash)."""
    return {
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role.value,
        "organisation_id": user.organisation_id,
        "active": user.active,
    }


@transaction("user")
def create_user(
    email: str,
    full_name: str,
    password: str | None,
    role: Role,
    organisation: Organisation,
    actor: User | None = None,
) -> User:
    """Create an account; the role must fit the organisation's kind (a focal point in a member
    state, a requester in a mission or HQ department, an HR reviewer in UN HR). Without a
    password the account waits for its person to set one (``links.invite``)."""
    errors: list[FieldError] = []
    email = email.strip().lower()
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        errors.append(FieldError("email", str(exc)))
    else:
        if by_email(email) is not None:
            errors.append(
                FieldError("email", _("a user with email %(email)s already exists", email=email))
            )
    if not full_name.strip():
        errors.append(FieldError("full_name", _("is required")))
    problem = None if password is None else password_problem(password, personal=(email, full_name))
    if problem:
        errors.append(FieldError("password", problem))
    if organisation.kind not in role.organisation_kinds:
        allowed = ", ".join(sorted(k.value for k in role.organisation_kinds))
        errors.append(
            FieldError(
                "organisation",
                _(
                    "a %(role)s must belong to an organisation of kind %(allowed)s; "
                    "%(organisation)s is %(kind)s",
                    role=role.label,
                    allowed=allowed,
                    organisation=organisation.name,
                    kind=organisation.kind.value,
                ),
            )
        )
    if errors:
        raise ValidationFailed(errors)
    user = User(email=email, full_name=full_name.strip(), role=role, organisation=organisation)
    if password is not None:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.created",
        "user",
        user.id,
        actor=actor,
        actor_label="" if actor else "civcap create-user",
        after=snapshot(user),
        note=None if password is not None else "invited to set a password",
    )
    return user


@transaction("user")
def set_active(user: User, active: bool, actor: User) -> User:
    """Switch an account on or off. Nobody switches their own account off."""
    if user.id == actor.id and not active:
        raise NotAllowed("You cannot switch off your own account.")
    before = snapshot(user)
    user.active = active
    if not active:
        ended = sessions.end_all(user, "account switched off")
        security_log.record(
            "sessions.ended",
            user=user,
            actor=actor,
            subject=user.email,
            detail=f"account switched off: {ended} login(s) ended",
        )
    audit.record(
        "user.activated" if active else "user.deactivated",
        "user",
        user.id,
        actor=actor,
        before=before,
        after=snapshot(user),
    )
    return user


@transaction("user")
def change_password(user: User, current: str, new: str) -> None:
    """The person changes their own password: the current one is asked, the new one follows the
    password rules. Every login of theirs ends, and they are told by email."""
    errors = []
    if not user.check_password(current):
        errors.append(FieldError("current_password", _("is not your current password")))
    problem = password_problem(new, personal=(user.email, user.full_name))
    if problem:
        errors.append(FieldError("new_password", problem))
    elif new == current:
        errors.append(FieldError("new_password", _("is your current password; choose another")))
    if errors:
        raise ValidationFailed(errors)
    user.set_password(new)
    sessions.end_all(user, "password changed")
    security_log.record("password.changed", user=user, actor=user, subject=user.email)
    audit.record("user.password_changed", "user", user.id, actor=user)
    with i18n.in_language_of(user):
        outbox.queue(
            "account.password_changed",
            [user.email],
            gettext("civcap: your password was changed"),
            gettext(
                "Dear %(name)s,\n\nThe password of your civcap account was changed just now, "
                "and every login of the account was ended.\n\nIf you did not change it, "
                "someone else knows your password: tell your civcap administrator at once.\n",
                name=user.full_name,
            ),
        )


@transaction("user")
def set_language(user: User, language: str) -> None:
    """The person's language for their pages and emails (one of ``i18n.LANGUAGES``)."""
    if language not in i18n.LANGUAGES:
        raise ValidationFailed(
            [FieldError("language", _("%(code)s is not a language of civcap", code=repr(language)))]
        )
    user.language = language
