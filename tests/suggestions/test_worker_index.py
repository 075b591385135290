"""Each worker's matching index follows the database: edits, withdrawals, reindex requests."""

from __future__ import annotations

from app.models import ExpertStatus
from app.roster import experts as expert_service
from app.suggestions.worker_index import WorkerIndex, request_reindex, watermark
from tests.factories import expert_data


def test_two_workers_see_each_others_edits_without_restart(two_experts):
    focal_point, first, _ = two_experts
    worker_a, worker_b = WorkerIndex(), WorkerIndex()
    assert len(worker_a.current()) == len(worker_b.current()) == 2
    expert_service.update(
        first, expert_data(title="judge", full_name="Ama Owusu"), focal_point, "v"
    )
    matcher_b = worker_b.current()
    assert matcher_b.index_.profiles[matcher_b.index_.row_of[first.id]].title == "judge"


def test_a_withdrawn_expert_leaves_every_index(two_experts, app):
    _, first, _ = two_experts
    worker = WorkerIndex()
    worker.current()
    first.status = ExpertStatus.WITHDRAWN
    expert_service.touch(first)
    assert first.id not in worker.current().index_.row_of


def test_reindex_request_rebuilds_every_worker(two_experts):
    worker = WorkerIndex()
    before = worker.current()
    generation = watermark().generation
    assert request_reindex("test") == generation + 1
    after = worker.current()
    assert after is not before
    assert worker.seen.generation == generation + 1


def test_rebuild_runs_in_the_background_while_the_old_index_serves(two_experts, app):
    app.config["MATCHING_REBUILD_IN_BACKGROUND"] = True
    worker = WorkerIndex()
    before = worker.current()
    request_reindex("test")
    assert worker.current() is before  # still serving while it rebuilds
    worker.rebuilding.join(timeout=60)
    assert worker.current() is not before
