"""Jobs: work done outside the web request, on a queue (Dramatiq).

A feature declares a job with :func:`job` at module level and queues it with :func:`enqueue`
inside the operation's transaction: the job is sent when that transaction commits, never when
it rolls back. A job runs in a worker, in an app context with its own database session; its
arguments are JSON values (ids, not objects), and it may run more than once (a retry after an
error, or again after its worker died), so its effect must check what is already done.

Where the jobs run (``CIVCAP_JOBS_BROKER_URL``, ``app.jobs.broker``): on Redis, in
``civcap worker`` processes, a message a killed worker held being given to another after the
heartbeat timeout, failures retried with exponential back-off; or, with no URL, on the
embedded queue in threads of the process that queued them (``make run``). Tests run embedded
jobs at once in the committing thread, or when they call :func:`run_queued`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db
from app.jobs import broker as brokers
from app.jobs.registry import JobSpec, declare, spec_of

__all__ = ["job", "enqueue", "enqueue_now", "run_queued", "init_app", "JobSpec"]

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

_PENDING = "civcap.jobs.pending"  # (spec, args) queued in the open transaction
_COMMITTED = "civcap.jobs.committed"  # those whose transaction committed, sent when it ends


def job(
    *,
    queue: str = "default",
    max_retries: int = 5,
    time_limit_s: int = 3600,
    min_backoff_s: float = 15,
    max_backoff_s: float = 3600,
) -> Callable[[F], F]:
    """Declare a job function (module level). It runs in an app context with its own
    database session, in a worker; its arguments are JSON values (ids, not objects)."""

    def decorate(fn: F) -> F:
        declare(
            JobSpec(
                fn=fn,
                queue=queue,
                max_retries=max_retries,
                time_limit_s=time_limit_s,
                min_backoff_s=min_backoff_s,
                max_backoff_s=max_backoff_s,
            )
        )
        return fn

    return decorate


def enqueue(fn: Callable[..., Any], *args: Any) -> None:
    """Send a job for ``fn(*args)`` once the current database transaction commits (at once
    when none is open); never for a transaction that rolls back."""
    spec, sent = _checked(fn, args)
    session = db.session()
    if session.in_transaction():
        session.info.setdefault(_PENDING, []).append((spec, sent))
    else:
        brokers.send(spec, sent)


def enqueue_now(fn: Callable[..., Any], *args: Any) -> None:
    """Send a job for ``fn(*args)`` now, whatever the open transaction does: for work that
    reads only what is committed already and that no step of this transaction decides (a
    worker asking for a new matching index while it serves a page)."""
    brokers.send(*_checked(fn, args))


def _checked(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[JobSpec, list[Any]]:
    spec = spec_of(fn)
    try:
        sent = json.loads(json.dumps(list(args), allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"the arguments of job {spec.name} must be JSON values: {exc}") from None
    if sent != list(args):  # a tuple or a non-string key would arrive as something else
        raise TypeError(f"the arguments of job {spec.name} do not survive JSON unchanged")
    return spec, sent


def run_queued(*, delayed: bool = False) -> int:
    """Run what waits on the embedded queue to completion, in this thread; returns how many
    jobs ran. With ``delayed=True`` the retries waiting for their back-off run too, as if their
    time had come (the retries this run makes wait for theirs). For tests and the embedded
    queue only."""
    return brokers.run_queued(delayed=delayed)


def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    if pending:
        session.info.setdefault(_COMMITTED, []).extend(pending)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:  # a savepoint: the outer transaction decides
        return
    dropped = session.info.pop(_PENDING, [])
    if dropped:
        log.info(
            "%d job(s) not sent: their transaction did not commit (%s)",
            len(dropped),
            ", ".join(sorted({spec.name for spec, _ in dropped})),
        )
    # Sent once the transaction has ended and released its connection, so that a job run at
    # once (tests, the embedded queue) finds the database as any other session would.
    for spec, args in session.info.pop(_COMMITTED, []):
        brokers.send(spec, args)


def init_app(app: Flask) -> None:
    brokers.init_app(app)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_transaction_end", _after_transaction_end)
