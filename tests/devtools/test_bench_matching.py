"""`civcap bench-matching` on the development split (figures are checked for sanity, not speed)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import cli
from app.devtools import bench_matching as benchmark

KEYS = {"experts", "requests", "build_s", "update_ms", "rank_ms_median", "rank_ms_p95",
        "peak_rss_mb", "peer_ms_median"}  # fmt: skip


@pytest.fixture(scope="module")
def dev_split() -> Path:
    path = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev"
    if not (path / "experts.jsonl").is_file():
        message = f"the development split is not at {path}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def test_bench_matching_json(dev_split):
    args = ["bench-matching", "--experts", "300", "--requests", "10", "--json"]
    result = CliRunner().invoke(cli, [*args, "--dev", str(dev_split)])

    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert set(figures) == KEYS
    assert figures["experts"] == 300 and figures["requests"] == 10
    assert figures["build_s"] > 0 and figures["update_ms"] > 0
    assert 0 < figures["rank_ms_median"] <= figures["rank_ms_p95"]
    assert figures["peer_ms_median"] > 0
    assert 10 < figures["peak_rss_mb"] < 100_000


def test_bench_matching_text(dev_split):
    args = ["bench-matching", "--experts", "50", "--requests", "3", "--dev", str(dev_split)]
    result = CliRunner().invoke(cli, args)

    assert result.exit_code == 0, result.output
    assert "Matching benchmark: 50 experts, 3 requests" in result.stdout
    assert "FTS5 BM25 peer" in result.stdout and "peak memory" in result.stdout


def test_the_seed_decides_the_roster(dev_split):
    split = benchmark.read_split(dev_split)
    first = benchmark.resample(split, 40, 5, seed=3)
    assert benchmark.resample(split, 40, 5, seed=3) == first
    assert benchmark.resample(split, 40, 5, seed=4) != first
    experts, requests = first
    assert len({e.expert_id for e in experts}) == 40
    assert len({r.request_id for r in requests}) == 5


def test_resampled_experts_vary_but_keep_their_occupation(dev_split):
    split = benchmark.read_split(dev_split)
    experts, _ = benchmark.resample(split, 200, 1, seed=0)
    sources = {(e.title, e.summary, e.skills, e.available_from) for e in split.experts}
    assert sum((e.title, e.summary, e.skills, e.available_from) in sources for e in experts) < 20
    assert all(e.modalities and e.languages and e.years_experience >= 0 for e in experts)
    assert all(e.available_until is None or e.available_until >= e.available_from for e in experts)


def test_bench_matching_without_the_split(tmp_path):
    args = ["bench-matching", "--experts", "10", "--dev", str(tmp_path / "nowhere")]
    result = CliRunner().invoke(cli, args)

    assert result.exit_code == 1
    assert "the development split is missing" in result.stderr
    assert "--dev DIR" in result.stderr
