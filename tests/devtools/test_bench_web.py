"""civcap bench-web for real, small: civcap serve with one worker and Locust's load on each page,
logged in as an HR reviewer through the login pages; every page answered, figures printed."""

from __future__ import annotations

import json

import sqlalchemy as sa

from app.cli import cli
from app.extensions import db
from app.models import Expert
from app.models.suggestion import SuggestionRun


def test_bench_web_serves_and_loads_every_page(runner):
    result = runner.invoke(
        cli,
        ["bench-web", "--experts", "300", "--requests", "30", "--workers", "1",
              "--seconds", "1", "--connections", "2", "--json"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["experts"] == db.session.query(Expert).count() == 300
    assert figures["workers"] == 1 and len(figures["worker_rss_mb"]) == 1
    assert figures["worker_rss_mb"][0] > 20 and figures["first_suggestions_ms"] > 0
    # Only its own (of the peak), and of that what no file backs.
    assert 0 < figures["worker_own_mb"][0] <= figures["worker_uss_mb"][0]
    assert figures["worker_uss_mb"][0] <= figures["worker_rss_mb"][0]
    # At the end the one worker ranked other requests afresh: their runs are saved.
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(SuggestionRun.request_id)))) > 1
    assert set(figures["pages"]) == {
        "suggestions", "request", "experts_search", "requests_list", "hr_dashboard",
    }  # fmt: skip
    for name, loads in figures["pages"].items():
        load = loads["c2"]
        assert load["errors"] == 0, name  # every page answered 200 to the logged-in reviewer
        assert load["rps"] > 0 and 0 < load["p50_ms"] <= load["p99_ms"], name


def test_bench_web_says_what_is_wrong_with_the_loads(runner):
    result = runner.invoke(cli, ["bench-web", "--connections", "2,lots", "--no-generate"])
    assert result.exit_code == 2
    assert "--connections" in result.output and "e.g. 2,32" in result.output
