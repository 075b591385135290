"""Notifications by email, through a transactional outbox.

A service that makes a workflow step calls :func:`queue` before it commits: the messages are
rows of ``outbox_messages`` in the same transaction, so they exist exactly when the step does.
Each message is delivered by a job (:func:`deliver_message`, by id) sent when that transaction
commits (``init_app`` registers the hook), never when it rolls back. A message that could not
be delivered keeps its error, is shown to admins and is retried: by its job, with exponential
back-off; by the scheduled catch-up (:func:`catch_up`) for one no job holds any more; by
``civcap send-mail`` or the admin's "Retry" button. A mail failure never undoes a step.

With ``MAIL_TRANSPORT = "outbox"`` (development and tests) nothing leaves the machine: the
messages stay in the outbox, where an admin reads them.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.common.transaction import transaction
from app.extensions import db
from app.jobs import enqueue, job
from app.models import OutboxMessage

log = logging.getLogger(__name__)

_QUEUED = "civcap.outbox.queued"  # messages added in the current transaction

# A message's job tries again after 30 s, 1, 2, 4… minutes (Dramatiq adds up to as much again
# at random), at most an hour apart, 8 times;
# the catch-up takes over a message that no job has tried for longer than that.
MAIL_RETRIES, MAIL_MIN_BACKOFF_S, MAIL_MAX_BACKOFF_S = 8, 30, 3600
CATCH_UP_NEW = timedelta(minutes=10)  # a message no job tried (its job was lost)
CATCH_UP_TRIED = timedelta(seconds=MAIL_MAX_BACKOFF_S) + CATCH_UP_NEW


SUBJECT_LENGTH = 300  # OutboxMessage.subject
# The signed links of emails (a reconfirmation link lets its holder answer for the expert, an
# invitation or reset link sets the account's password): readers of the outbox see that there
# is one, never its token.
_SIGNED_LINK = re.compile(r"(/confirm/|/ready/|/account/set-password/)[^\s]+")


def readable_body(message: OutboxMessage) -> str:
    """The message as an admin may read it: every signed link's token hidden."""
    return _SIGNED_LINK.sub(r"\1[token hidden: only its recipient may use this link]", message.body)


def queue(event_name: str, recipients: Iterable[str], subject: str, body: str) -> int:
    """Add one message per distinct recipient to the current transaction; returns how many."""
    # One line that fits its column: a title with a line break must not make the email
    # unsendable, nor long names make the step's own commit fail.
    subject = " ".join(subject.split())[:SUBJECT_LENGTH]
    count = 0
    for recipient in dict.fromkeys(r.strip() for r in recipients if r and r.strip()):
        message = OutboxMessage(event=event_name, recipient=recipient, subject=subject, body=body)
        db.session.add(message)
        db.session.info.setdefault(_QUEUED, []).append(message)
        count += 1
    return count


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    kept: int = 0  # left in the outbox by the "outbox" transport
    last_id: int = 0  # the highest message id tried (``deliver_pending`` goes on after it)

    @property
    def tried(self) -> int:
        return self.sent + self.failed + self.kept

    def add(self, other: Delivery) -> None:
        self.sent, self.failed, self.kept = (
            self.sent + other.sent,
            self.failed + other.failed,
            self.kept + other.kept,
        )


@transaction("notification")
def deliver(messages: Sequence[OutboxMessage]) -> Delivery:
    """Try to send ``messages`` (committed rows) now; record the outcome of each and commit.

    Never raises for a mail problem: failures are written on the message.
    """
    result = Delivery()
    pending = [m for m in messages if m.sent_at is None]
    if not pending:
        return result
    config = current_app.config
    if config["MAIL_TRANSPORT"] == "outbox":
        result.kept = len(pending)
        return result
    now = datetime.now(UTC)
    for message in pending:
        message.attempts += 1
        message.last_attempt_at = now
    try:
        with _connect(config) as smtp:
            for message in pending:
                try:
                    smtp.send_message(_email(message, config["MAIL_FROM"]))
                except (smtplib.SMTPException, OSError) as exc:
                    message.last_error = _describe(exc)
                    result.failed += 1
                else:
                    message.sent_at, message.last_error = datetime.now(UTC), None
                    result.sent += 1
    except (smtplib.SMTPException, OSError) as exc:
        error = f"could not reach the SMTP server {config['SMTP_HOST']}:{config['SMTP_PORT']}: "
        for message in pending:
            if message.sent_at is None:
                message.last_error = error + _describe(exc)
        result.failed = sum(1 for m in pending if m.sent_at is None)
        result.sent = len(pending) - result.failed
    if result.failed:
        log.warning("%d notification(s) not delivered; they stay in the outbox", result.failed)
    return result


def deliver_pending(
    limit: int = 200, after_id: int = 0, *, only: sa.ColumnElement[bool] | None = None
) -> Delivery:
    """Retry up to ``limit`` messages not yet sent, oldest first, with ids above ``after_id``
    (and matching ``only``).

    For ``civcap send-mail`` (which goes on from the returned ``last_id``, so that a message
    failing again is not retried twice in one run), the admin's "Retry" button and the
    catch-up. Messages another sender holds (a job sending them) are left to it.
    """
    query = sa.select(OutboxMessage).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.id > after_id
    )
    if only is not None:
        query = query.where(only)
    messages = db.session.scalars(
        query.order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True)
    ).all()
    last_id = messages[-1].id if messages else after_id
    result = deliver(messages)
    result.last_id = last_id
    return result


def deliver_every_pending(
    batch_size: int = 200, *, only: sa.ColumnElement[bool] | None = None
) -> Delivery:
    """Try every message not yet sent (matching ``only``), ``batch_size`` at a time, each at
    most once in this run (one failing again is not retried at once)."""
    total = Delivery()
    while True:
        batch = deliver_pending(limit=batch_size, after_id=total.last_id, only=only)
        if not batch.tried:
            return total
        total.add(batch)
        total.last_id = batch.last_id


class MailNotDelivered(RuntimeError):
    """A message's delivery failed (its error is on the message): its job is tried again."""


@job(
    queue="mail",
    max_retries=MAIL_RETRIES,
    time_limit_s=300,
    min_backoff_s=MAIL_MIN_BACKOFF_S,
    max_backoff_s=MAIL_MAX_BACKOFF_S,
)
def deliver_message(message_id: int) -> None:
    """Deliver one message of the outbox, once: one sent already is skipped, and one that
    another sender holds (``civcap send-mail``, another worker) is left to it."""
    message = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .with_for_update(skip_locked=True)
    ).first()
    if message is None or message.sent_at is not None:
        db.session.rollback()
        return
    if deliver([message]).failed:
        # Only the id: the error, kept on the message, may name its recipient.
        raise MailNotDelivered(f"outbox message {message_id} not delivered; tried again later")


def abandoned(now: datetime | None = None) -> sa.ColumnElement[bool]:
    """Messages no job is trying any more: never tried for a while (their job was lost), or
    not tried for longer than a job's longest back-off (it gave up)."""
    now = now or datetime.now(UTC)
    return sa.or_(
        sa.and_(
            OutboxMessage.last_attempt_at.is_(None),
            OutboxMessage.created_at < now - CATCH_UP_NEW,
        ),
        OutboxMessage.last_attempt_at < now - CATCH_UP_TRIED,
    )


@job(queue="mail", max_retries=0, time_limit_s=1800)
def catch_up() -> None:
    """Every few minutes (the scheduler): deliver the messages whose job was lost or gave up."""
    total = deliver_every_pending(only=abandoned())
    if total.tried:
        log.info("mail catch-up: sent %d, failed %d, kept %d", total.sent, total.failed, total.kept)


# ---- what the admin's outbox page shows --------------------------------------------------

STATUSES = ("waiting", "failed", "sent")  # OutboxMessage.status
STATUS_LABELS = {"waiting": _l("waiting"), "failed": _l("failed"), "sent": _l("sent")}


def status_label(status: str) -> str:
    """A message's status in the reader's language."""
    return str(STATUS_LABELS.get(status, status))


def _status_is(status: str) -> sa.ColumnElement[bool]:
    if status == "sent":
        return OutboxMessage.sent_at.is_not(None)
    unsent = OutboxMessage.sent_at.is_(None)
    if status == "failed":
        return sa.and_(unsent, OutboxMessage.last_error.is_not(None))
    return sa.and_(unsent, OutboxMessage.last_error.is_(None))


def messages(status: str | None = None) -> sa.Select[tuple[OutboxMessage]]:
    """The outbox, newest first, of one status (``STATUSES``) or all (for a pager)."""
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())
    return query.where(_status_is(status)) if status in STATUSES else query


def status_counts() -> dict[str, int]:
    return {
        status: int(
            db.session.scalar(
                sa.select(sa.func.count()).select_from(OutboxMessage).where(_status_is(status))
            )
            or 0
        )
        for status in STATUSES
    }


def _connect(config: dict[str, Any]) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"])
    try:
        if config["SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(idstring=f"civcap-{message.id}")
    email.set_content(message.body)
    return email


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


# ---- a job for each message, sent when the step that queued it commits ------------------


def _before_commit(session: Session) -> None:
    queued = session.info.pop(_QUEUED, [])
    if not queued:
        return
    session.flush()  # the messages' ids, for their jobs
    for message in queued:
        if sa.inspect(message).persistent:
            enqueue(deliver_message, message.id)


def _after_rollback(session: Session) -> None:
    session.info.pop(_QUEUED, None)


def init_app(app: Flask) -> None:
    if not event.contains(Session, "before_commit", _before_commit):
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_rollback", _after_rollback)

    app.jinja_env.globals["status_label"] = status_label
