"""Versions and ``If-Match``: no lost update through the API.

Every record carries its ``version`` (SQLAlchemy's version counter, the one the pages' forms
send back too) and its ``ETag`` is that version (``"3"``). An update says which version it
changes, as ``If-Match: "3"`` or as ``version`` in its body; without either it is refused with
428, and with a stale one with 412 and the record as it is now.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.api.problems import problem

# The header as the OpenAPI document describes it, on each updating operation.
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


def _if_match() -> int | None:
    """The version ``If-Match`` names (``"3"``, ``W/"3"`` or ``3``); None without the header."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    value = header.strip().removeprefix("W/").strip('"').strip()
    if not value.isdigit() or len(value) > 18:
        raise Precondition(problem(412, _('If-Match must name a version of the record, e.g. "3".')))
    return int(value)


def expected(body_version: int | None) -> int:
    """The version the caller means to change: ``If-Match``, else the body's; 428 without."""
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
    return wanted


def check(current_version: int, wanted: int, current: dict[str, Any]) -> None:
    """Refuse with 412 and ``current`` (the record as it is now) when ``wanted`` is stale."""
    if wanted != current_version:
        response = problem(
            412,
            _(
                "The record was changed since you read it (version %(wanted)s; it is now at "
                "version %(now)s). Nothing was saved: apply your change to the current record.",
                wanted=wanted,
                now=current_version,
            ),
            current=current,
        )
        response.headers["ETag"] = etag(current_version)
        raise Precondition(response)
