"""Notifications by email, through a transactional outbox.

A service that makes a workflow step calls :func:`queue` before it commits: the messages are
rows of ``outbox_messages`` in the same transaction, so they exist exactly when the step does.
After the commit, the web request delivers what it queued (``init_app`` registers the hook);
a message that could not be delivered keeps its error, is shown to admins and is retried by
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
from datetime import UTC, datetime
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
from app.models import OutboxMessage

log = logging.getLogger(__name__)

_QUEUED = "civcap.outbox.queued"  # messages added in the current transaction
_READY = "civcap.outbox.ready"  # ids of messages whose transaction committed


SUBJECT_LENGTH = 300  # OutboxMessage.subject
# The signed links of emails (a reconfirmation link lets its holder answer for the expert, an
# invitation or reset link sets the account's password): readers of the outbox see that there
# is one, never its token.
_SIGNED_LINK = re.compile(r"(/confirm/|/account/set-password/)[^\s]+")


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


def deliver_pending(limit: int = 200, after_id: int = 0) -> Delivery:
    """Retry up to ``limit`` messages not yet sent, oldest first, with ids above ``after_id``.

    For ``civcap send-mail`` (which goes on from the returned ``last_id``, so that a message
    failing again is not retried twice in one run) and the admin's "Retry" button.
    """
    messages = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.id > after_id)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    last_id = messages[-1].id if messages else after_id
    result = deliver(messages)
    result.last_id = last_id
    return result


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


# ---- delivery after the commit of the step that queued the messages ----------------------


def _after_commit(session: Session) -> None:
    queued = session.info.pop(_QUEUED, [])
    ready = session.info.setdefault(_READY, [])
    for message in queued:
        identity = sa.inspect(message).identity
        if identity is not None:
            ready.append(identity[0])


def _after_rollback(session: Session) -> None:
    session.info.pop(_QUEUED, None)


def deliver_ready() -> Delivery:
    """Deliver what committed steps queued in this session (called after each web request)."""
    ids = db.session.info.pop(_READY, [])
    if not ids:
        return Delivery()
    try:
        # Locked like deliver_pending's, so that a `civcap send-mail` running meanwhile
        # does not send the same messages a second time.
        messages = db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .with_for_update(skip_locked=True)
        ).all()
        return deliver(messages)
    except Exception:  # the step is saved; the messages wait in the outbox for a retry
        db.session.rollback()
        log.exception("delivering notifications failed; they stay in the outbox")
        return Delivery(failed=len(ids))


def init_app(app: Flask) -> None:
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)

    app.jinja_env.globals["status_label"] = status_label

    @app.after_request
    def send_notifications(response: Any) -> Any:
        deliver_ready()
        return response
