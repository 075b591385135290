"""`civcap bench-login` times the way in for known and unknown emails on its own database."""

from __future__ import annotations

import json

from click.testing import CliRunner

from app.cli import cli


def test_bench_login_prints_the_four_figures(monkeypatch):
    monkeypatch.setenv("CIVCAP_ENV", "testing")
    monkeypatch.setenv("CIVCAP_RECOVERY_ANSWER_MS", "50")
    result = CliRunner().invoke(cli, ["bench-login", "--runs", "1", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(figures) == {
        "login_known_ms", "login_unknown_ms", "forgot_known_ms", "forgot_unknown_ms", "runs",
    }  # fmt: skip
    assert figures["forgot_known_ms"] >= 50 and figures["forgot_unknown_ms"] >= 50
    assert figures["login_known_ms"] > 0 and figures["login_unknown_ms"] > 0
