"""civcap: civilian-capacity expert roster and matching. ``create_app`` builds the web app."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, render_template
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.extensions import csrf, db, login_manager, migrate
from config import load_config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    from app.models import User
    from app.services import mail

    mail.init_app(app)

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id))


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection: Any, connection_record: Any) -> None:
    # SQLite ignores foreign keys unless asked, per connection.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def register_blueprints(app: Flask) -> None:
    from app.admin.views import bp as admin_bp
    from app.auth.views import bp as auth_bp
    from app.confirm.views import bp as confirm_bp
    from app.dashboard.views import bp as dashboard_bp
    from app.main.views import bp as main_bp
    from app.outreach.views import bp as outreach_bp
    from app.requests.views import bp as requests_bp
    from app.review.views import bp as review_bp
    from app.roster.views import bp as roster_bp
    from app.skills import bp as skills_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(roster_bp)
    app.register_blueprint(requests_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(outreach_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(confirm_bp)
    app.register_blueprint(skills_bp)
    app.register_blueprint(dashboard_bp)


def register_errorhandlers(app: Flask) -> None:
    def render_error(error: Any) -> tuple[str, int]:
        code = getattr(error, "code", 500)
        return render_template("error.html", error=error, code=code), code

    for code in (400, 403, 404, 405, 500):
        app.errorhandler(code)(render_error)

    @app.errorhandler(413)
    def too_large(error: Any) -> tuple[str, int]:
        error.description = (
            f"The file is larger than {app.config['MAX_UPLOAD_MB']} MB, the largest civcap "
            "accepts. Nothing was saved."
        )
        return render_error(error)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def set_headers(response: Any) -> Any:
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
    from app import reference

    app.jinja_env.globals.update(
        country_name=reference.country_name,
        language_name=reference.language_name,
        modality_label=lambda code: reference.MODALITIES.get(code, code),
        gender_label=lambda code: reference.GENDERS.get(code, code),
    )
