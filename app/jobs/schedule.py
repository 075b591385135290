"""The scheduled jobs, and the modules that declare the jobs a worker runs.

The scheduler (``civcap scheduler``) only queues these jobs at their times; workers run them.
Jobs are named here as ``module:function`` (as entry points are), since they belong to the
features above this package; ``resolve`` imports them. Run one scheduler: each job is safe to
run twice (the purge finds nothing left, the catch-up locks what it sends, a digest is sent
once per person and day), but there is no reason to.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

# Every module that declares jobs: a worker imports them all before it takes any message.
JOB_MODULES = (
    "app.notifications.outbox",
    "app.personal_data.jobs",
    "app.digests.daily",
    "app.imports.import_jobs",
    "app.suggestions.index_jobs",
)


@dataclass(frozen=True)
class Scheduled:
    job: str  # "module:function", a function declared with @job and taking no argument
    when: str  # for people (``civcap scheduler`` prints it)
    trigger: Callable[[], BaseTrigger]


SCHEDULE = (
    Scheduled(
        "app.personal_data.jobs:purge",
        "daily at 02:30 UTC",
        lambda: CronTrigger(hour=2, minute=30, timezone=UTC),
    ),
    Scheduled(
        "app.notifications.outbox:catch_up",
        "every 5 minutes",
        lambda: IntervalTrigger(minutes=5, timezone=UTC),
    ),
    Scheduled(
        "app.digests.daily:send_digests",
        "daily at 06:00 UTC",
        lambda: CronTrigger(hour=6, minute=0, timezone=UTC),
    ),
)


def resolve(reference: str) -> Callable[..., Any]:
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def import_job_modules() -> None:
    for module in JOB_MODULES:
        importlib.import_module(module)
