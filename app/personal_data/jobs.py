"""The purge, as ``civcap purge`` runs it and as the scheduler's daily job (``app.jobs``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from app.api import idempotency
from app.cv import files as cv_files
from app.jobs import job
from app.personal_data import erasure as privacy

log = logging.getLogger(__name__)


@dataclass
class Purged:
    answers: int = 0  # API answers kept for an Idempotency-Key, forgotten
    held_files: int = 0  # CV files read for an expert never registered, deleted
    expert_ids: list[int] = field(default_factory=list)  # experts erased


def purge_everything(dry_run: bool = False) -> Purged:
    """Forget old API answers, delete unused held CV files and erase the experts withdrawn
    longer ago than the retention period (with ``dry_run``, only count them)."""
    return Purged(
        answers=idempotency.forget(dry_run=dry_run),
        held_files=cv_files.purge_held(dry_run=dry_run),
        expert_ids=privacy.due_for_purge() if dry_run else privacy.purge(),
    )


@job(queue="maintenance", max_retries=3, min_backoff_s=60)
def purge() -> None:
    """Daily (the scheduler): what ``civcap purge`` does. Run again, it finds nothing left."""
    done = purge_everything()
    log.info(
        "purge: %d API answer(s) forgotten, %d held CV file(s) deleted, %d expert(s) erased",
        done.answers,
        done.held_files,
        len(done.expert_ids),
    )
