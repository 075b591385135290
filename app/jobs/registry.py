"""The jobs declared by the features (``@job``), and their Dramatiq actors on a broker.

An actor is made for every declared job on each broker (one broker per app), so that the app
factory can make as many apps as it likes (the tests do) while the jobs are declared once, at
import. Each actor runs its job in an app context of the app that owns the broker: a fresh
context, with its own database session, removed after the job whatever happened.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dramatiq
from flask import Flask

from app.extensions import db


def name_of(fn: Callable[..., Any]) -> str:
    """A job's name: where its function is declared (``module.function``)."""
    return f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', '')}"


@dataclass(frozen=True)
class JobSpec:
    fn: Callable[..., Any]
    queue: str
    max_retries: int
    time_limit_s: int
    min_backoff_s: float
    max_backoff_s: float

    @property
    def name(self) -> str:
        return name_of(self.fn)

    def options(self) -> dict[str, Any]:
        """Dramatiq's actor options (its times are in milliseconds)."""
        return {
            "max_retries": self.max_retries,
            "time_limit": int(self.time_limit_s * 1000),
            "min_backoff": int(self.min_backoff_s * 1000),
            "max_backoff": int(self.max_backoff_s * 1000),
        }


_SPECS: dict[str, JobSpec] = {}
_LOCK = threading.Lock()


def declare(spec: JobSpec) -> None:
    if spec.max_retries < 0 or spec.time_limit_s < 1 or not spec.min_backoff_s > 0:
        raise ValueError(f"job {spec.name}: retries, time limit and back-off must be positive")
    if spec.max_backoff_s < spec.min_backoff_s:
        raise ValueError(f"job {spec.name}: max_backoff_s is below min_backoff_s")
    if "<locals>" in spec.name:
        raise ValueError(f"job {spec.name}: declare jobs at module level")
    _SPECS[spec.name] = spec


def spec_of(fn: Callable[..., Any]) -> JobSpec:
    spec = _SPECS.get(name_of(fn))
    if spec is None or spec.fn is not fn:
        raise TypeError(f"{fn!r} is not a job: declare it with @app.jobs.job")
    return spec


def declared() -> list[JobSpec]:
    return list(_SPECS.values())


def actor_for(broker: dramatiq.Broker, app: Flask, spec: JobSpec) -> dramatiq.Actor[Any, Any]:
    """The broker's actor for ``spec``, made the first time (jobs declared after the broker
    was made, by a module imported later, get theirs then)."""
    with _LOCK:
        try:
            return broker.get_actor(spec.name)
        except dramatiq.errors.ActorNotFound:
            return dramatiq.Actor(
                _in_app_context(app, spec.fn),
                broker=broker,
                actor_name=spec.name,
                queue_name=spec.queue,
                priority=0,
                options=spec.options(),
            )


def declare_all(broker: dramatiq.Broker, app: Flask) -> None:
    for spec in declared():
        actor_for(broker, app, spec)


def _in_app_context(app: Flask, fn: Callable[..., Any]) -> Callable[..., None]:
    def run(*args: Any) -> None:
        with app.app_context():  # a new context: a database session of the job's own
            try:
                fn(*args)
            finally:
                db.session.remove()

    run.__module__, run.__qualname__ = fn.__module__, fn.__qualname__
    return run
