"""A web import of experts running as a job: who started it, for which member state, which
upload, and how far it got. The job commits each chunk of rows together with ``rows_done``, so
a retried job resumes after the last chunk committed and writes no row twice."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import UtcDateTime, enum_column, utcnow
from app.models.organisation import Organisation
from app.models.user import User


class ImportJobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ImportJob(db.Model):
    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    # The upload's token: its file waits under UPLOAD_DIR/imports/ until the job is done.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    filename: Mapped[str] = mapped_column(sa.String(100))
    format: Mapped[str] = mapped_column(sa.String(8))
    status: Mapped[ImportJobStatus] = mapped_column(
        enum_column(ImportJobStatus, "import_job_status"), default=ImportJobStatus.QUEUED
    )
    rows_total: Mapped[int] = mapped_column(default=0)
    # The checkpoint: rows of the file imported (committed) so far, in the file's order.
    rows_done: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    # The file's problems when the job refused it whole: [{"line", "column", "reason"}, ...].
    problems: Mapped[Any] = mapped_column(sa.JSON(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation] = relationship()

    @property
    def finished(self) -> bool:
        return self.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED)

    def __repr__(self) -> str:
        return f"<ImportJob {self.id} {self.status.value} {self.rows_done}/{self.rows_total}>"
