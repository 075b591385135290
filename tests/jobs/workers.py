"""``civcap worker`` and ``civcap scheduler`` as real processes for the tests, on the test's
database, the test run's Redis and a loopback SMTP server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import OutboxMessage
from tests.smtp import PUBLIC_URL

CIVCAP = str(Path(sys.executable).parent / "civcap")


def environment(database_url: str, redis_url: str, smtp_port: int | None) -> dict[str, str]:
    env = {
        **os.environ,
        "CIVCAP_ENV": "testing",
        "DATABASE_URL": database_url,
        "CIVCAP_JOBS_BROKER_URL": redis_url,
        # A worker silent for 2 s is dead, and every Redis command looks for such workers.
        "CIVCAP_JOBS_HEARTBEAT_SECONDS": "2",
        "CIVCAP_JOBS_MAINTENANCE_CHANCE": "1000000",
        "CIVCAP_PUBLIC_URL": PUBLIC_URL,
        "MAIL_FROM": "civcap <no-reply@civcap.example.org>",
    }
    if smtp_port is not None:
        env.update(
            CIVCAP_MAIL_TRANSPORT="smtp",
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(smtp_port),
            SMTP_TIMEOUT="30",
        )
    return env


class Process:
    """A civcap command in a process group of its own (the worker forks its processes)."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self.log = log
        with log.open("wb") as out:
            self.popen = subprocess.Popen(
                [CIVCAP, *args], env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL to every process of the group: no clean-up, no acknowledgement."""
        os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self) -> int:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.popen.returncode


@contextmanager
def worker(env: dict[str, str], log: Path, *options: str) -> Iterator[Process]:
    process = Process(["worker", "--processes", "1", "--threads", "2", *options], env, log)
    try:
        yield process
    finally:
        process.stop()


def wait_for(condition: Callable[[], object], what: str, process: Process, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if process.popen.poll() is not None:
            raise AssertionError(f"the worker stopped before {what}:\n{process.output()}")
        time.sleep(0.01)
    raise AssertionError(f"no {what} within {seconds} s; the worker said:\n{process.output()}")


def on_queue(broker, queue: str = "mail") -> int:
    """Messages Redis holds for ``queue``: waiting, delayed or held by a worker."""
    return int(broker.client.hlen(f"civcap:{queue}.msgs")) + int(
        broker.client.hlen(f"civcap:{queue}.DQ.msgs")
    )


def messages() -> list[OutboxMessage]:
    db.session.expire_all()
    found = list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
    db.session.commit()  # hold no read transaction while the workers write
    return found
