"""A real browser for the tests: Playwright driving Debian's Chromium, headless.

CIVCAP_TEST_BROWSER decides whether the browser must be there: ``required`` (the default when CI
is set) fails the run without it; ``auto`` (elsewhere) skips the browser tests with the reason.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if Path(candidate).exists():
        return candidate
    return shutil.which("chromium")


def require_chromium() -> str:
    mode = os.environ.get("CIVCAP_TEST_BROWSER", "required" if os.environ.get("CI") else "auto")
    path = chromium_path()
    if path is None:
        message = "Chromium not found; install Debian's 'chromium' package (.ci/run does)"
        if mode == "required":
            pytest.fail(message)
        pytest.skip(message)
    return path


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
