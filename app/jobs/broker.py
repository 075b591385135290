"""Each app's Dramatiq broker, made from its configuration the first time a job is sent.

``JOBS_BROKER_URL`` set: a Redis broker (acknowledged messages: the jobs a dead worker held are
given back to the queue by the maintenance of another once its heartbeat is older than
``JOBS_HEARTBEAT_SECONDS``), run by ``civcap worker``. Empty: Dramatiq's in-memory broker, the
embedded queue, run in this process as ``JOBS_EMBEDDED_RUN`` says: ``thread`` (a Dramatiq
worker with a few threads, started with the first job; ``make run``), ``inline`` (tests: in
the thread that committed, at once) or ``manual`` (only when ``run_queued`` is called).
Either way the same middleware run the jobs: retries with exponential back-off, time limits.
"""

from __future__ import annotations

import atexit
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.common import current_millis, join_queue, q_name
from dramatiq.middleware import SkipMessage, default_middleware
from flask import Flask, current_app

from app.jobs.registry import JobSpec, actor_for, declare_all

log = logging.getLogger(__name__)

_EXTENSION = "civcap.jobs"
EXIT_WAIT_S = 10  # how long an embedded queue's process waits, as it exits, for its jobs


@dataclass
class Jobs:
    """One app's queue: its broker and, embedded, the worker threads running it."""

    app: Flask
    _broker: dramatiq.Broker | None = None
    _worker: dramatiq.Worker | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def embedded(self) -> bool:
        return not self.app.config["JOBS_BROKER_URL"]

    @property
    def broker(self) -> dramatiq.Broker:
        with self._lock:
            if self._broker is None:
                self._broker = make_broker(self.app.config)
                declare_all(self._broker, self.app)
            return self._broker

    def start_embedded_worker(self) -> None:
        broker = self.broker
        with self._lock:
            if self._worker is not None:
                return
            if self.app.config["CIVCAP_ENV"] == "production":
                log.warning(
                    "jobs run on the embedded queue, in this process: they are lost if it "
                    "stops first; set CIVCAP_JOBS_BROKER_URL to a Redis server in production"
                )
            broker.emit_after("process_boot")
            worker = dramatiq.Worker(
                broker, worker_threads=self.app.config["JOBS_EMBEDDED_THREADS"], worker_timeout=250
            )
            worker.start()
            self._worker = worker
        atexit.register(self.stop_embedded_worker)

    def stop_embedded_worker(self, wait_s: float = EXIT_WAIT_S) -> None:
        """Let the embedded worker finish what is ready to run (not the retries waiting for
        their back-off), then stop it."""
        worker, self._worker = self._worker, None
        if worker is None:
            return
        assert self._broker is not None
        for name in list(self._broker.get_declared_queues()):
            join_queue(self._broker.queues[name], timeout=wait_s)
        worker.stop(timeout=int(wait_s * 1000))

    def close(self) -> None:
        """Stop the embedded worker, and close the broker's connections (Redis)."""
        self.stop_embedded_worker()
        with self._lock:
            broker, self._broker = self._broker, None
        if isinstance(broker, RedisBroker):
            broker.client.close()
            broker.client.connection_pool.disconnect()
        elif broker is not None:
            broker.close()


def make_broker(config: dict[str, Any]) -> dramatiq.Broker:
    middleware = [m() for m in default_middleware]
    url = config["JOBS_BROKER_URL"]
    if not url:
        return StubBroker(middleware=middleware)
    return RedisBroker(
        url=url,
        middleware=middleware,
        namespace="civcap",
        heartbeat_timeout=config["JOBS_HEARTBEAT_SECONDS"] * 1000,
        maintenance_chance=config["JOBS_MAINTENANCE_CHANCE"],
    )


def jobs_of(app: Flask) -> Jobs:
    return app.extensions[_EXTENSION]  # type: ignore[no-any-return]


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = Jobs(app)


def send(spec: JobSpec, args: list[Any]) -> None:
    """Put a job on the current app's queue. A broker that cannot be reached is logged, not
    raised: the step that queued the job is saved already (mail has its catch-up job)."""
    jobs = jobs_of(current_app._get_current_object())  # type: ignore[attr-defined]
    try:
        actor_for(jobs.broker, jobs.app, spec).send(*args)
    except Exception as exc:
        log.error("job %s could not be queued: %s: %s", spec.name, type(exc).__name__, exc)
        return
    if jobs.embedded:
        mode = jobs.app.config["JOBS_EMBEDDED_RUN"]
        if mode == "thread":
            jobs.start_embedded_worker()
        elif mode == "inline":
            run_queued()


# ---- running the embedded queue in this thread (tests, "inline" and "manual") -----------

_running = threading.local()


def run_queued(*, delayed: bool = False) -> int:
    jobs = jobs_of(current_app._get_current_object())  # type: ignore[attr-defined]
    broker = jobs.broker
    if not isinstance(broker, StubBroker) or jobs._worker is not None:
        raise RuntimeError("run_queued runs the embedded queue's jobs, without its threads")
    if getattr(_running, "active", False):
        return 0  # a job run here queued another: the loop below runs it next
    _running.active = True
    ran = 0
    try:
        _release_delayed(broker, everything=delayed)  # those waiting now; not the new retries
        while True:
            _release_delayed(broker, everything=False)
            found = _next_ready(broker)
            if found is None:
                return ran
            _process(broker, *found)
            ran += 1
    finally:
        _running.active = False


def _release_delayed(broker: StubBroker, everything: bool) -> None:
    """Move the retries whose back-off is over (or all of them) to their queue."""
    now = current_millis()
    for delayed_name in list(broker.delay_queues):
        queue, waiting = broker.queues[delayed_name], []
        while not queue.empty():
            waiting.append(dramatiq.Message.decode(queue.get_nowait()))
            queue.task_done()
        for message in waiting:
            if everything or message.options.get("eta", 0) <= now:
                options = {k: v for k, v in message.options.items() if k != "eta"}
                broker.enqueue(message.copy(queue_name=q_name(delayed_name), options=options))
            else:
                queue.put(message.encode())


def _next_ready(broker: StubBroker) -> tuple[str, dramatiq.broker.MessageProxy] | None:
    for name in list(broker.queues):
        if name in broker.delay_queues:
            continue
        queue = broker.queues[name]
        if not queue.empty():
            proxy = dramatiq.broker.MessageProxy(dramatiq.Message.decode(queue.get_nowait()))
            return name, proxy
    return None


def _process(broker: StubBroker, queue_name: str, message: dramatiq.broker.MessageProxy) -> None:
    """What a Dramatiq worker thread does with a message, its middleware included."""
    try:
        broker.emit_before("process_message", message)
        broker.get_actor(message.actor_name)(*message.args, **message.kwargs)
        broker.emit_after("process_message", message, result=None)
    except SkipMessage:
        broker.emit_after("skip_message", message)
    except Exception as exc:
        message.stuff_exception(exc)
        log.warning("job %s failed: %s", message.actor_name, type(exc).__name__, exc_info=True)
        broker.emit_after("process_message", message, exception=exc)
    finally:
        broker.queues[queue_name].task_done()
        if message.failed:
            broker.dead_letters_by_queue[queue_name].append(message)
        message.clear_exception()
