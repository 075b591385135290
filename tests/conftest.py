"""Shared fixtures. Every test that takes ``app`` runs on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask, g
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import User, UserSession
from app.suggestions import worker_index
from tests.postgres import ThrowawayPostgres, find_bindir, postgres_mode
from tests.redis_server import ThrowawayRedis, find_redis_server, redis_mode

# ``smtp``: a real SMTP server on loopback; ``browser``, ``page``, ``base_url``: headless Chromium;
# ``ghana``, ``mission``, ``un_hr``, ``focal``, ``requester``, ``hr``…: the shared cast
pytest_plugins = ["tests.smtp", "tests.browser", "tests.cast"]

PASSWORD = "correct horse battery"
# The authenticator secret of the cast's HR reviewers and admins (their logins need a code).
TOTP_SECRET = pyotp.random_base32()
# A production-grade key for tests that load the production configuration (made once, random).
RANDOM_KEY = secrets.token_hex(32)


def _found_or_skip(mode: str, turned_off: str, found: Any, missing: str) -> Any:
    """What a server test needs (``found``), or a skip (turned off, or missing where allowed)
    or a failure (missing where required, as under CI)."""
    if mode == "off":
        pytest.skip(turned_off)
    if found is None:
        if mode == "required":
            pytest.fail(missing)
        pytest.skip(missing)
    return found


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[ThrowawayPostgres]:
    bindir = _found_or_skip(
        postgres_mode(),
        "PostgreSQL tests turned off (CIVCAP_TEST_POSTGRES=off)",
        find_bindir(),
        "PostgreSQL server binaries (initdb, pg_ctl) not found; install Debian's "
        "'postgresql' package (.ci/run does) or set PG_BINDIR",
    )
    server = ThrowawayPostgres(bindir)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def restartable_postgres(app, request) -> ThrowawayPostgres:
    """The test run's PostgreSQL server, for the tests that restart it under the app."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("restarts the PostgreSQL server")
    server: ThrowawayPostgres = request.getfixturevalue("postgres_server")
    return server


@pytest.fixture(scope="session")
def redis_server() -> Iterator[ThrowawayRedis]:
    """A real Redis for the job queue's tests (tests/redis_server.py), emptied by ``redis``."""
    binary = _found_or_skip(
        redis_mode(),
        "Redis tests turned off (CIVCAP_TEST_REDIS=off)",
        find_redis_server(),
        "redis-server not found; install Debian's 'redis-server' package (.ci/run does) "
        "or set REDIS_SERVER",
    )
    server = ThrowawayRedis(binary)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis(redis_server: ThrowawayRedis) -> ThrowawayRedis:
    """The test run's Redis, empty."""
    redis_server.flush()
    return redis_server


def _test_config(url: str) -> dict[str, object]:
    return {"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SERVER_NAME": "localhost"}


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database migrated once per run and per backend; tests empty it after themselves."""
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "civcap-test.sqlite3")
    else:
        server: ThrowawayPostgres = request.getfixturevalue("postgres_server")
        url = server.create_database("civcap_test")
    mp = pytest.MonkeyPatch()
    mp.setenv("CIVCAP_ENV", "testing")
    app = create_app(_test_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    mp.undo()
    return url


def empty_database() -> None:
    """Delete every row but what the migrations seed, children before parents."""
    seeded = {"core_areas", "matching_state"}
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in seeded]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("CIVCAP_ENV", "testing")
    app = create_app(_test_config(database_url))

    def _forget_cached_user() -> None:
        # The test body holds one app context open, and Flask reuses it for every request, so
        # ``g`` would carry Flask-Login's cached user from one request (or client) to the next.
        # A real server starts each request with a fresh ``g``; so does this, before anything.
        g.pop("_login_user", None)
        g.pop("api_token", None)  # the API's token (app.api.access)
        g.pop("csrf_token", None)  # Flask-WTF caches the session's token in ``g`` too
        g.pop("_flask_babel", None)  # and Flask-Babel the page's language

    app.before_request_funcs.setdefault(None, []).insert(0, _forget_cached_user)

    with app.app_context():
        yield app
        db.session.rollback()
        empty_database()
        db.session.remove()
        db.engine.dispose()
    # The next test's database is a new roster at the same address: its ids start again, and
    # its experts may be older than this test's. A worker never sees its database emptied
    # under it; the next test starts, as a new worker does, without an index.
    worker_index.forget_indexes()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, page: str) -> str:
    """The CSRF token of the form on ``page``, as a browser would send it back."""
    response = client.get(page, follow_redirects=True)
    assert response.status_code == 200, f"GET {page} gave {response.status_code}"
    match = _CSRF.search(response.get_data(as_text=True))
    assert match, f"no csrf_token on {page}"
    return match.group(1)


def submit_form(
    client: FlaskClient,
    page: str,
    data: dict[str, object],
    action: str | None = None,
    **kwargs: object,
):
    """GET the page with the form, then POST ``data`` with that form's CSRF token."""
    token = csrf_token(client, page)
    return client.post(action or page, data={"csrf_token": token, **data}, **kwargs)


class AuthActions:
    def __init__(self, client: FlaskClient):
        self._client = client

    def login(self, email: str, password: str = PASSWORD):
        """The password step, then the code step where the account has a second factor."""
        response = submit_form(self._client, "/login", {"email": email, "password": password})
        if response.status_code == 302 and response.headers["Location"] == "/login/code":
            return self.enter_code(email)
        return response

    def enter_code(self, email: str):
        """Type the code the authenticator app shows now."""
        return submit_form(self._client, "/login/code", {"code": totp_code(email)})

    def logout(self):
        return submit_form(self._client, "/", {}, action="/logout", follow_redirects=False)


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


def login(client_or_app: FlaskClient | Flask, email: str) -> FlaskClient:
    """Log ``email`` in on the client given; given the app, on a browser session of its own."""
    if isinstance(client_or_app, Flask):
        client_or_app = client_or_app.test_client()
    AuthActions(client_or_app).login(email)
    return client_or_app


def totp_code(email: str) -> str:
    """The code of ``email``'s authenticator app now. A code is accepted once: tests log the
    same person in many times within one 30-second step, so the account forgets the step it
    last accepted, as if the code had moved on."""
    user = db.session.scalar(sa.select(User).where(User.email == email))
    assert user is not None and user.totp_secret, f"{email} has no second factor"
    user.totp_last_step = None
    db.session.commit()
    return pyotp.TOTP(user.totp_secret).now()


def age_logins(user: User, minutes: int = 20) -> None:
    """As if ``user`` had logged in ``minutes`` ago (the sensitive acts ask to confirm again)."""
    for row in db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)):
        row.created_at -= timedelta(minutes=minutes)
    db.session.commit()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def count(model: type) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)
