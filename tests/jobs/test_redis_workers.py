"""The job queue on a real Redis with real ``civcap worker`` processes: a job is sent when its
transaction commits and never when it rolls back; a worker killed mid-job (SIGKILL) leaves
its job to another, which runs it, and its effect (an email) happens once."""

from __future__ import annotations

import asyncio
import statistics
import threading
import time

import pytest
from aiosmtpd.controller import Controller

from app.extensions import db
from app.notifications import outbox as mail
from tests.jobs.workers import Process, environment, messages, on_queue, wait_for, worker
from tests.smtp import Inbox, free_port


def test_a_mail_job_reaches_redis_only_when_its_step_commits(app, on_redis):
    mail.queue("test", ["someone@example.org"], "Never", "Rolled back.")
    db.session.flush()
    db.session.rollback()
    assert on_queue(on_redis) == 0
    mail.queue("test", ["someone@example.org"], "Kept", "Committed.")
    db.session.flush()
    assert on_queue(on_redis) == 0  # not before the commit
    db.session.commit()
    assert on_queue(on_redis) == 1


class StallingInbox(Inbox):
    """Holds the first sender at MAIL FROM until released: a worker in the middle of its job."""

    def __init__(self) -> None:
        super().__init__()
        self.stalled = threading.Event()
        self.released = threading.Event()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if not self.stalled.is_set():
            self.stalled.set()
            while not self.released.is_set():
                await asyncio.sleep(0.01)
        envelope.mail_from = address
        return "250 OK"


@pytest.fixture
def stalling_smtp():
    inbox = StallingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    inbox.released.set()
    controller.stop()


def test_a_worker_killed_mid_job_leaves_it_to_another_and_the_mail_goes_once(
    app, on_redis, database_url, redis, stalling_smtp, tmp_path
):
    port, inbox = stalling_smtp
    env = environment(database_url, redis.url, port)
    mail.queue("test", ["fp@gh.example"], "Release consultation", "Please answer.")
    db.session.commit()
    [message] = messages()

    first = Process(["worker", "--processes", "1", "--threads", "1"], env, tmp_path / "a.log")
    try:
        wait_for(inbox.stalled.is_set, "SMTP connection from the first worker", first)
        first.kill()  # mid-job: connected to the SMTP server, the message not yet sent
    finally:
        first.stop()
    inbox.released.set()
    assert inbox.envelopes == []
    assert messages()[0].sent_at is None  # it died before recording anything
    assert on_queue(on_redis) == 1  # still held for the dead worker

    with worker(env, tmp_path / "b.log") as second:
        wait_for(lambda: inbox.envelopes, "email from the second worker", second)
        wait_for(lambda: on_queue(on_redis) == 0, "acknowledgement", second)
        time.sleep(3)  # more than a heartbeat timeout: nothing else comes
    assert [e.rcpt_tos for e in inbox.envelopes] == [["fp@gh.example"]]
    [sent] = messages()
    assert sent.id == message.id and sent.status == "sent"
    assert sent.attempts == 1  # the killed worker's attempt was never committed


def test_commit_to_delivery_through_a_redis_worker(
    app, on_redis, database_url, redis, smtp_server, tmp_path, capsys
):
    """The figure for the note: how long from a step's commit to its email in the mailbox."""
    controller, inbox = smtp_server
    env = environment(database_url, redis.url, controller.port)
    arrived: list[float] = []
    handle = inbox.handle_DATA

    async def timed(server, session, envelope):
        arrived.append(time.perf_counter())
        return await handle(server, session, envelope)

    inbox.handle_DATA = timed
    delays = []
    with worker(env, tmp_path / "worker.log") as process:
        mail.queue("test", ["warm-up@example.org"], "Warm-up", "First.")
        db.session.commit()
        wait_for(lambda: len(arrived) == 1, "warm-up email", process)
        for n in range(20):
            time.sleep(0.2)  # an idle worker polls Redis less often, as in real use
            mail.queue("test", [f"person{n}@example.org"], f"Message {n}", "Body.")
            committed = time.perf_counter()
            db.session.commit()
            wait_for(lambda n=n: len(arrived) == n + 2, f"email {n}", process)
            delays.append((arrived[-1] - committed) * 1000)
        wait_for(lambda: all(m.status == "sent" for m in messages()), "all marked sent", process)
    with capsys.disabled():
        print(
            f"\n[{db.engine.dialect.name}] commit to email via Redis worker, 20 messages: "
            f"median {statistics.median(delays):.0f} ms, "
            f"p90 {statistics.quantiles(delays, n=10)[-1]:.0f} ms, max {max(delays):.0f} ms"
        )
