"""The schedule: ``civcap scheduler`` queues the purge, the mail catch-up and the digest at
their times on Redis, and ``civcap worker`` runs them."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.extensions import db
from app.jobs.commands import make_scheduler, queue_scheduled, scheduler, worker
from app.jobs.registry import declared, spec_of
from app.jobs.schedule import JOB_MODULES, SCHEDULE, import_job_modules, resolve
from app.models import Expert, ExpertStatus, OutboxMessage, RequestStatus
from tests.factories import make_expert, make_request
from tests.jobs.workers import Process, environment, messages, on_queue, wait_for
from tests.jobs.workers import worker as worker_process

ROOT = Path(__file__).resolve().parents[2]


def test_every_module_declaring_jobs_is_imported_by_the_workers():
    declaring = set()
    for path in (ROOT / "app").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Call) and getattr(d.func, "id", None) == "job"
                for d in node.decorator_list
            ):
                declaring.add(".".join(path.relative_to(ROOT).with_suffix("").parts))
    assert declaring - set(JOB_MODULES) == set(), "add them to app.jobs.schedule.JOB_MODULES"
    import_job_modules()
    for entry in SCHEDULE:
        spec = spec_of(resolve(entry.job))  # a declared job
        assert spec in declared()


def test_the_scheduler_has_each_job_at_its_time(app):
    timer = make_scheduler(app)
    now = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)
    due = {job.id: job.trigger.get_next_fire_time(None, now) for job in timer.get_jobs()}
    [catch_up] = [job for job in timer.get_jobs() if job.id.endswith("catch_up")]
    assert catch_up.trigger.interval == timedelta(minutes=5)
    del due[catch_up.id]  # every five minutes from the scheduler's start
    assert due == {
        "app.personal_data.jobs:purge": datetime(2026, 11, 6, 2, 30, tzinfo=UTC),
        "app.digests.daily:send_digests": datetime(2026, 11, 6, 6, 0, tzinfo=UTC),
    }


def test_a_scheduled_run_queues_its_job_on_redis(app, on_redis):
    for entry in SCHEDULE:
        queue_scheduled(app, entry.job)
    assert on_queue(on_redis, "maintenance") == 2  # purge and digest
    assert on_queue(on_redis, "mail") == 1  # catch-up


def test_scheduler_once_and_a_worker_purge_catch_up_and_send_digests(
    app, on_redis, database_url, redis, smtp_server, tmp_path, ghana, focal, mission, hr
):
    controller, inbox = smtp_server
    long_ago = datetime.now(UTC) - timedelta(days=400)
    withdrawn = make_expert(ghana, full_name="Yaw Boateng")
    withdrawn.status, withdrawn.withdrawn_at = ExpertStatus.WITHDRAWN, long_ago
    make_request(mission, RequestStatus.SUBMITTED, title="police adviser")  # awaits HR
    lost = OutboxMessage(  # its job was lost (say, Redis was down when its step committed)
        event="t", recipient="lost@example.org", subject="Lost", body="Found again.",
        created_at=datetime.now(UTC) - timedelta(hours=1),
    )  # fmt: skip
    db.session.add(lost)
    db.session.commit()
    env = environment(database_url, redis.url, controller.port)

    once = Process(["scheduler", "--once"], env, tmp_path / "scheduler.log")
    assert once.popen.wait(timeout=120) == 0, once.output()
    assert "queued app.digests.daily:send_digests" in once.output()
    assert on_queue(on_redis, "maintenance") == 2 and on_queue(on_redis, "mail") == 1

    with worker_process(env, tmp_path / "worker.log") as process:
        wait_for(lambda: len(inbox.envelopes) == 2, "the lost email and HR's digest", process)
        wait_for(
            lambda: on_queue(on_redis, "maintenance") + on_queue(on_redis, "mail") == 0,
            "every job done",
            process,
        )
    assert sorted(r for e in inbox.envelopes for r in e.rcpt_tos) == [
        "hr@un.example",
        "lost@example.org",
    ]
    db.session.expire_all()
    assert db.session.get(Expert, withdrawn.id).erased_at is not None
    digest = [m for m in messages() if m.event.startswith("digest:")]
    assert [m.recipient for m in digest] == ["hr@un.example"] and digest[0].status == "sent"


@pytest.mark.parametrize("command", [worker, scheduler])
def test_worker_and_scheduler_need_a_broker_url(app, runner, command):
    assert app.config["JOBS_BROKER_URL"] == ""
    result = runner.invoke(command)
    assert result.exit_code == 2
    assert "CIVCAP_JOBS_BROKER_URL is not set" in result.output
    assert "Traceback" not in result.output


def test_worker_refuses_an_unknown_queue(app, runner, redis):
    app.config["JOBS_BROKER_URL"] = redis.url
    result = runner.invoke(worker, ["--queues", "mail,nonsense"])
    assert result.exit_code == 2
    assert "no job uses nonsense; the queues are" in result.output
