"""Versions and ``If-Match``: no lost update through the API.

Every record carries its ``version`` (SQLAlchemy's version counter, the one the pages' forms
send back too) and its ``ETag`` is that version (``"3"``). An update says which version it
changes, as ``If-Match: "3"`` or as ``version`` in its body; without either it is refused with
428, and with a stale one with 412 and the record as it is now.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.api.problems import problem

F = TypeVar("F", bound=Callable[..., Any])

# The headers as the OpenAPI document describes them: ETag on every record answered (and
# Location on one just made), If-Match on each updating operation.
ETAG = {"ETag": {"schema": {"type": "string"}, "description": 'The version, quoted: `"3"`'}}
LOCATION = {"Location": {"schema": {"type": "string"}}, **ETAG}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": 'The version changed, as the record\'s ETag (`"3"`); or send `version`',
}


class Precondition(Exception):
    """The update cannot be made as asked: ``response`` says why (428 or 412)."""

    def __init__(self, response: Response):
        super().__init__(response.status)
        self.response = response


def etag(version: int) -> str:
    return f'"{version}"'


def answer_record(
    body: dict[str, Any], version: int, status: int = 200, location: str | None = None
) -> tuple[dict[str, Any], int, dict[str, str]]:
    """A record as flask-smorest returns it: with its version as ETag, and where it is when
    just made."""
    headers = {"ETag": etag(version)}
    if location is not None:
        headers["Location"] = location
    return body, status, headers


def versioned(blueprint: Any, *, refusable: bool = False) -> Callable[[F], F]:
    """Document an operation that changes a record at a version: its If-Match header and its
    answers for a record not found, a stale version (412) and none (428); with ``refusable``,
    also a change its record's state refuses (409)."""

    def decorator(view: F) -> F:
        answers = [(404, "NOT_FOUND"), (412, "PRECONDITION_FAILED")]
        answers += [(428, "PRECONDITION_REQUIRED")] + ([(409, "CONFLICT")] if refusable else [])
        for status, name in answers:
            view = blueprint.alt_response(status, response=name)(view)
        return blueprint.doc(parameters=[IF_MATCH])(view)  # type: ignore[no-any-return]

    return decorator


def _if_match() -> int | None:
    """The version ``If-Match`` names (``"3"``, ``W/"3"`` or ``3``); None without the header,
    or with ``*`` (any version: a change must name the one it was made on)."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"').strip()
    if not value.isdigit() or len(value) > 18:
        raise Precondition(problem(412, _('If-Match must name a version of the record, e.g. "3".')))
    return int(value)


def expected(version: int, body_version: int | None, current: Callable[[], dict[str, Any]]) -> int:
    """The version the caller means to change (``If-Match``, else the body's), once it is
    known to be ``version``, the record's own: 428 without one; 412 with a stale one, and
    ``current()``, the record as it is now."""
    wanted = _if_match()
    if wanted is None:
        wanted = body_version
    if wanted is None:
        raise Precondition(
            problem(
                428,
                _(
                    "Say which version you change: send If-Match with the record's ETag, "
                    "or its version in the body. Read the record first to learn it."
                ),
            )
        )
    if wanted != version:
        response = problem(
            412,
            _(
                "The record was changed since you read it (version %(wanted)s; it is now at "
                "version %(now)s). Nothing was saved: apply your change to the current record.",
                wanted=wanted,
                now=version,
            ),
            current=current(),
        )
        response.headers["ETag"] = etag(version)
        raise Precondition(response)
    return wanted
