"""What an import job's page and its progress answer show: its state in words, how far it got,
why it stopped, and the experts it imported."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.imports import bulk, import_jobs
from app.models import AuditEvent, Expert, ImportJob, ImportJobStatus, User

EXPERTS_LISTED = 20

STOPPED_BECAUSE = {
    import_jobs.DATABASE: _l(
        "The database could not be reached. The rows imported before stay imported; starting "
        "the import again goes on from there."
    ),
    import_jobs.UNEXPECTED: _l(
        "Something went wrong on our side. The rows imported before stay imported; starting "
        "the import again goes on from there."
    ),
    import_jobs.FILE_GONE: _l(
        "The uploaded file is no longer kept (a stopped import keeps it a week). Upload the "
        "file again."
    ),
    import_jobs.PROBLEMS: _l(
        "The roster changed since the preview, and the file now has problems. Nothing of this "
        "file was imported. Correct the file and upload it again."
    ),
}


def progress_of(import_job: ImportJob) -> dict[str, Any]:
    """The job's state for its page and for the page's script (as JSON)."""
    return {
        "status": import_job.status.value,
        "finished": import_job.finished,
        "rows_done": import_job.rows_done,
        "rows_total": import_job.rows_total,
        "state": state_text(import_job),
        "progress": progress_text(import_job),
    }


def state_text(import_job: ImportJob) -> str:
    """One sentence for the page's status line (read out when it changes)."""
    status = import_job.status
    if status is ImportJobStatus.QUEUED:
        return _("Waiting for a worker to start the import.")
    if status is ImportJobStatus.RUNNING:
        if import_job.error:
            return _("The last attempt failed; the import tries again shortly.")
        if import_job.rows_done == 0:
            return _("Checking every row, then importing.")
        return _("Importing.")
    if status is ImportJobStatus.DONE:
        return _(
            "Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
            created=import_job.created,
            updated=import_job.updated,
            unchanged=import_job.unchanged,
        )
    return _("The import stopped.")


def progress_text(import_job: ImportJob) -> str:
    total = max(import_job.rows_total, import_job.rows_done)
    share = import_job.rows_done / total if total else 0
    return _(
        "%(done)s of %(total)s rows imported (%(share)s)",
        done=format_decimal(import_job.rows_done),
        total=format_decimal(total),
        share=format_percent(share),
    )


def job_page_values(import_job: ImportJob, user: User) -> dict[str, Any]:
    return {
        "job": import_job,
        "progress": progress_of(import_job),
        "stopped_because": STOPPED_BECAUSE.get(import_job.error or "")
        if import_job.status is ImportJobStatus.FAILED
        else None,
        "may_retry": import_jobs.may_retry(import_job, user),
        "experts": imported_experts(import_job) if import_job.rows_done else [],
    }


def imported_experts(import_job: ImportJob, limit: int = EXPERTS_LISTED) -> list[Expert]:
    """The first experts the job created or changed (from the audit trail), for links."""
    changed = (
        sa.select(AuditEvent.entity_id)
        .where(
            AuditEvent.actor_id == import_job.user_id,
            AuditEvent.actor_label == bulk.label(import_job.filename),
            AuditEvent.entity_type == "expert",
            AuditEvent.at >= import_job.created_at,
        )
        .order_by(AuditEvent.id)
        .limit(limit)
    )
    ids = list(db.session.scalars(changed))
    query = sa.select(Expert).where(
        Expert.id.in_(ids),
        Expert.organisation_id == import_job.organisation_id,
        Expert.erased_at.is_(None),
    )
    found = {e.id: e for e in db.session.scalars(query)}
    return [found[i] for i in ids if i in found]
