"""The signed reconfirmation links: a focal point asks (``send_reconfirmation``), each expert
gets an email with a link signed with SECRET_KEY that expires after RECONFIRM_LINK_DAYS.

The link names the expert and the time of the request it answers (``reconfirmation_sent_at``),
so it works for one answer only: a newer request replaces it, and an answer (``answers``) uses
it up. ``verify`` says why a link cannot be used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from app.availability.staleness import is_on_roster
from app.common import audit, i18n, signed_links
from app.common.signed_links import LinkProblem, LinkRefused
from app.common.transaction import transaction
from app.extensions import db
from app.models import Expert, User
from app.models._types import now_or
from app.notifications import outbox

SALT = "civcap-reconfirm"


def link_lifetime() -> timedelta:
    return timedelta(days=int(current_app.config["RECONFIRM_LINK_DAYS"]))


@dataclass
class Sending:
    """What ``send_reconfirmation`` did: who was asked, who not and why."""

    sent: list[Expert] = field(default_factory=list)
    skipped: list[tuple[Expert, str]] = field(default_factory=list)


def token_for(expert: Expert) -> str:
    """The signed token of the expert's latest reconfirmation request."""
    assert expert.reconfirmation_sent_at is not None
    return signed_links.sign(
        SALT, expert=expert.id, sent=signed_links.stamp(expert.reconfirmation_sent_at)
    )


def link_for(expert: Expert) -> str:
    return f"{current_app.config['PUBLIC_URL']}/confirm/{token_for(expert)}"


def first_name(expert: Expert) -> str:
    return (expert.full_name.split() or [""])[0]


def _body(expert: Expert, link: str, valid_until: datetime) -> str:
    return gettext(
        "Dear %(name)s,\n\n"
        "%(organisation)s keeps you on the UN civilian capacity roster (civcap) and asks whether "
        "your availability is still current.\n\n"
        "Open this link to confirm your availability as it is, to change your availability "
        "dates or the ways you accept to be deployed, or to withdraw from the roster:\n\n"
        "%(link)s\n\n"
        "The link works once, until %(until)s; you need no account.\n"
        "If you did not expect this message, you can ignore it.\n",
        name=first_name(expert),
        organisation=expert.organisation.name,
        link=link,
        until=i18n.moment(valid_until),
    )


def language_for(expert: Expert, sender: User) -> str:
    """The language of the expert's email: the one of civcap's they hold best."""
    levels = {held.code: held.level for held in expert.languages}
    return i18n.best_held_language(levels, sender=i18n.language_of(sender))


@transaction("expert")
def send_reconfirmation(experts: Iterable[Expert], actor: User) -> Sending:
    """Email each expert a signed link to confirm their availability, in one transaction.

    Experts without an email address, or no longer on the roster, are skipped and reported.
    A new request replaces the link of an earlier one.
    """
    now = datetime.now(UTC)
    valid_until = now + link_lifetime()
    result = Sending()
    for expert in experts:
        if not is_on_roster(expert):
            result.skipped.append((expert, "no longer on the roster"))
            continue
        if not expert.email:
            result.skipped.append((expert, "no email address"))
            continue
        expert.reconfirmation_sent_at = now
        link = link_for(expert)
        with force_locale(language_for(expert, actor)):
            outbox.queue(
                "expert.reconfirmation",
                [expert.email],
                gettext("Is your availability for UN civilian deployments still current?"),
                _body(expert, link, valid_until),
            )
        audit.record(
            "expert.reconfirmation_sent",
            "expert",
            expert.id,
            actor=actor,
            after={
                "reconfirmation_sent_at": now.isoformat(),
                "link_valid_until": valid_until.isoformat(),
            },
            note=f"sent to {expert.email}",
        )
        result.sent.append(expert)
    return result


@dataclass(frozen=True)
class RequestState:
    """The latest reconfirmation request of an expert, as the focal point sees it."""

    sent_at: datetime
    valid_until: datetime
    answered: bool
    expired: bool


def _answered(expert: Expert) -> bool:
    sent, confirmed = expert.reconfirmation_sent_at, expert.availability_confirmed_at
    return sent is not None and confirmed is not None and confirmed >= sent


def request_state(expert: Expert, now: datetime | None = None) -> RequestState | None:
    if expert.reconfirmation_sent_at is None:
        return None
    sent_at = expert.reconfirmation_sent_at
    valid_until = sent_at + link_lifetime()
    return RequestState(sent_at, valid_until, _answered(expert), valid_until < now_or(now))


MESSAGES = {
    LinkProblem.EXPIRED: _l(
        "This link has expired. Please ask your member state's focal point for a new one."
    ),
    LinkProblem.INVALID: _l(
        "This link is not valid: it may have been cut or changed. Please open the link exactly "
        "as it is in the email."
    ),
    LinkProblem.USED: _l(
        "This link was already used: your answer is recorded. If something has changed since, "
        "please ask your member state's focal point for a new link."
    ),
    LinkProblem.REPLACED: _l(
        "This link was replaced by a newer one. Please use the link in the most recent email "
        "you received."
    ),
    LinkProblem.GONE: _l(
        "This profile is no longer on the roster, so there is nothing to confirm."
    ),
}


def verify(token: str) -> Expert:
    """The expert a link was sent to, if the link can still be answered; else LinkRefused."""
    payload = signed_links.read(SALT, token, ("expert", "sent"), link_lifetime(), MESSAGES)
    expert = db.session.get(Expert, payload["expert"])
    if expert is None or not is_on_roster(expert):
        raise LinkRefused(LinkProblem.GONE, MESSAGES)
    if expert.reconfirmation_sent_at is None:
        raise LinkRefused(LinkProblem.USED, MESSAGES)
    latest = signed_links.stamp(expert.reconfirmation_sent_at)
    if payload["sent"] < latest:
        raise LinkRefused(LinkProblem.REPLACED, MESSAGES)
    if payload["sent"] != latest:
        raise LinkRefused(LinkProblem.INVALID, MESSAGES)
    if _answered(expert):
        raise LinkRefused(LinkProblem.USED, MESSAGES)
    return expert
