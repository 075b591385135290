"""A real browser for the tests: Playwright driving Debian's Chromium, headless.

CIVCAP_TEST_BROWSER decides whether the browser must be there: ``required`` (the default when CI
is set) fails the run without it; ``auto`` (elsewhere) skips the browser tests with the reason.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect, sync_playwright
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


# ---- fixtures and steps shared by the browser test modules (registered in conftest) ---------
# A module defines ``live_app`` (usually with ``live_app_for``); these give it a server, a
# browser and pages.


@contextmanager
def live_app_for(folder: Path, seed: Callable[[], None], **config: object) -> Iterator[Flask]:
    """A migrated SQLite app in ``folder``, seeded by ``seed()``, emptied afterwards."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from tests.conftest import empty_database

    mp = pytest.MonkeyPatch()
    mp.setenv("CIVCAP_ENV", "testing")  # mail stays in the outbox, where tests can read it
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(folder / "civcap.sqlite3"),
         "TESTING": True, "UPLOAD_DIR": str(folder / "uploads"), **config}
    )  # fmt: skip
    with app.app_context():
        upgrade()
        seed()
    try:
        yield app
    finally:
        with app.app_context():
            empty_database()
            db.engine.dispose()
        mp.undo()


# The app the browser tests of this module talk to (``log_in`` reads codes through it).
_SERVED: list[Flask] = []


@pytest.fixture(scope="module")
def base_url(live_app: Flask) -> Iterator[str]:
    with serve(live_app) as url:
        live_app.config["PUBLIC_URL"] = url  # links in emails point at this server
        _SERVED.append(live_app)
        try:
            yield url
        finally:
            _SERVED.remove(live_app)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


def new_page(browser: Browser, base_url: str, locale: str = "en-GB") -> Page:
    """A page in a context of its own: one person, one session; the browser asks for pages in
    ``locale`` (its Accept-Language)."""
    context = browser.new_context(
        base_url=base_url, viewport={"width": 1366, "height": 900}, locale=locale
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Chromium fetches the icon after the page has loaded; going on to the next page at once
    # drops that answer halfway, which the server reports as an unclosed file. The browser gets
    # an icon of its own instead (no request, and no console error as a refusal would make).
    page.route("**/favicon.svg", lambda route: route.fulfill(
        status=200, content_type="image/svg+xml", body='<svg xmlns="http://www.w3.org/2000/svg"/>'
    ))  # fmt: skip
    return page


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    page = new_page(browser, base_url)
    yield page
    page.context.close()


def log_in(page: Page, email: str) -> None:
    from tests.conftest import PASSWORD

    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if page.url.endswith("/login/code"):  # HR reviewers and admins: the authenticator's code
        enter_code(page, email)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def enter_code(page: Page, email: str) -> None:
    from tests.conftest import totp_code

    with _SERVED[-1].app_context():
        code = totp_code(email)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Log in").click()


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()
