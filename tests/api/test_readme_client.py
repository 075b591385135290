"""The example client of README.md, run as written against a live civcap: it syncs a national
roster file through the API (register, then update, then withdraw), and prints what the API
refused with the field named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.extensions import db
from app.models import Expert, ExpertStatus
from tests.api.client import expert_body, token_of
from tests.browser import serve

README = Path(__file__).resolve().parents[2] / "README.md"
EXAMPLE_API = '"http://127.0.0.1:5000/api/v1"'


def the_python_example() -> str:
    text = README.read_text(encoding="utf-8")
    after = text.split("The same in Python", 1)[1]
    return after.split("```python\n", 1)[1].split("```", 1)[0]


@pytest.fixture
def sync(app, focal, tmp_path):
    """Run the README's script on ``roster.jsonl`` lines; return what it printed."""
    script = the_python_example()
    assert EXAMPLE_API in script

    def run(*experts: dict) -> str:
        with serve(app) as url:
            (tmp_path / "sync.py").write_text(script.replace(EXAMPLE_API, repr(url + "/api/v1")))
            lines = "".join(json.dumps(e) + "\n" for e in experts)
            (tmp_path / "roster.jsonl").write_text(lines, encoding="utf-8")
            done = subprocess.run(
                [sys.executable, "sync.py"], cwd=tmp_path, capture_output=True, text=True,
                env={**os.environ, "CIVCAP_TOKEN": token_of(focal)}, timeout=60, check=True,
            )  # fmt: skip
        db.session.expire_all()
        return done.stdout

    return run


def by_reference(external_id: str) -> Expert:
    return db.session.query(Expert).filter_by(external_id=external_id).one()


def test_the_readme_client_registers_updates_and_withdraws(sync):
    grace = expert_body(external_id="GH-0001")
    kofi = expert_body(external_id="GH-0002", full_name="Kofi Boateng")

    assert sync(grace, kofi) == ""
    assert by_reference("GH-0001").version == 1 and by_reference("GH-0002").version == 1

    assert sync({**grace, "title": "Judge"}, kofi) == ""
    assert (by_reference("GH-0001").title, by_reference("GH-0001").version) == ("Judge", 2)

    assert sync({**grace, "withdrawn": True}) == ""
    assert by_reference("GH-0001").status is ExpertStatus.WITHDRAWN


def test_the_readme_client_prints_what_was_refused_and_why(sync):
    printed = sync(expert_body(external_id="GH-0003", nationality="XX"))
    assert printed.startswith("GH-0003 Invalid input")
    assert "'field': 'nationality'" in printed
    assert db.session.query(Expert).count() == 0
