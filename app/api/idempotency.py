"""``Idempotency-Key`` on creating calls: the same key with the same call gives the first
answer again, and nothing is made twice.

The answer is kept in the same transaction as what the call made, so a call either made its
record and kept its answer, or did neither. The same key with a different call is refused
(422); two calls with one key at the same moment: the second is refused (409) and may be sent
again. Answers are kept ``KEPT_HOURS`` (``civcap purge`` forgets older ones).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app, json, make_response, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.api.problems import problem
from app.common.errors import FieldError
from app.common.transaction import transaction
from app.extensions import db
from app.models import IdempotentRequest

F = TypeVar("F", bound=Callable[..., Any])

HEADER = "Idempotency-Key"
KEPT_HOURS = 24
MAX_KEY = 255
# The header as the OpenAPI document describes it, on each creating operation.
IDEMPOTENCY_KEY = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY},
    "description": "Send the same key again with the same call to get its first answer",
}


def _fingerprint() -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _replay(saved: IdempotentRequest) -> Any:
    response = current_app.response_class(
        json.dumps(saved.body), status=saved.status, mimetype="application/json"
    )
    if saved.location:
        response.headers["Location"] = saved.location
    if saved.etag:
        response.headers["ETag"] = saved.etag
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view: F) -> F:
    """Make a creating operation safe to send again with an ``Idempotency-Key``."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not key.strip() or len(key) > MAX_KEY or not key.isprintable():
            reason = _("must be 1 to %(max)s printable characters", max=MAX_KEY)
            return problem(
                422, _("The Idempotency-Key is not usable."), errors=[FieldError(HEADER, reason)]
            )
        fingerprint = _fingerprint()
        saved = db.session.scalar(
            sa.select(IdempotentRequest).where(
                IdempotentRequest.user_id == current_user.id, IdempotentRequest.key == key
            )
        )
        if saved is not None:
            if saved.fingerprint != fingerprint:
                return problem(
                    422,
                    _(
                        "This Idempotency-Key was already used for a different call: "
                        "use a new key for a new call."
                    ),
                    errors=[FieldError(HEADER, _("was used for a different call"))],
                )
            return _replay(saved)
        try:
            with transaction("record"):
                response = make_response(view(*args, **kwargs))
                if 200 <= response.status_code < 300:
                    db.session.add(
                        IdempotentRequest(
                            user_id=current_user.id,
                            key=key,
                            method=request.method,
                            path=request.path[:500],
                            fingerprint=fingerprint,
                            status=response.status_code,
                            body=response.get_json(),
                            location=response.headers.get("Location"),
                            etag=response.headers.get("ETag"),
                        )
                    )
        except IntegrityError:
            return problem(
                409,
                _(
                    "Another call with this Idempotency-Key is being made; "
                    "send this one again in a moment to get its answer."
                ),
            )
        return response

    return wrapped  # type: ignore[return-value]


def forget(now: datetime | None = None, dry_run: bool = False) -> int:
    """Forget the answers kept longer than ``KEPT_HOURS``; how many there were."""
    cutoff = (now or datetime.now(UTC)) - timedelta(hours=KEPT_HOURS)
    old = IdempotentRequest.created_at < cutoff
    count = db.session.scalar(sa.select(sa.func.count()).where(old)) or 0
    if count and not dry_run:
        with transaction("idempotency keys"):
            db.session.execute(sa.delete(IdempotentRequest).where(old))
    return int(count)
