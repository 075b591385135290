"""Each email of the outbox is a job: retried with exponential back-off while the SMTP server
(a real one, on loopback) is down, then delivered once; a message sent already is skipped."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from dramatiq import Message
from dramatiq.common import current_millis

from app.extensions import db
from app.jobs import enqueue, run_queued
from app.jobs.broker import jobs_of
from app.models import OutboxMessage
from app.notifications import outbox as mail
from tests.smtp import free_port


def retries_due(app) -> list[float]:
    """In how many seconds each waiting retry of a mail job comes."""
    queue = jobs_of(app).broker.queues["mail.DQ"]
    now = current_millis()
    return [(Message.decode(data).options["eta"] - now) / 1000 for data in list(queue.queue)]


def the_message() -> OutboxMessage:
    db.session.expire_all()
    [message] = db.session.scalars(sa.select(OutboxMessage))
    return message


@pytest.mark.parametrize("transport", ["smtp"])
def test_a_mail_job_is_retried_with_back_off_then_delivered_once(app, smtp, transport):
    app.config["JOBS_EMBEDDED_RUN"] = "manual"
    working = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()  # nothing listens there
    mail.queue("candidate.consultation", ["fp@gh.example"], "Release consultation", "Answer.")
    db.session.commit()

    assert run_queued() == 1
    first = the_message()
    assert first.status == "failed" and first.attempts == 1
    assert "could not reach the SMTP server" in first.last_error
    [wait] = retries_due(app)
    assert 29 <= wait <= 60  # 30 s, and Dramatiq's jitter adds up to as much again
    assert run_queued() == 0  # not before its back-off

    assert run_queued(delayed=True) == 1  # its time came: the server is still down
    assert the_message().attempts == 2
    [wait] = retries_due(app)
    assert 59 <= wait <= 120  # twice as long

    app.config["SMTP_PORT"] = working  # the server is back
    assert run_queued(delayed=True) == 1
    sent = the_message()
    assert sent.status == "sent" and sent.attempts == 3 and sent.last_error is None
    assert [e["To"] for e in smtp.emails()] == ["fp@gh.example"]
    assert retries_due(app) == []

    message_id = sent.id
    db.session.commit()
    enqueue(mail.deliver_message, message_id)  # the same job again (a redelivery)
    assert run_queued() == 1
    assert len(smtp.envelopes) == 1 and the_message().attempts == 3  # skipped: sent already


def test_the_catch_up_sends_only_what_no_job_holds(app, smtp):
    from datetime import UTC, datetime, timedelta

    app.config["JOBS_EMBEDDED_RUN"] = "manual"
    now = datetime.now(UTC)
    db.session.add_all(
        [
            OutboxMessage(event="t", recipient="new@example.org", subject="New", body="b"),
            OutboxMessage(
                event="t", recipient="lost@example.org", subject="Lost", body="b",
                created_at=now - timedelta(minutes=11),
            ),
            OutboxMessage(
                event="t", recipient="retrying@example.org", subject="Retrying", body="b",
                created_at=now - timedelta(hours=3), attempts=4,
                last_attempt_at=now - timedelta(minutes=30), last_error="421",
            ),
            OutboxMessage(
                event="t", recipient="gave-up@example.org", subject="Gave up", body="b",
                created_at=now - timedelta(days=1), attempts=8,
                last_attempt_at=now - timedelta(hours=2), last_error="421",
            ),
        ]
    )  # fmt: skip
    db.session.commit()
    mail.catch_up()
    assert sorted(e["To"] for e in smtp.emails()) == ["gave-up@example.org", "lost@example.org"]
