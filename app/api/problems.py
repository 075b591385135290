"""Errors of the API as RFC 9457 problems (``application/problem+json``), in the caller's
language: the field, the line or the rule, never a page of HTML and never a stack trace.

A service's ``ValidationFailed`` is 422 with each field; ``Conflict`` (the record changed, or
cannot change in its state) and ``NotAllowed`` are 409; a schema's refusal is 422 with each
field as webargs found it; any other HTTP error keeps its status.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, json
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from app.common.api_calls import is_api_call
from app.common.errors import Conflict, FieldError, NotAllowed, ValidationFailed

PROBLEM = "application/problem+json"

# What each status means to the caller, in their language.
TITLES = {
    400: _l("Bad request"),
    401: _l("Not authenticated"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Not allowed this way"),
    406: _l("Not acceptable"),
    409: _l("Conflict"),
    412: _l("Changed since you read it"),
    413: _l("Too large"),
    415: _l("Unsupported media type"),
    422: _l("Invalid input"),
    428: _l("A version is needed"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}
DETAILS = {
    400: _l("The request was not understood; nothing was changed."),
    401: _l("Send a live token: Authorization: Bearer civcap_…"),
    404: _l("Nothing is at this address, or it is not yours to see."),
    405: _l("This address cannot be used this way."),
    413: _l("The request is larger than civcap accepts. Nothing was saved."),
    415: _l("Send JSON (Content-Type: application/json)."),
    429: _l("Too many requests with this token; wait and try again."),
    500: _l("Something went wrong on our side; nothing was changed."),
}


def problem(
    status: int,
    detail: str | None = None,
    *,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    """A problem response: its status, title, what happened and, for bad input, each field."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": str(TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400])),
        "status": status,
    }
    said = detail if detail is not None else DETAILS.get(status)
    if said is not None:
        body["detail"] = str(said)
    if errors:
        body["errors"] = [{"field": e.field, "message": str(e.message)} for e in errors]
    body.update(extensions)
    response = current_app.response_class(
        json.dumps(body), status=status, mimetype=PROBLEM, headers=headers
    )
    return response


def field_errors(messages: Any, prefix: str = "") -> list[FieldError]:
    """webargs' nested messages (``{"languages": {0: {"level": [...]}}}``) as one error per
    field (``languages[0].level``)."""
    if isinstance(messages, list | tuple):
        if all(isinstance(m, str) or not isinstance(m, dict | list) for m in messages):
            return [FieldError(prefix or "body", str(m)) for m in messages]
        found: list[FieldError] = []
        for message in messages:
            found += field_errors(message, prefix)
        return found
    if isinstance(messages, dict):
        found = []
        for key, value in messages.items():
            if isinstance(key, int):
                name = f"{prefix}[{key}]"
            elif key == "_schema":
                name = prefix
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            found += field_errors(value, name)
        return found
    return [FieldError(prefix or "body", str(messages))]


def from_http(error: HTTPException) -> Response:
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if code == 422 and "messages" in data:
        # {"json": {...}, "query": {...}, "headers": {...}}: the field names are unique enough
        errors = [e for messages in data["messages"].values() for e in field_errors(messages)]
        return problem(422, _("Some fields are not right; nothing was saved."), errors=errors)
    if code == 405:
        allowed = error.get_response().headers.get("Allow")
        if allowed:
            headers["Allow"] = allowed
    detail = data.get("message") if isinstance(data.get("message"), str) else None
    return problem(code, detail, headers=headers or None)


def init_app(app: Flask) -> None:
    """Service errors raised by API views (the pages catch theirs and show them on the form:
    one that reaches here from a page is a fault, and its page says so)."""
    from app.api.versions import Precondition  # which answers with a problem: imported late

    def only_api(error: Exception) -> None:
        if not is_api_call():
            raise error

    @app.errorhandler(ValidationFailed)
    def invalid(error: ValidationFailed) -> Response:
        only_api(error)
        return problem(422, _("Some fields are not right; nothing was saved."), errors=error.errors)

    @app.errorhandler(Conflict)
    def conflict(error: Conflict) -> Response:
        only_api(error)
        return problem(409, str(error))

    @app.errorhandler(NotAllowed)
    def not_allowed(error: NotAllowed) -> Response:
        only_api(error)
        return problem(409, str(error))

    @app.errorhandler(Precondition)
    def precondition(error: Precondition) -> Response:
        return error.response
