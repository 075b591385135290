"""The signed tokens of the links civcap emails to people who have no account (an expert's
reconfirmation link, their readiness link): a few whole numbers, signed with SECRET_KEY for one
purpose (the salt), each with the time it was made, read back only within their lifetime.

What a token names, and when it is used up or replaced, is the feature's (``read`` only says
whether the token is genuine and current).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer


class Expired(Exception):
    """A genuine token older than its lifetime."""


class Invalid(Exception):
    """A token civcap did not sign for this purpose, or cut or changed on the way."""


def stamp(moment: datetime) -> int:
    """A time as whole microseconds since the epoch: exact, whatever the database returns."""
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def sign(salt: str, **fields: int) -> str:
    return str(_serializer(salt).dumps(fields))


def read(salt: str, token: str, fields: tuple[str, ...], lifetime: timedelta) -> dict[str, int]:
    """The whole-number ``fields`` a token signed for ``salt`` carries; Expired or Invalid."""
    try:
        payload: Any = _serializer(salt).loads(token, max_age=int(lifetime.total_seconds()))
    except SignatureExpired:
        raise Expired() from None
    except BadData:
        raise Invalid() from None
    if not isinstance(payload, dict) or not all(
        isinstance(payload.get(name), int) and not isinstance(payload.get(name), bool)
        for name in fields
    ):
        raise Invalid()
    return {name: payload[name] for name in fields}
