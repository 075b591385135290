"""The daily digest: one email a day to each staff member something waits for (``awaiting``),
through the outbox, in their language. A person gets at most one a day: the outbox already
holding their message of the day (event ``digest:YYYY-MM-DD``) sends no other, however often
the job runs."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from app.assignments import ending
from app.assignments.ending import ENDING_WITHIN_DAYS
from app.common import i18n
from app.common.transaction import transaction
from app.digests.awaiting import CONSULTATION_DUE_DAYS, Awaiting, awaiting
from app.extensions import db
from app.jobs import job
from app.models import Candidate, OutboxMessage, Role, User
from app.notifications import outbox

log = logging.getLogger(__name__)

STAFF = (Role.HR_REVIEWER, Role.FOCAL_POINT, Role.ADMIN)
MOST_LINES = 20  # per part of a digest; the rest is "and N more" (the page has them all)


def event_of(day: date) -> str:
    return f"digest:{day.isoformat()}"


@job(queue="maintenance", max_retries=3, min_backoff_s=60)
def send_digests() -> None:
    """Daily (the scheduler): queue today's digest of every staff member who has one due."""
    day = datetime.now(UTC).date()
    ids = db.session.scalars(
        sa.select(User.id)
        .where(User.role.in_(STAFF), User.active.is_(True), User.password_hash.is_not(None))
        .order_by(User.id)
    ).all()
    db.session.rollback()
    sent = sum(send_digest(user_id, day) for user_id in ids)
    log.info("daily digest: %d of %d staff member(s) had something waiting", sent, len(ids))


def send_digest(user_id: int, day: date) -> bool:
    """Queue ``day``'s digest for one person unless it is queued already or nothing waits."""
    with transaction("digest"):
        # Locked: two digest jobs at once (two schedulers) write one message, not two.
        user = db.session.get(User, user_id, with_for_update=True)
        if user is None or not user.active or user.role not in STAFF:
            return False
        already = db.session.scalar(
            sa.select(OutboxMessage.id).where(
                OutboxMessage.event == event_of(day), OutboxMessage.recipient == user.email
            )
        )
        if already is not None:
            return False
        found = awaiting(user)
        if not found.count:
            return False
        with i18n.in_language_of(user):
            subject, body = write(found)
        outbox.queue(event_of(day), [user.email], subject, body)
        ending.told(found.ending, day)
    return True


def _link(path: str) -> str:
    return str(current_app.config["PUBLIC_URL"]) + path


def _lines(items: Iterable[str]) -> list[str]:
    items = list(items)
    lines = [f"- {item}" for item in items[:MOST_LINES]]
    if len(items) > MOST_LINES:
        lines.append(_("- and %(num)d more", num=len(items) - MOST_LINES))
    return lines


def _candidate(candidate: Candidate) -> str:
    return _(
        "%(title)s: %(name)s, since %(day)s",
        title=candidate.request.title,
        name=candidate.expert.full_name,
        day=i18n.day(candidate.updated_at.date()),
    )


def write(found: Awaiting) -> tuple[str, str]:
    """The digest's subject and body, in the current language."""
    parts: list[list[str]] = []
    if found.to_select:
        parts.append(
            [_("Recommended by another HR reviewer, waiting for a second reviewer's selection:")]
            + _lines(_candidate(c) for c in found.to_select)
        )
    if found.overdue_consultations:
        parts.append(
            [
                _(
                    "Release consultations unanswered for more than %(days)d days:",
                    days=CONSULTATION_DUE_DAYS,
                )
            ]
            + _lines(_candidate(c) for c in found.overdue_consultations)
        )
    if found.to_accept:
        parts.append(
            [_("Requests submitted, waiting to be accepted:")]
            + _lines(
                f"{r.title} ({r.organisation.name}): {_link(f'/review/requests/{r.id}')}"
                for r in found.to_accept
            )
        )
    if found.to_select or found.overdue_consultations:
        parts.append([_("The requests: %(link)s", link=_link("/review/requests"))])
    if found.to_answer:
        parts.append(
            [_("Release consultations waiting for your answer:")]
            + _lines(_candidate(c) for c in found.to_answer)
            + [_("Answer them: %(link)s", link=_link("/outreach/consultations"))]
        )
    if found.ending:
        parts.append(
            [_("Assignments ending within %(days)d days:", days=ENDING_WITHIN_DAYS)]
            + _lines(
                _(
                    "%(title)s: %(name)s, ends on %(day)s",
                    title=c.request.title,
                    name=c.expert.full_name,
                    day=i18n.day(c.ends_on),
                )
                for c in found.ending
            )
        )
    if found.failed_mail:
        parts.append(
            [
                ngettext(
                    "%(num)d notification could not be delivered: %(link)s",
                    "%(num)d notifications could not be delivered: %(link)s",
                    found.failed_mail,
                    link=_link("/admin/outbox?status=failed"),
                )
            ]
        )
    subject = ngettext(
        "[civcap] %(num)d thing waits for you", "[civcap] %(num)d things wait for you", found.count
    )
    body = "\n\n".join("\n".join(part) for part in parts)
    footer = _("civcap sends this summary once a day, when something waits for you.")
    return subject, f"{body}\n\n{footer}\n"
