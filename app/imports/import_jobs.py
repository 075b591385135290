"""A previewed web import of experts, run as a job: in chunks, resumable, each row once.

What "nothing saved half-way" means here. The job first checks the whole file again (the roster
may have changed since the preview); if any row is refused, it writes nothing and stops with
the problems. Then it imports ``CHUNK_ROWS`` rows per transaction, and each transaction commits
those experts, their audit events (under the focal point's name) and the job's checkpoint
(``rows_done``) together. A failure (the database restarted, the worker killed) loses only the
chunk under way: the queue runs the job again, and it resumes after the last committed chunk,
so every row is written exactly once. After ``ATTEMPTS`` failed attempts the job stops
('failed'), keeping what it imported; its uploader can start it again from its page
(``retry``), and it resumes there too.

The checkpoint only moves forward from the value the chunk started from (a conditional
update), so two workers running the same job at once (a message delivered twice) cannot both
write a chunk: the second one's transaction is rolled back and it stops.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from app import imports as importing
from app.common.transaction import transaction
from app.extensions import db
from app.imports import bulk
from app.imports.bulk import UploadGone
from app.jobs import enqueue, job
from app.models import ImportJob, ImportJobStatus, Role, User
from app.models._types import utcnow

log = logging.getLogger(__name__)

CHUNK_ROWS = 500
ATTEMPTS = 5  # runs of the job before it stops with its error (the queue retries with back-off)
PROBLEMS_KEPT = 1000  # a refused file's problems shown on the job's page, as on the preview

# What stopped a job (ImportJob.error), worded in the reader's language by the job's page.
DATABASE, FILE_GONE, PROBLEMS, UNEXPECTED = "database", "file_gone", "problems", "unexpected"
RETRYABLE = frozenset({DATABASE, UNEXPECTED})


class _Overtaken(Exception):
    """Another run of the same job committed this chunk first."""


def may_see(import_job: ImportJob, user: User) -> bool:
    """The uploader and the other focal points of the same member state (whose experts they
    are) see an import job; nobody else."""
    return user.role is Role.FOCAL_POINT and import_job.organisation_id == user.organisation_id


def may_retry(import_job: ImportJob, user: User) -> bool:
    return (
        import_job.user_id == user.id
        and import_job.status is ImportJobStatus.FAILED
        and import_job.error in RETRYABLE
    )


def start(token: str, user: User) -> ImportJob:
    """Import a previewed upload: a queued job, sent to the workers once it is saved.

    Raises UploadNotYours or UploadGone (imported already, discarded, or waited too long)."""
    meta = bulk.claim(token, user)
    try:
        with transaction("import"):
            import_job = ImportJob(
                user_id=user.id,
                organisation_id=user.organisation_id,
                token=token,
                filename=meta["filename"],
                format=meta["format"],
                rows_total=int(meta.get("rows", 0)),
            )
            db.session.add(import_job)
            db.session.flush()
            enqueue(import_experts_job, import_job.id)
    except IntegrityError:  # a second click raced the first to the same token
        raise UploadGone from None
    except BaseException:
        bulk.unclaim(token)
        raise
    return import_job


def retry(import_job: ImportJob, user: User) -> None:
    """Start a stopped job again; it resumes after its last committed chunk."""
    if not may_retry(import_job, user):
        raise UploadGone
    with transaction("import"):
        import_job.status = ImportJobStatus.QUEUED
        import_job.attempts = 0
        import_job.error = None
        import_job.finished_at = None
        enqueue(import_experts_job, import_job.id)


@job(queue="imports", max_retries=ATTEMPTS, time_limit_s=6 * 3600, min_backoff_s=5,
     max_backoff_s=300)  # fmt: skip
def import_experts_job(import_job_id: int) -> None:
    """The job's body on a worker (see ``run``)."""
    run(import_job_id)


def run(import_job_id: int, after_chunk: Callable[[ImportJob], None] | None = None) -> None:
    """Run (or resume) an import job. A failure is recorded on the job and raised, for the
    queue to retry, until the last attempt, which stops the job instead.

    ``after_chunk`` is called after each committed chunk (the tests stop a job there)."""
    import_job = _begin(import_job_id)
    if import_job is None:
        return
    try:
        _import(import_job, after_chunk)
    except _Overtaken:
        log.info("import job %s: another run committed this chunk first; stopping", import_job_id)
    except Exception as exc:
        db.session.rollback()
        reason = DATABASE if isinstance(exc, OperationalError) else UNEXPECTED
        last = _record_failure(import_job_id, reason)
        log.warning("import job %s failed (%s: %s)", import_job_id, reason, type(exc).__name__)
        if not last:
            raise


def _begin(import_job_id: int) -> ImportJob | None:
    """Count the attempt; None when there is nothing (more) to do."""
    with transaction("import"):
        import_job = db.session.get(ImportJob, import_job_id)
        if import_job is None or import_job.finished:
            return None
        import_job.attempts += 1
        import_job.status = ImportJobStatus.RUNNING
        import_job.started_at = import_job.started_at or utcnow()
        import_job.updated_at = utcnow()
    return import_job


def _import(import_job: ImportJob, after_chunk: Callable[[ImportJob], None] | None) -> None:
    try:
        content, _meta = bulk.job_content(import_job.token)
    except UploadGone:
        _stop(import_job, FILE_GONE)
        return
    user = import_job.user
    result, lines = bulk.check(content, import_job.filename, import_job.format, user)
    if result.problems:
        _stop(import_job, PROBLEMS, result.problems)
        return
    with transaction("import"):
        import_job.rows_total = len(lines)
    label = bulk.label(import_job.filename)
    for start in range(import_job.rows_done, len(lines), CHUNK_ROWS):
        _write_chunk(import_job, lines[start : start + CHUNK_ROWS], start, label, user)
        if after_chunk is not None:
            after_chunk(import_job)
    with transaction("import"):
        import_job.status = ImportJobStatus.DONE
        import_job.error = None
        import_job.finished_at = import_job.updated_at = utcnow()
    bulk.job_file(import_job.token).unlink(missing_ok=True)


def _write_chunk(
    import_job: ImportJob, chunk: list[importing.ExpertLine], start: int, label: str, user: User
) -> None:
    """One transaction: the chunk's experts, their audit events and the checkpoint."""
    with transaction("import"):
        summary = importing.write_experts(chunk, label, actor=user)
        moved = db.session.execute(
            sa.update(ImportJob)
            .where(ImportJob.id == import_job.id, ImportJob.rows_done == start)
            .values(
                rows_done=start + len(chunk),
                created=ImportJob.created + summary.created,
                updated=ImportJob.updated + summary.updated,
                unchanged=ImportJob.unchanged + summary.unchanged,
                updated_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise _Overtaken
    db.session.refresh(import_job)


def _stop(import_job: ImportJob, reason: str, problems: list[Any] | None = None) -> None:
    with transaction("import"):
        import_job.status = ImportJobStatus.FAILED
        import_job.error = reason
        if problems:
            import_job.problems = [
                {"line": p.line, "column": p.column, "reason": p.reason}
                for p in problems[:PROBLEMS_KEPT]
            ]
        import_job.finished_at = import_job.updated_at = utcnow()


def _record_failure(import_job_id: int, reason: str) -> bool:
    """Note why the attempt failed; stop the job after its last attempt. Whether it stopped (a
    database still unreachable cannot be written to: the queue then tries again)."""
    try:
        with transaction("import"):
            import_job = db.session.get(ImportJob, import_job_id)
            if import_job is None:
                return True
            import_job.error = reason
            import_job.updated_at = utcnow()
            last = import_job.attempts >= ATTEMPTS
            if last:
                import_job.status = ImportJobStatus.FAILED
                import_job.finished_at = utcnow()
            return last
    except Exception:  # noqa: BLE001 (the database is still away; the queue tries again)
        db.session.rollback()
        return False
