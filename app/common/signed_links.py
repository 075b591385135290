"""The signed tokens of the links civcap emails to people who have no account (an expert's
reconfirmation link, their readiness link): a few whole numbers, signed with SECRET_KEY for one
purpose (the salt), each with the time it was made, read back only within their lifetime.

What a token names, when it is used up or replaced, and the words that say so are the
feature's; ``read`` says whether the token is genuine and current, and ``LinkRefused`` carries
why a link cannot be used, in the feature's words, with its HTTP status.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import LazyString
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer


class LinkProblem(enum.StrEnum):
    EXPIRED = "expired"  # genuine, older than its lifetime
    INVALID = "invalid"  # not signed by civcap for this purpose, or cut or changed on the way
    USED = "used"
    REPLACED = "replaced"  # a newer link was sent
    GONE = "gone"  # what it names is no longer there to act on


class LinkRefused(Exception):
    """A link that cannot be used, with the feature's words for why; nothing was changed."""

    def __init__(self, problem: LinkProblem, messages: Mapping[LinkProblem, LazyString]):
        super().__init__(str(messages[problem]))
        self.problem = problem

    @property
    def status(self) -> int:
        return 400 if self.problem is LinkProblem.INVALID else 410


def stamp(moment: datetime) -> int:
    """A time as whole microseconds since the epoch: exact, whatever the database returns."""
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def sign(salt: str, **fields: int) -> str:
    return str(_serializer(salt).dumps(fields))


def read(
    salt: str,
    token: str,
    fields: tuple[str, ...],
    lifetime: timedelta,
    messages: Mapping[LinkProblem, LazyString],
) -> dict[str, int]:
    """The whole-number ``fields`` a token signed for ``salt`` carries; else LinkRefused
    (expired or invalid) in the feature's ``messages``."""
    try:
        payload: Any = _serializer(salt).loads(token, max_age=int(lifetime.total_seconds()))
    except SignatureExpired:
        raise LinkRefused(LinkProblem.EXPIRED, messages) from None
    except BadData:
        raise LinkRefused(LinkProblem.INVALID, messages) from None
    if not isinstance(payload, dict) or not all(
        isinstance(payload.get(name), int) and not isinstance(payload.get(name), bool)
        for name in fields
    ):
        raise LinkRefused(LinkProblem.INVALID, messages)
    return {name: payload[name] for name in fields}
