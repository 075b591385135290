"""Lists of the API, page by page with cursors: stable while records are added or changed
(a cursor is "after this id", not "page 3"), and opaque to the caller."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import sqlalchemy as sa
from flask import request, url_for
from flask_babel import gettext as _

from app.common.errors import FieldError, ValidationFailed
from app.common.queries import MAX_ID
from app.extensions import db

_PREFIX = "after:"


def encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{last_id}".encode()).decode().rstrip("=")


def decode(cursor: str | None) -> int | None:
    """The id a cursor continues after; a cursor civcap did not make is refused (422)."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    number = raw.removeprefix(_PREFIX)
    if not raw.startswith(_PREFIX) or not number.isdigit() or int(number) > MAX_ID:
        raise ValidationFailed(
            [FieldError("after", _("is not a cursor of this list: use the next value it gave"))]
        )
    return int(number)


def page(
    query: sa.Select[Any], id_column: Any, after: str | None, limit: int
) -> tuple[list[Any], str | None]:
    """``limit`` rows of ``query`` after the cursor, in id order, and the next cursor."""
    last = decode(after)
    query = query.order_by(None).order_by(id_column)
    if last is not None:
        query = query.where(id_column > last)
    rows = list(db.session.scalars(query.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode(rows[-1].id) if more and rows else None)


def answer(items: list[Any], next_cursor: str | None) -> tuple[dict[str, Any], int, dict[str, str]]:
    """A page as flask-smorest returns it, with a ``Link: <…>; rel="next"`` header."""
    headers = {}
    if next_cursor is not None and request.endpoint:
        arguments = {**request.args.to_dict(), **(request.view_args or {}), "after": next_cursor}
        headers["Link"] = f'<{url_for(request.endpoint, **arguments)}>; rel="next"'
    return {"items": items, "next": next_cursor}, 200, headers
