"""How fast a web import runs as a job: rows per second, on SQLite and on PostgreSQL.

Not a test (pytest does not collect it): a figure for the notes. It makes a throwaway database
(a SQLite file, or a PostgreSQL cluster of its own, as the tests do), a member state and its
focal point, a CSV of ROWS new experts; times the preview (every row checked), then the job's
body run to the end (chunks of 500 rows, each committed with its audit events and the
checkpoint), then a second upload of the same file (every row unchanged).

    .venv/bin/python -m tests.imports.bench_import_job --rows 20000 [--postgres]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import tempfile
import time
from pathlib import Path

from tests.imports.test_bulk_import import cells, csv_file


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    os.environ["CIVCAP_ENV"] = "testing"
    logging.disable(logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="civcap-bench-import-"))
    server = None
    if args.postgres:
        from tests.postgres import ThrowawayPostgres, find_bindir

        bindir = find_bindir()
        assert bindir, "PostgreSQL server binaries not found"
        server = ThrowawayPostgres(bindir)
        server.start()
        url = server.create_database("civcap_bench")
    else:
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    try:
        print(json.dumps(run(url, folder, args.rows)))
    finally:
        if server is not None:
            server.stop()


def run(url: str, folder: Path, rows: int) -> dict[str, object]:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.imports import bulk, files, import_jobs
    from app.models import ImportJob
    from tests.cast import focal_point_of, member_state

    files.MAX_ROWS = max(files.MAX_ROWS, rows)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "UPLOAD_DIR": str(folder / "up"),
         "JOBS_EMBEDDED_RUN": "manual", "SERVER_NAME": "localhost"}
    )  # fmt: skip
    with app.app_context(), app.test_request_context():
        upgrade()
        user = focal_point_of(member_state("GH"))
        content = csv_file(
            *(cells(external_id=f"GH-{i:06d}", full_name=f"Expert {i}") for i in range(rows))
        )
        figures: dict[str, object] = {"backend": db.engine.dialect.name, "rows": rows}
        started = time.perf_counter()
        preview = bulk.preview(content, "bench.csv", user)
        figures["preview_s"] = round(time.perf_counter() - started, 2)
        assert preview.token and not preview.problems, preview.problems[:3]
        job = import_jobs.start(preview.token, user)
        started = time.perf_counter()
        import_jobs.run(job.id)
        seconds = time.perf_counter() - started
        job = db.session.get(ImportJob, job.id)
        assert job is not None and job.created == rows, job
        figures["import_s"] = round(seconds, 2)
        figures["import_rows_per_s"] = round(rows / seconds)
        started = time.perf_counter()
        again = bulk.preview(content, "bench.csv", user)
        assert again.token
        figures["preview_again_s"] = round(time.perf_counter() - started, 2)
        job = import_jobs.start(again.token, user)
        started = time.perf_counter()
        import_jobs.run(job.id)
        seconds = time.perf_counter() - started
        figures["unchanged_rows_per_s"] = round(rows / seconds)
        db.session.remove()
        db.engine.dispose()
    return figures


if __name__ == "__main__":
    main()
