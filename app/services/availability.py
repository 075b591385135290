"""Availability that is current: when a profile is stale, and the signed links by which an
expert confirms their availability, changes it or withdraws, without an account.

A focal point asks (``send_reconfirmation``): each expert gets an email with a link signed
with SECRET_KEY that expires after RECONFIRM_LINK_DAYS. The link names the expert and the time
of the request it answers (``reconfirmation_sent_at``), so it works for one answer only: a
newer request replaces it, and an answer (``confirm``, ``change``, ``withdraw``) uses it up.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from app.extensions import db
from app.models import Expert, ExpertStatus, User
from app.models.expert import ExpertModality
from app.services import audit, mail
from app.services import experts as expert_service
from app.services.errors import FieldError, ValidationFailed, commit_or_conflict

SALT = "civcap-reconfirm"
ACTOR_LABEL = "expert (reconfirmation link)"
# Withdrawn and merged records are kept for history but are no longer on the roster.
ON_ROSTER = (ExpertStatus.ACTIVE, ExpertStatus.UNAVAILABLE)
CHANGEABLE = ("available_from", "available_until", "modalities")


def as_utc(moment: datetime) -> datetime:
    """A stored time in UTC (SQLite hands back naive UTC, PostgreSQL the session's zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _now(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else as_utc(now)


# ---- stale profiles ----------------------------------------------------------------------


def stale_after() -> timedelta:
    return timedelta(days=int(current_app.config["STALE_AFTER_DAYS"]))


def link_lifetime() -> timedelta:
    return timedelta(days=int(current_app.config["RECONFIRM_LINK_DAYS"]))


def is_on_roster(expert: Expert) -> bool:
    return expert.status in ON_ROSTER and expert.erased_at is None


def is_stale(expert: Expert, now: datetime | None = None) -> bool:
    """Whether an expert on the roster has not confirmed their availability for longer than
    STALE_AFTER_DAYS (or never did). Exactly STALE_AFTER_DAYS ago is not yet stale."""
    if not is_on_roster(expert):
        return False
    confirmed = expert.availability_confirmed_at
    return confirmed is None or as_utc(confirmed) < _now(now) - stale_after()


def stale_condition(now: datetime | None = None) -> sa.ColumnElement[bool]:
    """``is_stale`` as SQL, for lists, counts and the suggestions page."""
    cutoff = _now(now) - stale_after()
    return sa.and_(
        Expert.status.in_(ON_ROSTER),
        Expert.erased_at.is_(None),
        sa.or_(
            Expert.availability_confirmed_at.is_(None),
            Expert.availability_confirmed_at < cutoff,
        ),
    )


def stale_experts(organisation_id: int, now: datetime | None = None) -> sa.Select[tuple[Expert]]:
    """An organisation's stale experts, by name."""
    return (
        sa.select(Expert)
        .where(Expert.organisation_id == organisation_id, stale_condition(now))
        .order_by(Expert.full_name, Expert.id)
    )


@dataclass(frozen=True)
class StaleCount:
    stale: int
    without_email: int


def stale_count(organisation_id: int, now: datetime | None = None) -> StaleCount:
    no_email = sa.or_(Expert.email.is_(None), Expert.email == "")
    row = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(sa.case((no_email, 1), else_=0)), 0),
        ).where(Expert.organisation_id == organisation_id, stale_condition(now))
    ).one()
    return StaleCount(stale=int(row[0]), without_email=int(row[1]))


# ---- asking the expert -------------------------------------------------------------------


@dataclass
class Sending:
    """What ``send_reconfirmation`` did: who was asked, who not and why."""

    sent: list[Expert] = field(default_factory=list)
    skipped: list[tuple[Expert, str]] = field(default_factory=list)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _stamp(moment: datetime) -> int:
    """A time as whole microseconds since the epoch: exact, whatever the database returns."""
    return (as_utc(moment) - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def token_for(expert: Expert) -> str:
    """The signed token of the expert's latest reconfirmation request."""
    assert expert.reconfirmation_sent_at is not None
    return _serializer().dumps({"expert": expert.id, "sent": _stamp(expert.reconfirmation_sent_at)})


def link_for(expert: Expert) -> str:
    return f"{current_app.config['PUBLIC_URL']}/confirm/{token_for(expert)}"


def first_name(expert: Expert) -> str:
    return (expert.full_name.split() or [""])[0]


def _body(expert: Expert, link: str, valid_until: datetime) -> str:
    return (
        f"Dear {first_name(expert)},\n\n"
        f"{expert.organisation.name} keeps you on the UN civilian capacity roster (civcap) and "
        "asks whether your availability is still current.\n\n"
        "Open this link to confirm your availability as it is, to change your availability "
        "dates or the ways you accept to be deployed, or to withdraw from the roster:\n\n"
        f"{link}\n\n"
        f"The link works once, until {valid_until:%d %B %Y, %H:%M} UTC; you need no account.\n"
        "If you did not expect this message, you can ignore it.\n"
    )


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
        mail.queue(
            "expert.reconfirmation",
            [expert.email],
            "Is your availability for UN civilian deployments still current?",
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
    commit_or_conflict("expert")
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
    return sent is not None and confirmed is not None and as_utc(confirmed) >= as_utc(sent)


def request_state(expert: Expert, now: datetime | None = None) -> RequestState | None:
    if expert.reconfirmation_sent_at is None:
        return None
    sent_at = as_utc(expert.reconfirmation_sent_at)
    valid_until = sent_at + link_lifetime()
    return RequestState(sent_at, valid_until, _answered(expert), valid_until < _now(now))


# ---- the expert's answer -----------------------------------------------------------------


class LinkProblem(enum.StrEnum):
    EXPIRED = "expired"
    INVALID = "invalid"
    USED = "used"
    REPLACED = "replaced"
    GONE = "gone"


MESSAGES = {
    LinkProblem.EXPIRED: "This link has expired. Please ask your member state's focal point "
    "for a new one.",
    LinkProblem.INVALID: "This link is not valid: it may have been cut or changed. Please open "
    "the link exactly as it is in the email.",
    LinkProblem.USED: "This link was already used: your answer is recorded. If something has "
    "changed since, please ask your member state's focal point for a new link.",
    LinkProblem.REPLACED: "This link was replaced by a newer one. Please use the link in the "
    "most recent email you received.",
    LinkProblem.GONE: "This profile is no longer on the roster, so there is nothing to confirm.",
}


class LinkRefused(Exception):
    """A reconfirmation link that cannot be used; nothing was changed."""

    def __init__(self, problem: LinkProblem):
        super().__init__(MESSAGES[problem])
        self.problem = problem

    @property
    def status(self) -> int:
        return 400 if self.problem is LinkProblem.INVALID else 410


def verify(token: str) -> Expert:
    """The expert a link was sent to, if the link can still be answered; else LinkRefused."""
    try:
        payload: Any = _serializer().loads(token, max_age=int(link_lifetime().total_seconds()))
    except SignatureExpired:
        raise LinkRefused(LinkProblem.EXPIRED) from None
    except BadData:
        raise LinkRefused(LinkProblem.INVALID) from None
    if not (
        isinstance(payload, dict)
        and isinstance(payload.get("expert"), int)
        and isinstance(payload.get("sent"), int)
    ):
        raise LinkRefused(LinkProblem.INVALID)
    expert = db.session.get(Expert, payload["expert"])
    if expert is None or not is_on_roster(expert):
        raise LinkRefused(LinkProblem.GONE)
    if expert.reconfirmation_sent_at is None:
        raise LinkRefused(LinkProblem.USED)
    latest = _stamp(expert.reconfirmation_sent_at)
    if payload["sent"] < latest:
        raise LinkRefused(LinkProblem.REPLACED)
    if payload["sent"] != latest:
        raise LinkRefused(LinkProblem.INVALID)
    if _answered(expert):
        raise LinkRefused(LinkProblem.USED)
    return expert


@dataclass
class AvailabilityChange:
    """What an expert may change through the link: the window and the modalities."""

    available_from: date | None
    available_until: date | None
    modalities: list[str] = field(default_factory=list)


def validate_change(expert: Expert, new: AvailabilityChange) -> list[FieldError]:
    """The roster form's rules on the window and modalities (``experts.validate``)."""
    data = expert_service.ExpertData(
        full_name=expert.full_name,
        nationality=expert.nationality,
        title=expert.title,
        available_from=new.available_from,
        available_until=new.available_until,
        modalities=new.modalities,
        consent=True,
    )
    errors = expert_service.validate(data, known_areas=set())
    return [e for e in errors if e.field.split("[")[0] in CHANGEABLE]


def _record(expert: Expert) -> dict[str, Any]:
    confirmed, withdrawn = expert.availability_confirmed_at, expert.withdrawn_at
    return expert_service.snapshot(expert) | {
        "availability_confirmed_at": as_utc(confirmed).isoformat() if confirmed else None,
        "withdrawn_at": as_utc(withdrawn).isoformat() if withdrawn else None,
    }


def _answer(expert: Expert, action: str, before: dict[str, Any], now: datetime) -> None:
    # updated_at moves with every answer: the matching index follows it (services/matching.py).
    expert.updated_at = now
    after = _record(expert)
    audit.record(action, "expert", expert.id, actor_label=ACTOR_LABEL, before=before, after=after)
    commit_or_conflict("expert")


def confirm(expert: Expert) -> None:
    """The expert confirms their availability as it is."""
    before, now = _record(expert), datetime.now(UTC)
    expert.availability_confirmed_at = now
    _answer(expert, "expert.availability_confirmed", before, now)


def change(expert: Expert, new: AvailabilityChange) -> None:
    """The expert gives a new window and/or modalities; that also confirms the availability."""
    errors = validate_change(expert, new)
    if errors:
        raise ValidationFailed(errors)
    assert new.available_from is not None  # validated
    before, now = _record(expert), datetime.now(UTC)
    expert.available_from = new.available_from
    expert.available_until = new.available_until
    modalities = list(dict.fromkeys(new.modalities))
    if sorted(modalities) != sorted(m.modality for m in expert.modalities):
        expert.modalities = [ExpertModality(modality=m) for m in modalities]
    expert.availability_confirmed_at = now
    unchanged = audit.changed_fields(before, _record(expert)) == ["availability_confirmed_at"]
    action = "expert.availability_confirmed" if unchanged else "expert.availability_changed"
    _answer(expert, action, before, now)


def withdraw(expert: Expert) -> None:
    """The expert leaves the roster (``civcap purge`` erases them after the retention period)."""
    before, now = _record(expert), datetime.now(UTC)
    expert.status = ExpertStatus.WITHDRAWN
    expert.withdrawn_at = now
    _answer(expert, "expert.withdrawn", before, now)
