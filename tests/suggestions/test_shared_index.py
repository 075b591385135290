"""One index build for every worker of a machine: built once, loaded by the others, kept current."""

from __future__ import annotations

import json
import multiprocessing
import threading

import numpy as np
import pytest

from app.extensions import db
from app.roster import experts as expert_service
from app.suggestions import shared_index
from app.suggestions.shared_index import SharedIndexes
from app.suggestions.worker_index import WorkerIndex, request_reindex, roster_index
from tests.factories import expert_data


def workers(root, n=2):
    key = str(db.engine.url)
    return [WorkerIndex(SharedIndexes(root, key)) for _ in range(n)]


def builds(root):
    return sorted(p.name for p in root.glob("*/build-*"))


def test_the_second_worker_loads_the_first_ones_build_instead_of_building(two_experts, tmp_path):
    a, b = workers(tmp_path)
    a.current()
    b.current()
    assert len(builds(tmp_path)) == 1
    assert a.build == b.build
    assert isinstance(b.matcher.index_.meaning.base, np.memmap)
    assert len(b.matcher) == 2


def test_an_edit_in_one_worker_is_ranked_right_by_the_other(two_experts, tmp_path):
    focal_point, first, _ = two_experts
    a, b = workers(tmp_path)
    a.current()
    expert_service.update(
        first, expert_data(title="judge", full_name="Ama Owusu"), focal_point, "v"
    )
    matcher = b.current()  # loads the build read before the edit, then catches up
    assert matcher.index_.profiles[matcher.index_.row_of[first.id]].title == "judge"
    assert a.current().index_.profiles[a.matcher.index_.row_of[first.id]].title == "judge"
    assert len(builds(tmp_path)) == 1


def test_reindex_builds_the_new_generation_once_for_every_worker(two_experts, tmp_path):
    a, b = workers(tmp_path)
    a.current(), b.current()
    first = a.build
    generation = request_reindex("test")
    a.current()
    b.current()
    assert a.build == b.build != first
    assert a.build.generation == b.seen.generation == generation
    assert len(builds(tmp_path)) == 2  # the new one and the one before


def test_workers_rebuilding_at_once_make_one_build(two_experts, app, tmp_path):
    indexes = workers(tmp_path, 4)
    db.session.commit()  # the two_experts, seen by every thread's own session
    failures = []

    def run(worker):
        with app.app_context():
            try:
                worker.rebuild()
            except Exception as failure:  # noqa: BLE001 - reported below
                failures.append(failure)

    threads = [threading.Thread(target=run, args=(w,)) for w in indexes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures
    assert len(builds(tmp_path)) == 1
    assert len({w.build for w in indexes}) == 1


def test_a_build_from_other_code_or_a_half_written_one_is_not_loaded(two_experts, tmp_path):
    a, b = workers(tmp_path)
    a.current()
    folder = a.build.path.parent
    meta = json.loads((folder / "build.json").read_text())
    (folder / "build.json").write_text(json.dumps({**meta, "code": "other"}))
    (folder.parent / ".incomplete-x").mkdir()
    b.current()
    assert b.build != a.build  # built again, by the code that serves
    assert not list(folder.parent.glob(".incomplete-*"))  # what a dead builder left is cleared


def test_the_app_shares_builds_where_an_index_folder_is_configured(two_experts, app, tmp_path):
    app.config["MATCHING_INDEX_DIR"] = str(tmp_path)
    worker = roster_index()
    assert worker.shared is not None
    worker.current()
    assert worker.build is not None and worker.build.path.is_file()


@pytest.mark.parametrize("id_change", [1, 0, -1])
def test_a_build_serves_a_worker_only_when_it_can_be_caught_up(id_change):
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 12, 1, tzinfo=UTC)
    build = shared_index.Build("b", None, generation=3, latest=now, last_id=10)  # type: ignore[arg-type]
    assert not build.can_catch_up_to(4, now, 10)  # another generation
    assert build.can_catch_up_to(3, now + timedelta(seconds=1), 10 + id_change) is (
        id_change >= 0  # a new expert is caught up with; a removed newest one is not
    )
    assert not build.is_as_new_as(3, now + timedelta(seconds=1), 10)
    assert build.is_as_new_as(3, now - timedelta(seconds=1), 9)


def _build_in_child(shared: SharedIndexes) -> None:
    with shared.lock():
        pass


def test_a_worker_forked_from_the_master_takes_the_build_lock_of_its_own(tmp_path):
    """gunicorn forks the workers from the master, which made the index (and its lock): a
    worker that rebuilds or loads a new generation takes the lock itself."""
    shared = SharedIndexes(tmp_path, "sqlite://")
    with shared.lock():
        pass
    child = multiprocessing.get_context("fork").Process(target=_build_in_child, args=(shared,))
    child.start()
    child.join(timeout=30)
    assert child.exitcode == 0
