"""civcap: civilian-capacity expert roster and matching. ``create_app`` builds the web app."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, abort, g, make_response, render_template, request
from flask_babel import lazy_gettext
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from app.common.queries import MAX_ID, page_out_of_range
from app.extensions import cache, csrf, db, login_manager, migrate
from config import load_config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    trust_proxies(app)
    from app.serving import logs

    logs.init_app(app)  # first: its after-request hook then runs last, with the final status
    register_url_bounds(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    return app


class RecordId(IntegerConverter):
    """``<int:...>`` in every URL: an id the database can hold, or the URL matches nothing (404)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def trust_proxies(app: Flask) -> None:
    """Behind PROXY_HOPS reverse proxies, the client's address (login throttling, the security
    log) and the scheme come from their X-Forwarded-* headers (Werkzeug's ProxyFix); with none,
    such headers are ignored, since any client could send them."""
    hops = int(app.config["PROXY_HOPS"])
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )


# Files and health checks are nobody's: they read no login (a load balancer's probe included).
NOBODYS = frozenset({"static", "serving.health.healthz", "serving.health.readyz"})


def register_url_bounds(app: Flask) -> None:
    """Numbers from a URL stay inside what the database holds: out of range is "not found"."""
    app.url_map.converters["int"] = RecordId

    @app.before_request
    def page_in_range() -> None:
        if page_out_of_range(request.args.get("page")):
            abort(404)


def register_extensions(app: Flask) -> None:
    from app.common import i18n

    i18n.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    cache.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.session.login"
    login_manager.login_message = "Please log in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    from app import jobs
    from app.accounts import sessions
    from app.common.api_calls import is_api_call
    from app.models import User
    from app.notifications import outbox

    jobs.init_app(app)  # before the outbox, whose messages are delivered by jobs
    outbox.init_app(app)

    @login_manager.user_loader
    def load_user(token: str) -> User | None:
        # The cookies hold a login's token, not a user id: an ended login is nobody. The API
        # ignores them: a call is authenticated by its bearer token (app.api.access).
        if is_api_call():
            return None
        return sessions.user_for(token)

    @app.before_request
    def load_user_first() -> None:
        # Loading the user may note when the login was last seen; do it before any change.
        if request.endpoint not in NOBODYS:
            current_user._get_current_object()


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection: Any, connection_record: Any) -> None:
    # SQLite ignores foreign keys unless asked, per connection.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def register_blueprints(app: Flask) -> None:
    """Each feature's pages: one blueprint per role, nested in the feature's own blueprint.

    Endpoints read ``feature.role.view``: ``candidates.hr.shortlist`` is ``shortlist()`` in
    ``app/candidates/hr.py``.
    """
    from app.accounts import account, session
    from app.accounts import admin as accounts_admin
    from app.assignments import requester as assignments_requester
    from app.availability import expert as availability_expert
    from app.availability import focal_point as availability_focal_point
    from app.candidates import api as candidates_api
    from app.candidates import hr as candidates_hr
    from app.cv import api as cv_api
    from app.cv import focal_point as cv_focal_point
    from app.cv import hr as cv_hr
    from app.dashboards import focal_point as dashboards_focal_point
    from app.dashboards import hr as dashboards_hr
    from app.dashboards import requester as dashboards_requester
    from app.duplicates import focal_point as duplicates_focal_point
    from app.duplicates import hr as duplicates_hr
    from app.imports import focal_point as imports_focal_point
    from app.notifications import admin as notifications_admin
    from app.outreach import api as outreach_api
    from app.outreach import focal_point as outreach_focal_point
    from app.personal_data import admin as personal_data_admin
    from app.personal_data import focal_point as personal_data_focal_point
    from app.readiness import expert as readiness_expert
    from app.readiness import focal_point as readiness_focal_point
    from app.readiness import hr as readiness_hr
    from app.requests import api as requests_api
    from app.requests import hr as requests_hr
    from app.requests import requester
    from app.roster import api as roster_api
    from app.roster import focal_point as roster_focal_point
    from app.roster import hr as roster_hr
    from app.serving import health
    from app.skills import autocomplete
    from app.suggestions import api as suggestions_api
    from app.suggestions import hr as suggestions_hr

    features = {
        "accounts": [session, account, accounts_admin],
        "notifications": [notifications_admin],
        "skills": [autocomplete],
        "roster": [roster_focal_point, roster_hr, roster_api],
        "availability": [availability_focal_point, availability_expert],
        "cv": [cv_focal_point, cv_hr, cv_api],
        "personal_data": [personal_data_focal_point, personal_data_admin],
        "duplicates": [duplicates_focal_point, duplicates_hr],
        "imports": [imports_focal_point],
        "suggestions": [suggestions_hr, suggestions_api],
        "candidates": [candidates_hr, candidates_api],
        "readiness": [readiness_hr, readiness_focal_point, readiness_expert],
        "assignments": [assignments_requester],
        "outreach": [outreach_focal_point, outreach_api],
        "requests": [requester, requests_hr, requests_api],
        "dashboards": [dashboards_hr, dashboards_focal_point, dashboards_requester],
        "serving": [health],
    }
    registered = {}
    for name, pages in features.items():
        feature = Blueprint(name, __name__)
        for page in pages:
            feature.register_blueprint(page.bp)
        app.register_blueprint(feature)
        registered[name] = feature

    from app import api

    api.init_app(app, registered)


# The error pages in the reader's language: a title and what it means for them.
ERROR_PAGES = {
    400: (
        lazy_gettext("Bad request"),
        lazy_gettext("The request was not understood; nothing was changed."),
    ),
    403: (
        lazy_gettext("Not allowed"),
        lazy_gettext("Your role does not give access to this page."),
    ),
    404: (
        lazy_gettext("Not found"),
        lazy_gettext("Nothing is at this address, or it is not yours to see."),
    ),
    405: (
        lazy_gettext("Not allowed this way"),
        lazy_gettext("This address cannot be used this way."),
    ),
    413: (
        lazy_gettext("File too large"),
        lazy_gettext(
            "The file is larger than %(mb)s MB, the largest civcap accepts. Nothing was saved."
        ),
    ),
    500: (
        lazy_gettext("Something went wrong"),
        lazy_gettext("Something went wrong on our side; nothing was changed."),
    ),
    503: (
        lazy_gettext("Database not reachable"),
        lazy_gettext(
            "The database could not be reached, so nothing was changed. Try again in a moment."
        ),
    ),
}


def register_errorhandlers(app: Flask) -> None:
    """Error pages in the reader's language; the API answers with problems instead."""
    from app.api import is_api_call, problems

    def render_error(error: Any) -> Any:
        if is_api_call():
            return problems.from_http(error)
        code = getattr(error, "code", 500)
        name, description = ERROR_PAGES.get(code, ERROR_PAGES[500])
        return render_template(
            "error.html",
            code=code,
            error_name=name,
            error_description=str(description) % {"mb": app.config["MAX_UPLOAD_MB"]},
        ), code

    for code in ERROR_PAGES:
        app.errorhandler(code)(render_error)

    @app.errorhandler(HTTPException)
    def other_error(error: HTTPException) -> Any:
        return problems.from_http(error) if is_api_call() else error

    @app.errorhandler(OperationalError)
    def database_unreachable(error: OperationalError) -> Any:
        # The database went away mid-request (restarted, network): the transaction is gone,
        # so nothing of it was saved. The pool checks connections before use (pool_pre_ping),
        # so the next request connects again. The page reads nothing from the database: the
        # person is shown as logged out on it (their login stays).
        app.logger.warning("database unreachable: %s", type(error.orig).__name__)
        db.session.rollback()
        g._login_user = login_manager.anonymous_user()
        response = make_response(render_error(ServiceUnavailable()))
        response.headers["Cache-Control"] = "no-store"
        response.headers["Retry-After"] = "5"
        return response


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def set_headers(response: Any) -> Any:
        if app.config["HSTS"]:  # production is served over HTTPS only
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        # What a logged-in person sees is theirs: no browser or proxy keeps a copy of it.
        personal = request.endpoint not in NOBODYS and current_user.is_authenticated
        if personal and "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
        )
        return response


def register_template_helpers(app: Flask) -> None:
    from app.assignments import history
    from app.assignments.dates import assignment_of
    from app.common import documents, reference
    from app.models import ReadinessStatus
    from app.models.taxonomy import area_label

    app.jinja_env.globals.update(
        area_label=area_label,
        assignment_of=assignment_of,
        document_types=documents.ACCEPT,
        evidence_types=documents.EVIDENCE_ACCEPT,
        country_name=reference.country_name,
        deployment_history=history.deployments,
        language_name=reference.language_name,
        region_name=reference.region_name,
        modality_label=lambda code: reference.MODALITIES.get(code, code),
        gender_label=lambda code: reference.GENDERS.get(code, code),
        readiness_statuses=list(ReadinessStatus),
    )
