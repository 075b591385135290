"""PostgreSQL restarted while a web import runs: the chunk under way fails and is rolled back,
the queue runs the job again, it resumes after the last committed chunk, every row is written
exactly once, and the app serves again without a restart (the pool checks its connections)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.jobs import run_queued
from app.models import AuditEvent, Expert, ImportJob, ImportJobStatus
from tests.conftest import AuthActions
from tests.imports.test_bulk_import import cells, confirm, csv_file, text, upload

ROWS = 1_500


class RestartAt:
    """Restart the real server just before the ``nth`` INSERT into experts (one per flush of
    250 rows, two per chunk of 500): the chunk's transaction then meets a connection the
    server cut, with half of its rows sent and not committed."""

    def __init__(self, server, nth: int):
        self.server, self.nth, self.seen, self.done = server, nth, 0, False

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.done or not statement.lstrip().upper().startswith("INSERT INTO EXPERTS "):
            return
        self.seen += 1
        if self.seen == self.nth:
            self.done = True
            self.server.restart()


def test_a_restart_during_an_import_resumes_it_and_writes_each_row_once(
    restartable_postgres, app, client, focal, auth: AuthActions, tmp_path
):
    app.config.update(UPLOAD_DIR=str(tmp_path / "uploads"), JOBS_EMBEDDED_RUN="manual")
    auth.login(focal.email)
    content = csv_file(*(cells(external_id=f"GH-{i:04d}", full_name=f"E {i}") for i in range(ROWS)))
    response = confirm(client, text(upload(client, content)))
    job_id = int(re.search(r"/jobs/(\d+)$", response.location).group(1))

    db.session.close()  # the test's own connection is not the job's: give it back first
    restart = RestartAt(
        restartable_postgres, nth=4
    )  # half-way through the second chunk (rows 501-1,000)
    sa.event.listen(db.engine, "before_cursor_execute", restart)
    try:
        assert run_queued() == 1  # the attempt that meets the restart
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", restart)
    assert restart.done
    import_job = db.session.get(ImportJob, job_id)
    assert import_job.status is ImportJobStatus.RUNNING
    assert (import_job.rows_done, import_job.error) == (500, "database")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Expert)) == 500

    assert run_queued(delayed=True) == 1  # the queue's retry resumes after row 500
    db.session.expire_all()
    assert import_job.status is ImportJobStatus.DONE and import_job.attempts == 2
    ids = db.session.scalars(sa.select(Expert.external_id)).all()
    assert len(ids) == len(set(ids)) == ROWS
    audited = db.session.scalars(sa.select(AuditEvent.entity_id)).all()
    assert len(audited) == len(set(audited)) == ROWS

    # The app serves again, without a restart of its own.
    page = text(client.get(f"/roster/import/jobs/{job_id}"))
    assert "Imported: 1500 created, 0 updated, 0 unchanged." in page
