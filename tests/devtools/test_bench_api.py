"""`civcap bench-api` times the roster upsert and the suggestions read through the API, on its
own temporary database."""

from __future__ import annotations

import json
import secrets

from click.testing import CliRunner

from app.cli import cli

SPREAD = {"median_ms", "p95_ms", "calls"}


def test_bench_api_times_upserts_and_suggestions(monkeypatch):
    monkeypatch.setenv("CIVCAP_ENV", "testing")
    result = CliRunner().invoke(
        cli, ["bench-api", "--experts", "300", "--runs", "6", "--seed", "3", "--json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(figures) == {
        "experts", "runs", "seed", "requests", "generation_s", "upsert", "suggestions",
    }  # fmt: skip
    assert (figures["experts"], figures["runs"], figures["seed"]) == (300, 6, 3)
    upsert = figures["upsert"]
    assert set(upsert) == {"create", "update", "all", "created", "updated"}
    for kind, calls in (("create", 3), ("update", 3), ("all", 6)):
        assert set(upsert[kind]) == SPREAD
        assert upsert[kind]["calls"] == calls
        assert 0 < upsert[kind]["median_ms"] <= upsert[kind]["p95_ms"]
    # Counted in the database after the calls, not taken from the answers.
    assert (upsert["created"], upsert["updated"]) == (3, 3)
    suggestions = figures["suggestions"]
    assert set(suggestions) == SPREAD | {"first_ms", "requests"}
    assert suggestions["calls"] == 6 and suggestions["requests"] >= 1
    assert suggestions["first_ms"] > 0
    assert 0 < suggestions["median_ms"] <= suggestions["p95_ms"]


def test_bench_api_prints_a_table(monkeypatch):
    monkeypatch.setenv("CIVCAP_ENV", "testing")
    result = CliRunner().invoke(cli, ["bench-api", "--experts", "100", "--runs", "2"])
    assert result.exit_code == 0, result.output
    assert "100 experts" in result.stdout
    assert "upsert: create (201)" in result.stdout and "suggestions (" in result.stdout
    assert "found in the database afterwards: 1 registered, 1 updated." in result.stdout
    assert "In process" in result.stdout


def test_bench_api_refuses_production(monkeypatch):
    monkeypatch.setenv("CIVCAP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    result = CliRunner().invoke(cli, ["bench-api", "--experts", "100", "--runs", "2"])
    assert result.exit_code == 1
    assert "never in production" in result.output
