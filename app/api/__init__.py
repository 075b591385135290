"""civcap's API for national rosters and mission systems: ``/api/v1``, over the same services and
the same permission functions as the pages.

Built with flask-smorest: the marshmallow schemas that read and check each call are also what
the OpenAPI 3.1 document (``/api/v1/openapi.json``) says of it. Each feature keeps its own
operations beside its pages (``app/roster/api.py``, ``app/requests/api.py``…); this package
holds what they share: who is calling (``access``), errors as RFC 9457 problems
(``problems``), versions and ``If-Match`` (``versions``), cursors (``paging``), replayed
``Idempotency-Key`` s (``idempotency``) and the reference page (``reference``).
"""

from __future__ import annotations

import http
from typing import Any

from flask import Blueprint, Flask
from flask_smorest import Api as SmorestApi
from flask_smorest.utils import prepare_response

from app.api.schemas import ProblemSchema
from app.common.api_calls import PREFIX, is_api_call
from app.extensions import csrf

__all__ = ["PREFIX", "Api", "init_app", "is_api_call"]

PROBLEM = "application/problem+json"


class Api(SmorestApi):  # type: ignore[misc]
    """flask-smorest's Api, with civcap's own error answers (problems, for the API only: the
    pages keep theirs) and its own spec route (``app.api.reference``)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """Errors are answered by ``app.api.problems`` (the pages keep their own)."""

    def _register_doc_blueprint(self) -> None:
        """The document and its page are served by ``app.api.reference``."""

    def _register_responses(self) -> None:
        # flask-smorest's error responses, described as the problems civcap sends.
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "A problem (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


DESCRIPTION = """\
civcap's API for national rosters and mission systems, over the same rules as the pages.

Authenticate with a personal access token made on your account page (or by an operator with
`civcap create-token`): `Authorization: Bearer civcap_…`. A token acts as its owner, never with
more than their role and organisation; a read token only reads.

Every record carries its `version`; an update needs `If-Match: "<version>"` (or the version in
the body) and a stale one is answered 412 with the current record. Lists page with cursors
(`next`). A creating POST accepts an `Idempotency-Key`: the same key with the same body gives
the first answer again. Errors are `application/problem+json` (RFC 9457), in the language of
`Accept-Language` where civcap has it.
"""


def init_app(app: Flask, features: dict[str, Blueprint]) -> Api:
    """Document the API operations registered in ``features`` (feature name → its Flask
    blueprint, already registered on ``app``), exempt them from the pages' CSRF check, and
    answer API errors as problems."""
    from app.api import access, problems, reference

    app.config.setdefault("API_TITLE", "civcap")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    spec_options = {
        "info": {"description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal access token (civcap_…)",
                }
            }
        },
        "security": [{"token": []}],
    }
    app.config.setdefault("API_SPEC_OPTIONS", spec_options)
    api = Api(app)
    access.init_app(app)
    problems.init_app(app)
    api_feature = Blueprint("api", __name__)
    api_feature.register_blueprint(reference.bp)
    app.register_blueprint(api_feature)
    for name, feature in features.items():
        for child, _options in feature._blueprints:
            if getattr(child, "_docs", None) is not None:  # a flask-smorest blueprint
                csrf.exempt(child)  # a call carries a token, not a form's CSRF token
                _name_operations(app, f"{name}.{child.name}", child)
                child.register_views_in_doc(
                    api, app, api.spec, name=f"{name}.{child.name}", parameters=None
                )
    return api


def _name_operations(app: Flask, prefix: str, blueprint: Any) -> None:
    """Each operation's ``operationId`` is its view's name (``read_expert``), which the links
    between operations name too; ``x-roles`` names the roles whose tokens may call it."""
    for endpoint, doc in blueprint._docs.items():
        roles = getattr(app.view_functions[f"{prefix}.{endpoint}"], "roles", ())
        for method, info in doc.items():
            if method != "parameters":
                manual = info.setdefault("manual_doc", {})
                manual.setdefault("operationId", endpoint)
                manual.setdefault("x-roles", [role.value for role in roles])
