"""``civcap serve`` for real: gunicorn with two workers on loopback, against the test database,
answering health checks and pages, its own lines and civcap's as JSON, stopping cleanly."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CIVCAP = Path(sys.executable).parent / "civcap"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)
    except OSError:
        return 0  # not listening yet


def wait_for(url: str, status: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while status_of(url) != status:
        if time.monotonic() > deadline:
            pytest.fail(f"{url} did not answer {status} within {seconds} s")
        time.sleep(0.2)


@pytest.fixture
def served(database_url: str, tmp_path: Path):
    port = free_port()
    env = {
        **os.environ,
        "CIVCAP_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url,
        "CIVCAP_LOG_FORMAT": "json",
        "CIVCAP_UPLOAD_DIR": str(tmp_path / "uploads"),
        "CIVCAP_INDEX_DIR": str(tmp_path / "index"),
        "CIVCAP_BIND": f"127.0.0.1:{port}",
        "CIVCAP_WORKERS": "2",
    }
    log = (tmp_path / "serve.log").open("w+")
    process = subprocess.Popen([str(CIVCAP), "serve"], env=env, stdout=log, stderr=log)
    try:
        yield f"http://127.0.0.1:{port}", process, tmp_path / "serve.log"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        log.close()


def test_civcap_serve_answers_health_checks_and_pages_and_logs_json(served):
    base, process, log = served
    wait_for(f"{base}/healthz", 200)
    wait_for(f"{base}/readyz", 200)  # migrated database, index ready
    assert status_of(f"{base}/login") == 200
    # The master built the index before forking; the workers serve that one build.
    assert len(list((log.parent / "index").glob("*/build-*/matcher.joblib"))) == 1

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0  # a graceful stop

    lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    said = " ".join(line["message"] for line in lines if line["logger"] == "gunicorn.error")
    assert "Booting worker" in said and "Shutting down" in said
    requests = [line for line in lines if line["logger"] == "civcap.request"]
    login = [line for line in requests if line["route"] == "/login"]
    assert len(login) == 1 and login[0]["status"] == 200 and login[0]["request_id"]
    assert {line["route"] for line in requests} == {"/healthz", "/readyz", "/login"}


def page_language(url: str, language: str) -> str:
    request = urllib.request.Request(url, headers={"Accept-Language": language})
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (loopback)
        page = answer.read().decode()
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_each_request_is_served_in_a_context_of_its_own(served):
    """Nothing one request leaves in Flask's ``g`` (its language, its logged-in user) is seen by
    the next one the same worker serves: each pushes its own app context."""
    base, _, _ = served
    wait_for(f"{base}/readyz", 200)
    for _ in range(6):  # both workers serve both languages, in turn
        assert page_language(f"{base}/login", "fr") == "fr"
        assert page_language(f"{base}/login", "es") == "es"


def test_civcap_serve_refuses_a_configuration_without_a_secret(database_url, tmp_path):
    env = {**os.environ, "CIVCAP_ENV": "production", "DATABASE_URL": database_url}
    env.pop("SECRET_KEY", None)
    done = subprocess.run(
        [str(CIVCAP), "serve", "--bind", f"127.0.0.1:{free_port()}"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0
    assert "SECRET_KEY is not set" in done.stderr
