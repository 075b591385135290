"""A web import as a job: 5,000 rows through the page, imported in chunks with the progress on
the job's page, resumed after a failure between chunks with every row written once, stopped
after its last attempt and started again by its uploader; who may see the job."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.imports import bulk, import_jobs
from app.jobs import run_queued
from app.models import AuditEvent, Expert, ImportJob, ImportJobStatus, Role
from tests.cast import member_state
from tests.conftest import AuthActions, count
from tests.factories import make_user
from tests.imports.test_bulk_import import cells, confirm, csv_file, pending, text, upload

ROWS = 5_000


def roster_file(rows: int = ROWS) -> bytes:
    return csv_file(
        *(cells(external_id=f"GH-{i:05d}", full_name=f"Expert {i}") for i in range(rows))
    )


@pytest.fixture
def uploads(app, tmp_path: Path) -> Path:
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def manual_queue(app):
    """Jobs wait on the embedded queue until the test runs them (``run_queued``)."""
    app.config["JOBS_EMBEDDED_RUN"] = "manual"


@pytest.fixture
def focal_point(focal, uploads, auth: AuthActions):
    auth.login(focal.email)
    return focal


def start_import(client, content: bytes) -> ImportJob:
    preview = upload(client, content)
    assert preview.status_code == 200, text(preview)
    response = confirm(client, text(preview))
    assert response.status_code == 302
    job_id = int(re.search(r"/roster/import/jobs/(\d+)$", response.location).group(1))
    return db.session.get(ImportJob, job_id)


def progress(client, import_job: ImportJob) -> dict:
    response = client.get(f"/roster/import/jobs/{import_job.id}/progress")
    assert response.status_code == 200
    return response.get_json()


def imported_once() -> None:
    """Every row of the file is one expert with one audit event: none written twice."""
    assert count(Expert) == ROWS
    ids = db.session.scalars(sa.select(Expert.external_id)).all()
    assert len(set(ids)) == ROWS
    events = db.session.scalars(sa.select(AuditEvent.entity_id)).all()
    assert len(events) == len(set(events)) == ROWS


def test_5000_rows_import_through_the_page_in_chunks(client, focal_point, uploads, manual_queue):
    preview = upload(client, roster_file())
    assert "5000 experts, no problems: 5000 new, 0 updated, 0 unchanged" in text(preview)
    import_job = start_import(client, roster_file())
    page = text(client.get(f"/roster/import/jobs/{import_job.id}"))
    assert "Waiting for a worker to start the import." in page
    assert '<progress id="import-progress" max="5000" value="0"' in page
    assert "0 of 5,000 rows imported (0%)" in page
    assert 'id="import-refresh"' in page  # without JavaScript: a link to see it again
    assert count(Expert) == 0 and [p.suffix for p in pending(uploads)] == [".job"]

    seen: list[dict] = []

    def look(job: ImportJob) -> None:  # after each committed chunk, as the page's script asks
        if not seen:
            seen.append(progress(client, job))

    import_jobs.run(import_job.id, after_chunk=look)
    assert seen[0]["status"] == "running" and not seen[0]["finished"]
    assert 0 < seen[0]["rows_done"] < seen[0]["rows_total"] == ROWS
    assert seen[0]["rows_done"] == import_jobs.CHUNK_ROWS
    assert seen[0]["progress"] == "500 of 5,000 rows imported (10%)"

    assert run_queued() == 1  # the message queued by "Import": the job is done, it does nothing
    db.session.refresh(import_job)
    assert import_job.status is ImportJobStatus.DONE and import_job.attempts == 1
    assert (import_job.created, import_job.updated, import_job.unchanged) == (ROWS, 0, 0)
    imported_once()
    events = db.session.scalars(sa.select(AuditEvent).limit(3)).all()
    assert {(e.actor_id, e.actor_label) for e in events} == {
        (focal_point.id, "web import experts.csv")
    }
    page = text(client.get(f"/roster/import/jobs/{import_job.id}"))
    assert "Imported: 5000 created, 0 updated, 0 unchanged." in page
    assert "Expert 0</a>" in page and 'href="/roster/"' in page
    assert pending(uploads) == []  # the file goes with the job done


def test_a_failure_between_chunks_resumes_after_the_last_committed_one(
    client, focal_point, uploads, manual_queue, monkeypatch
):
    import_job = start_import(client, roster_file())
    write_chunk = import_jobs._write_chunk
    calls = []

    def fail_third_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the worker lost its footing between two chunks")
        write_chunk(*args, **kwargs)

    monkeypatch.setattr(import_jobs, "_write_chunk", fail_third_chunk)
    assert run_queued() == 1  # fails, and the queue keeps it for a retry after its back-off
    db.session.refresh(import_job)
    assert import_job.status is ImportJobStatus.RUNNING
    assert (import_job.rows_done, import_job.error) == (1000, import_jobs.UNEXPECTED)
    assert count(Expert) == 1000
    page = text(client.get(f"/roster/import/jobs/{import_job.id}"))
    assert "The last attempt failed; the import tries again shortly." in page
    assert "1,000 of 5,000 rows imported (20%)" in page

    assert run_queued(delayed=True) == 1  # the retry, resumed after row 1,000
    db.session.refresh(import_job)
    assert import_job.status is ImportJobStatus.DONE and import_job.attempts == 2
    assert import_job.error is None and import_job.created == ROWS
    assert len(calls) == 3 + 8  # two chunks written, one failed, then the eight left
    imported_once()


def test_after_its_last_attempt_the_job_stops_and_its_uploader_starts_it_again(
    client, focal_point, uploads, manual_queue, monkeypatch
):
    import_job = start_import(client, roster_file(1200))
    import_job.attempts = import_jobs.ATTEMPTS - 1
    db.session.commit()
    write_chunk = import_jobs._write_chunk

    def fail_second_chunk(job, chunk, start, *args):
        if start == import_jobs.CHUNK_ROWS:
            raise RuntimeError("once more")
        write_chunk(job, chunk, start, *args)

    monkeypatch.setattr(import_jobs, "_write_chunk", fail_second_chunk)
    run_queued()
    db.session.refresh(import_job)
    assert import_job.status is ImportJobStatus.FAILED and import_job.rows_done == 500
    page = text(client.get(f"/roster/import/jobs/{import_job.id}"))
    assert "Something went wrong on our side. The rows imported before stay imported" in page
    assert "Start the import again" in page
    assert [p.suffix for p in pending(uploads)] == [".job"]  # kept for the retry

    monkeypatch.setattr(import_jobs, "_write_chunk", write_chunk)
    app_url = f"/roster/import/jobs/{import_job.id}"
    assert client.post(f"{app_url}/retry").status_code == 400  # no CSRF token
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"{app_url}/retry", data={"csrf_token": csrf}).status_code == 302
    run_queued()
    db.session.refresh(import_job)
    assert import_job.status is ImportJobStatus.DONE and import_job.rows_done == 1200
    assert count(Expert) == 1200 and count(AuditEvent) == 1200
    assert "Imported: 1200 created" in text(client.get(app_url))


def test_only_the_member_states_focal_points_see_the_job(
    app, client, focal_point, uploads, auth, un_hr, manual_queue
):
    import_job = start_import(client, csv_file(cells()))
    import_job.status, import_job.error = ImportJobStatus.FAILED, import_jobs.DATABASE
    db.session.commit()
    page_url = f"/roster/import/jobs/{import_job.id}"
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', text(client.get(page_url))
    )
    assert "Start the import again" in text(client.get(page_url))
    auth.logout()

    senegal_fp = make_user(Role.FOCAL_POINT, member_state("SN"))
    colleague = make_user(Role.FOCAL_POINT, focal_point.organisation)
    reviewer = make_user(Role.HR_REVIEWER, un_hr)
    auth.login(senegal_fp.email)
    for url in (page_url, f"{page_url}/progress", "/roster/import/jobs/999999"):
        assert client.get(url).status_code == 404
    page = text(client.get("/roster/import"))
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"{page_url}/retry", data={"csrf_token": csrf}).status_code == 404
    auth.logout()

    auth.login(colleague.email)  # sees the import of their member state, cannot restart it
    page = text(client.get(page_url))
    assert "The database could not be reached" in page and "Start the import again" not in page
    auth.logout()

    auth.login(reviewer.email)
    assert client.get(page_url).status_code == 403
    db.session.refresh(import_job)
    assert import_job.status is ImportJobStatus.FAILED and token


def test_a_preview_of_many_experts_already_on_the_roster_counts_them(
    client, focal_point, uploads, monkeypatch
):
    start_import(client, csv_file(cells(external_id="GH-1"), cells(external_id="GH-2")))
    assert count(Expert) == 2
    monkeypatch.setattr(bulk, "PREVIEW_COMPARES", 1)
    content = csv_file(
        cells(external_id="GH-1"), cells(external_id="GH-2"), cells(external_id="GH-3")
    )
    page = text(upload(client, content))
    assert "3 experts, no problems: 1 new, 2 already on the roster" in page
    monkeypatch.setattr(bulk, "PREVIEW_COMPARES", 5_000)
    page = text(upload(client, content))
    assert "3 experts, no problems: 1 new, 0 updated, 2 unchanged" in page


def test_a_second_run_of_the_same_job_writes_no_chunk_twice(
    client, focal_point, uploads, manual_queue
):
    import_job = start_import(client, roster_file(600))
    import_jobs.run(import_job.id)
    # A run that read the checkpoint before the first committed its chunk: refused whole.
    content = roster_file(600)
    _result, lines = bulk.check(content, "experts.csv", "csv", focal_point)
    with pytest.raises(import_jobs._Overtaken):
        import_jobs._write_chunk(import_job, lines[:500], 0, "web import experts.csv", focal_point)
    assert count(Expert) == 600 and count(AuditEvent) == 600
