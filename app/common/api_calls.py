"""Which requests are calls of the API (``/api/v1/…``): they are answered with JSON and
problems, authenticated by their bearer token only, and their errors are in the language of
their ``Accept-Language``."""

from __future__ import annotations

from flask import g, has_request_context, request

PREFIX = "/api/v1"


def is_api_call() -> bool:
    return has_request_context() and (
        request.path == PREFIX or request.path.startswith(PREFIX + "/")
    )


def token_name() -> str | None:
    """The name of the API token this request is made with (``app.api.access`` sets it)."""
    if not has_request_context():
        return None
    token = g.get("api_token")
    return token.name if token is not None else None
