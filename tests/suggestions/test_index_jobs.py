"""The shared matching index built by a job worker: a web worker that needs a new build asks a
``civcap worker`` for it, keeps serving, and loads the build once it is saved."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.jobs.broker import jobs_of
from app.suggestions.index_jobs import build_index
from app.suggestions.shared_index import SharedIndexes
from app.suggestions.worker_index import WorkerIndex, request_reindex, watermark
from tests.jobs.workers import environment, on_queue, wait_for, worker


def shared(tmp_path):
    return SharedIndexes(tmp_path / "index", str(db.engine.url))


def test_the_job_builds_the_generation_it_was_asked_for_and_no_older_one(
    two_experts, app, tmp_path
):
    app.config["MATCHING_INDEX_DIR"] = str(tmp_path / "index")
    generation = request_reindex("test")
    build_index(generation - 1)  # a later reindex was asked for since: its own job builds
    assert shared(tmp_path).latest() is None
    build_index(generation)
    assert shared(tmp_path).latest().generation == generation


@pytest.fixture
def on_redis(app, redis):
    app.config.update(JOBS_BROKER_URL=redis.url, MATCHING_REBUILD_IN_BACKGROUND=True)
    yield jobs_of(app).broker
    jobs_of(app).close()


def test_a_web_worker_asks_a_job_worker_for_the_new_build_and_then_loads_it(
    two_experts,
    app,
    on_redis,
    database_url,
    redis,
    tmp_path,
):
    index = WorkerIndex(shared(tmp_path))
    before = index.current()
    first = index.build
    generation = request_reindex("test")
    assert index.current() is before  # serves on while the job builds
    assert index.current() is before
    assert on_queue(on_redis, "default") == 1  # asked once, not at every ranking
    env = environment(database_url, redis.url, None) | {"CIVCAP_INDEX_DIR": str(tmp_path / "index")}
    with worker(env, tmp_path / "worker.log") as process:
        wait_for(
            lambda: (b := shared(tmp_path).latest()) is not None and b.generation == generation,
            "a saved build of the new generation",
            process,
            seconds=120,
        )
    index.current()  # finds the build, loads it in the background
    index.rebuilding.join(timeout=60)
    assert index.current() is not before
    assert index.build != first and index.build.generation == watermark().generation
