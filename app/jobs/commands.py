"""``civcap worker`` runs the jobs queued on Redis; ``civcap scheduler`` queues the scheduled
ones at their times (``app.jobs.schedule``). Both need ``CIVCAP_JOBS_BROKER_URL``: the embedded
queue lives inside the process that uses it, where no other process can reach it."""

from __future__ import annotations

import logging
from datetime import UTC

import click
import dramatiq
import dramatiq.cli
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.jobs import enqueue
from app.jobs.broker import jobs_of
from app.jobs.registry import declare_all, declared
from app.jobs.schedule import SCHEDULE, import_job_modules, resolve

log = logging.getLogger(__name__)


def _broker_url_or_exit() -> str:
    url = str(current_app.config["JOBS_BROKER_URL"])
    if not url:
        raise click.UsageError(
            "CIVCAP_JOBS_BROKER_URL is not set: set it to the Redis server the web processes "
            "queue jobs on (e.g. redis://localhost:6379/0). Without it, jobs run inside the "
            "process that queued them, and there is nothing for this command to do."
        )
    return url


@click.command("worker")
@click.option("--processes", type=click.IntRange(1, 64), help="[default: CIVCAP_JOBS_PROCESSES]")
@click.option("--threads", type=click.IntRange(1, 256), help="[default: CIVCAP_JOBS_THREADS]")
@click.option("--queues", help="Only these queues, comma-separated (default: all).")
@with_appcontext
def worker(processes: int | None, threads: int | None, queues: str | None) -> None:
    """Run the queued jobs (Dramatiq worker processes, each with its threads).

    SIGTERM or Ctrl-C stops it after the jobs in hand; a job whose worker died is run again by
    another once the dead one's heartbeat is CIVCAP_JOBS_HEARTBEAT_SECONDS old.
    """
    _broker_url_or_exit()
    config = current_app.config
    import_job_modules()
    names = sorted({spec.queue for spec in declared()})
    wanted = [q.strip() for q in (queues or "").split(",") if q.strip()]
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        raise click.BadParameter(
            f"no job uses {', '.join(unknown)}; the queues are {', '.join(names)}",
            param_hint="--queues",
        )
    args = [
        "app.jobs.commands:boot",
        "--processes",
        str(processes or config["JOBS_PROCESSES"]),
        "--threads",
        str(threads or config["JOBS_THREADS"]),
        "--skip-logging",  # each process logs as the app does (CIVCAP_LOG_FORMAT)
    ]
    if wanted:
        args += ["--queues", *wanted]
    raise SystemExit(dramatiq.cli.main(dramatiq.cli.make_argument_parser().parse_args(args)))


def boot() -> None:
    """In each worker process (Dramatiq calls it): its own app, database connections and
    broker, with an actor for every job."""
    from app import create_app

    app = create_app()
    import_job_modules()
    broker = jobs_of(app).broker
    declare_all(broker, app)
    dramatiq.set_broker(broker)


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Queue every scheduled job now, once, and exit.")
@with_appcontext
def scheduler(once: bool) -> None:
    """Queue the scheduled jobs at their times (run one scheduler; workers run the jobs)."""
    _broker_url_or_exit()
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if once:
        for entry in SCHEDULE:
            queue_scheduled(app, entry.job)
            click.echo(f"queued {entry.job}")
        return
    timer = make_scheduler(app)
    for entry in SCHEDULE:
        click.echo(f"{entry.job}: {entry.when}")
    try:
        timer.start()
    except (KeyboardInterrupt, SystemExit):
        timer.shutdown(wait=False)


def make_scheduler(app: Flask) -> BlockingScheduler:
    """APScheduler with each scheduled job, its times kept in memory: a run late by less than
    an hour (a busy machine) still happens, once; a run missed while no scheduler was running
    is not made up (the next one comes at its time)."""
    timer = BlockingScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    for entry in SCHEDULE:
        resolve(entry.job)  # a wrong name stops the scheduler now, not at the job's time
        timer.add_job(
            queue_scheduled,
            entry.trigger(),
            args=[app, entry.job],
            id=entry.job,
            name=entry.job,
        )
    return timer


def queue_scheduled(app: Flask, reference: str) -> None:
    with app.app_context():
        try:
            enqueue(resolve(reference))
        finally:
            db.session.remove()
    log.info("scheduled job queued: %s", reference)
