"""Health checks: /healthz says the process answers; /readyz that this worker can serve people
(database, migrations at head, matching index built), and what is missing when it cannot."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask import Flask

from app import create_app
from app.extensions import db
from app.suggestions import worker_index
from tests.conftest import login
from tests.statements import Statements


def other_app(url: str, monkeypatch: pytest.MonkeyPatch, **config: object) -> Flask:
    monkeypatch.setenv("CIVCAP_ENV", "testing")
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, **config})


def test_healthz_answers_without_reading_anything(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "up"}
    assert response.headers["Cache-Control"] == "no-store"


def test_health_checks_read_no_login(client, hr):
    """A probe carrying a reviewer's cookies is nobody's: no session or user is read."""
    login(client, hr.email)
    with Statements() as sent:
        assert client.get("/healthz").status_code == 200
    assert sent.count == 0
    with Statements() as sent:
        assert client.get("/readyz").status_code == 200
    assert not [s for s in sent.sent if "user_sessions" in s or "FROM users" in s]


def test_readyz_is_ready_on_a_migrated_database_once_the_index_is_built(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "index": "ok"},
    }
    assert worker_index.roster_index().ready


def test_readyz_names_migrations_that_have_not_run(tmp_path: Path, monkeypatch):
    app = other_app("sqlite:///" + str(tmp_path / "new.sqlite3"), monkeypatch)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"] == "ok"
    assert checks["migrations"].startswith("at empty, head 00")
    assert "civcap db upgrade" in checks["migrations"]
    assert checks["index"] == "waiting"


def test_readyz_says_the_database_is_unreachable_without_its_address(monkeypatch):
    url = "postgresql://civcap:secret-password@127.0.0.1:1/civcap"
    app = other_app(
        url, monkeypatch, SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}}
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert response.get_json()["checks"]["database"] == "unreachable (OperationalError)"
    assert "secret-password" not in body and "127.0.0.1" not in body
    with app.app_context():
        db.engine.dispose()


def test_a_new_worker_is_not_ready_until_its_index_is_built_in_the_background(app, client):
    app.config["MATCHING_REBUILD_IN_BACKGROUND"] = True  # as in production
    first = client.get("/readyz")
    assert first.status_code == 503 and first.get_json()["checks"]["index"] == "building"
    for _ in range(100):
        if client.get("/readyz").status_code == 200:
            break
        time.sleep(0.1)
    assert client.get("/readyz").get_json()["status"] == "ready"
