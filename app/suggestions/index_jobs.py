"""The matching index built by a job worker, for every web worker of the machine.

A web worker whose index must be rebuilt (``civcap reindex`` raised the generation, or many
experts changed since the build) asks for this job where jobs run on their own workers
(``CIVCAP_JOBS_BROKER_URL``) and the index is shared (``MATCHING_INDEX_DIR``): the build then
costs a job worker, not a worker serving pages, and is made once. Meanwhile the web workers
serve from their index, kept current by upserts, and load the new build once it is saved.
"""

from __future__ import annotations

from app.jobs import job
from app.suggestions.worker_index import roster_index, watermark


@job(max_retries=3, min_backoff_s=30, max_backoff_s=600)
def build_index(generation: int) -> None:
    """Build and save the index of ``generation`` (nothing when a later one was asked for:
    its own job builds it; nor when a build as new as the roster is saved already)."""
    mark = watermark()
    if mark.generation != generation:
        return
    roster_index().rebuild(trigger=mark)
