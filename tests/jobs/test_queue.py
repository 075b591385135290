"""The job API on the embedded queue: sent when the transaction commits, never when it rolls
back; run in an app context with a session of its own; retried with exponential back-off."""

from __future__ import annotations

import re
import threading
import time

import pytest
from dramatiq.common import current_millis

from app.extensions import db
from app.jobs import enqueue, job, run_queued
from app.jobs.broker import jobs_of
from app.models import OutboxMessage
from config import ConfigurationError, load_config
from tests.conftest import RANDOM_KEY
from tests.jobs import sample_jobs
from tests.jobs.sample_jobs import always_fails, fails_first, note


@pytest.fixture
def ran(app):
    app.config["JOBS_EMBEDDED_RUN"] = "manual"  # jobs wait for run_queued
    sample_jobs.RAN.clear()
    yield sample_jobs.RAN
    sample_jobs.RAN.clear()


def waiting(app, queue: str = "tests") -> int:
    return jobs_of(app).broker.queues[queue].qsize()


def delayed(app, queue: str = "tests") -> list[int]:
    """The etas (ms) of the retries waiting for their back-off."""
    from dramatiq import Message

    q = jobs_of(app).broker.queues[f"{queue}.DQ"]
    return [Message.decode(data).options["eta"] for data in list(q.queue)]


def test_a_job_is_sent_when_its_transaction_commits(app, ran):
    db.session.add(OutboxMessage(event="t", recipient="a@example.org", subject="s", body="b"))
    db.session.flush()  # a transaction is open
    enqueue(note, "committed")
    assert run_queued() == 0 and ran == []  # nothing is sent before the commit
    db.session.commit()
    assert waiting(app) == 1
    assert run_queued() == 1
    [(word, app_name, session_id, thread)] = ran
    assert word == "committed" and app_name == app.name
    assert session_id != id(db.session())  # the job had a session of its own
    assert thread == threading.get_ident()  # run_queued runs it here


def test_a_job_of_a_rolled_back_transaction_is_never_sent(app, ran):
    db.session.add(OutboxMessage(event="t", recipient="a@example.org", subject="s", body="b"))
    db.session.flush()
    enqueue(note, "rolled back")
    db.session.rollback()
    db.session.commit()  # a later commit does not bring it back
    assert waiting(app) == 0 and run_queued(delayed=True) == 0 and ran == []


def test_a_job_queued_outside_a_transaction_is_sent_at_once(app, ran):
    db.session.commit()  # nothing open
    enqueue(note, "now")
    assert waiting(app) == 1 and run_queued() == 1 and ran[0][0] == "now"


def test_inline_runs_the_job_as_the_transaction_commits(app):
    sample_jobs.RAN.clear()
    assert app.config["JOBS_EMBEDDED_RUN"] == "inline"  # the testing default
    db.session.add(OutboxMessage(event="t", recipient="a@example.org", subject="s", body="b"))
    db.session.flush()
    enqueue(note, "inline")
    assert sample_jobs.RAN == []
    db.session.commit()
    assert [r[0] for r in sample_jobs.RAN] == ["inline"]
    sample_jobs.RAN.clear()


def test_a_failed_job_is_retried_after_an_exponential_back_off(app, ran):
    enqueue(fails_first, "flaky")
    before = current_millis()
    assert run_queued() == 1 and ran == ["flaky"]
    [eta] = delayed(app)
    # Dramatiq's back-off: min_backoff (20 s) doubled per retry, with jitter, at most 40 s.
    assert before + 10_000 <= eta <= current_millis() + 40_000
    assert run_queued() == 0  # its back-off is not over
    assert run_queued(delayed=True) == 1  # as if it were
    assert ran == ["flaky", "flaky"] and delayed(app) == []


def test_a_job_failing_every_time_stops_after_its_retries(app, ran):
    enqueue(always_fails, "hopeless")
    assert run_queued(delayed=True) == 1  # the try; its retry waits for its back-off
    assert run_queued(delayed=True) == 1  # the one retry
    assert run_queued(delayed=True) == 0
    assert ran == ["hopeless", "hopeless"]
    assert delayed(app) == [] and waiting(app) == 0
    [dead] = jobs_of(app).broker.dead_letters
    assert dead.actor_name == "tests.jobs.sample_jobs.always_fails"


def test_only_declared_jobs_with_json_arguments_are_queued(app, ran):
    def not_a_job() -> None:
        pass

    with pytest.raises(TypeError, match="is not a job: declare it with @app.jobs.job"):
        enqueue(not_a_job)
    with pytest.raises(TypeError, match="must be JSON values"):
        enqueue(note, object())
    with pytest.raises(TypeError, match="do not survive JSON unchanged"):
        enqueue(note, ("a", "tuple"))
    with pytest.raises(ValueError, match="declare jobs at module level"):
        job()(not_a_job)
    with pytest.raises(ValueError, match="max_backoff_s is below min_backoff_s"):
        job(min_backoff_s=10, max_backoff_s=5)(test_jobs_configuration)
    assert waiting(app) == 0


def test_run_queued_is_for_the_embedded_queue(app, on_redis):
    with pytest.raises(RuntimeError, match="embedded queue"):
        run_queued()


def test_jobs_configuration(tmp_path):
    defaults = load_config(str(tmp_path), {"SECRET_KEY": RANDOM_KEY})
    assert defaults["JOBS_BROKER_URL"] == "" and defaults["JOBS_EMBEDDED_RUN"] == "thread"
    assert defaults["JOBS_THREADS"] == 8 and defaults["JOBS_HEARTBEAT_SECONDS"] == 60
    testing = load_config(str(tmp_path), {"CIVCAP_ENV": "testing"})
    assert testing["JOBS_EMBEDDED_RUN"] == "inline"
    redis = load_config(
        str(tmp_path),
        {
            "CIVCAP_ENV": "testing",
            "CIVCAP_JOBS_BROKER_URL": " redis://queue.internal:6379/2 ",
            "CIVCAP_JOBS_PROCESSES": "3",
            "CIVCAP_JOBS_HEARTBEAT_SECONDS": "5",
        },
    )
    assert redis["JOBS_BROKER_URL"] == "redis://queue.internal:6379/2"
    assert redis["JOBS_PROCESSES"] == 3 and redis["JOBS_HEARTBEAT_SECONDS"] == 5


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CIVCAP_JOBS_BROKER_URL", "amqp://rabbit/", "must be a Redis URL"),
        ("CIVCAP_JOBS_BROKER_URL", "localhost:6379", "must be a Redis URL"),
        ("CIVCAP_JOBS_THREADS", "0", "CIVCAP_JOBS_THREADS=0 must be at least 1"),
        ("CIVCAP_JOBS_PROCESSES", "many", "CIVCAP_JOBS_PROCESSES='many' is not a whole number"),
        ("CIVCAP_JOBS_MAINTENANCE_CHANCE", "2000000", "is more than 1000000"),
    ],
)
def test_wrong_jobs_configuration_is_refused(tmp_path, name, value, message):
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        load_config(str(tmp_path), {"CIVCAP_ENV": "testing", name: value})


def test_the_embedded_queue_of_make_run_runs_jobs_in_threads_of_the_process(app, ran):
    app.config["JOBS_EMBEDDED_RUN"] = "thread"  # the development default
    db.session.commit()
    enqueue(note, "in the background")
    jobs = jobs_of(app)
    try:
        deadline = time.monotonic() + 10
        while not ran and time.monotonic() < deadline:
            time.sleep(0.01)
        [(word, app_name, _, thread)] = ran
        assert word == "in the background" and app_name == app.name
        assert thread != threading.get_ident()  # in a worker thread of this process
        with pytest.raises(RuntimeError, match="without its threads"):
            run_queued()
    finally:
        jobs.stop_embedded_worker()
