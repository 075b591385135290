"""Health checks for whatever runs civcap (a load balancer, an orchestrator, an operator).

``/healthz``: the process is up and answers (it reads nothing). ``/readyz``: this worker can
serve people: the database answers, its schema is at the migrations' head, and the worker's
matching index is built (a first check starts building it, so a new worker warms up before it
is sent people). Both answer JSON for programs, never anything personal, and are not cached.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from app.extensions import db
from app.suggestions import worker_index

bp = Blueprint("health", __name__)

OK = "ok"


def _answer(body: dict[str, Any], status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/healthz")
def healthz() -> Response:
    return _answer({"status": "up"}, 200)


@cache
def _heads(directory: str) -> frozenset[str]:
    """The head revisions of the migrations in ``directory`` (read once per process)."""
    config = Config()
    config.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def database_and_migrations() -> tuple[str, str]:
    """Whether the database answers, and whether its schema is at the migrations' head."""
    heads = _heads(current_app.extensions["migrate"].directory)
    try:
        with db.engine.connect() as connection:
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as exc:
        # The kind of failure only: the message may hold the database's address.
        return f"unreachable ({type(exc).__name__})", "unknown"
    if current == heads:
        return OK, OK
    at = ", ".join(sorted(current)) or "empty"
    return OK, f"at {at}, head {', '.join(sorted(heads))}: run `civcap db upgrade`"


def index() -> str:
    """Whether this worker's matching index is built; if not, start building it."""
    return OK if worker_index.roster_index().warm() else "building"


@bp.route("/readyz")
def readyz() -> Response:
    database, migrations = database_and_migrations()
    checks = {"database": database, "migrations": migrations}
    checks["index"] = index() if database == OK and migrations == OK else "waiting"
    ready = all(value == OK for value in checks.values())
    return _answer(
        {"status": "ready" if ready else "not ready", "checks": checks}, 200 if ready else 503
    )
