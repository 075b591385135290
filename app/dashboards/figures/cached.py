"""HR's dashboard figures, computed once for what they count.

Computing them takes seconds on a large roster (every request in demand against the pool, the
funnel, the timing). They change only when what they count changes, so they are kept (Flask-
Caching) under a key made of the filters (the day included) and a watermark: the latest change
to and the newest of experts, requests, candidates and readiness items, the latest suggestion
run and audit event (publications are audited), the newest organisation. Any change moves the
watermark, and the next view computes afresh: a figure shown is never older than the data it
counts.

They are kept in files that every worker of the machine reads (``CACHE_DIR``), and computed by
one of them at a time (a lock file): the workers that ask for the same figures meanwhile wait
for them instead of each computing them again, on the same cores.
"""

from __future__ import annotations

import hashlib
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from filelock import FileLock
from flask import current_app

from app.common.queries import newest
from app.dashboards.figures.filters import DashboardFilters
from app.dashboards.figures.funnel import Stage, stages
from app.dashboards.figures.gaps import Gap, gap_requests
from app.dashboards.figures.readiness import Holdup, holding_up
from app.dashboards.figures.supply import AreaSupply, LanguageSupply, by_area, by_language
from app.dashboards.figures.timing import (
    DeploymentTime,
    TimingRow,
    by_area_month,
    selection_to_deployment,
)
from app.extensions import cache, db
from app.models import (
    AuditEvent,
    Candidate,
    Expert,
    ExpertiseRequest,
    Organisation,
    ReadinessItem,
)
from app.models.suggestion import SuggestionRun


@dataclass(frozen=True)
class HrFigures:
    areas: list[AreaSupply]
    languages: list[LanguageSupply]
    gaps: list[Gap]
    funnel: list[Stage]
    timing: list[TimingRow]
    deployment: DeploymentTime
    holdups: list[Holdup]


def watermark() -> tuple[Any, ...]:
    """Where the data the figures count stands, read in one statement of index look-ups (no
    count over a table: those took tens of milliseconds at 100,000 experts). civcap deletes no
    expert, request, candidate or organisation, so the newest id shows every new row; every
    publication is recorded in the audit trail, whose newest event is read."""
    return tuple(
        db.session.execute(
            sa.select(
                newest(Expert.updated_at), newest(Expert.id),
                newest(ExpertiseRequest.updated_at), newest(ExpertiseRequest.id),
                newest(Candidate.updated_at), newest(Candidate.id),
                newest(SuggestionRun.id), newest(AuditEvent.id), newest(Organisation.id),
                newest(ReadinessItem.updated_at), newest(ReadinessItem.id),
            )
        ).one()
    )  # fmt: skip


def hr_figures(f: DashboardFilters) -> HrFigures:
    """The figures of HR's dashboard under ``f``: kept ones while the data stands still."""
    key = "dashboards.hr." + hashlib.sha256(repr((f, watermark())).encode()).hexdigest()
    figures: HrFigures | None = cache.get(key)
    if figures is not None:
        return figures
    with _computing():
        figures = cache.get(key)  # computed by another thread or worker while this one waited
        if figures is None:
            figures = HrFigures(
                by_area(f), by_language(f), gap_requests(f), stages(f), by_area_month(f),
                selection_to_deployment(f), holding_up(f),
            )  # fmt: skip
            cache.set(key, figures)
    return figures


_in_this_process = threading.Lock()


def _computing() -> AbstractContextManager[Any]:
    """Held while figures are computed: by the threads of this process, and by every worker
    of the machine where the figures are kept in files."""
    directory = current_app.config.get("CACHE_DIR")
    if not directory:
        return _in_this_process
    Path(directory).mkdir(parents=True, exist_ok=True)
    return FileLock(Path(directory) / "computing.lock")
