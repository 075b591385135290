"""The project's own checks run with the suite: ruff on everything, mypy (strict) on matching/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )


def test_ruff_lint_is_clean():
    result = run(str(BIN / "ruff"), "check", "app", "matching", "tests", "config.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied():
    result = run(str(BIN / "ruff"), "format", "--check", "app", "matching", "tests", "config.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_matching_type_checks_strictly():
    result = run(str(BIN / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_matching_imports_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, matching, matching.metrics; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'app')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stdout + result.stderr
