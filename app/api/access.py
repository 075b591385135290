"""Who is calling the API: the owner of a live personal access token, within their role, their
organisation and the token's scope; throttled per token.

A call is authenticated by ``Authorization: Bearer <token>`` only: the pages' login cookie is
ignored on the API (so a page a person has open cannot be made to call it: no CSRF), and the
token's owner is ``current_user`` for the call, so the views ask the same permission functions
(``app.common.permissions``) as the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Request, current_app, g, request
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.accounts import tokens
from app.api.problems import problem
from app.common import security_log
from app.common.api_calls import is_api_call
from app.extensions import login_manager
from app.models import Role, User
from app.models.api_token import ApiToken

F = TypeVar("F", bound=Callable[..., Any])


def _api_rate() -> str:
    return str(current_app.config["API_RATE_LIMIT"])


def _not_api() -> bool:
    return not is_api_call()


def throttle_key() -> str:
    """Calls are counted per token; before one is known (a wrong token), per address."""
    token = current_token()
    return f"token:{token.id}" if token is not None else f"address:{get_remote_address()}"


# Throttling per token: Flask-Limiter, its counters in RATELIMIT_STORAGE_URI (memory by default;
# a shared store when several workers serve). The pages have their own login throttling.
limiter = Limiter(
    key_func=throttle_key,
    default_limits=[_api_rate],
    default_limits_exempt_when=_not_api,
    headers_enabled=True,
)

READING = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer(req: Request) -> str | None:
    """The token sent as ``Authorization: Bearer …``, if any."""
    header = req.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def current_token() -> ApiToken | None:
    """The token of this API call (None outside one, or before it is authenticated)."""
    return g.get("api_token")


def init_app(app: Flask) -> None:
    limiter.init_app(app)

    @login_manager.request_loader
    def user_of_token(req: Request) -> User | None:
        if not is_api_call():
            return None
        secret = bearer(req)
        token = tokens.authenticate(secret) if secret else None
        g.api_token = token
        return token.user if token is not None else None


def allow(*roles: Role) -> Callable[[F], F]:
    """The operation is for a live token of one of ``roles``; one that changes anything needs
    a write token. Refusals are problems (401 without a token, 403 otherwise) and are kept in
    the security log."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            token = current_token()
            if token is None or not current_user.is_authenticated:
                return problem(401, headers={"WWW-Authenticate": 'Bearer realm="civcap"'})
            if current_user.role not in roles:
                security_log.record(
                    "access.denied",
                    user=current_user,
                    subject=request.path,
                    detail=f"role {current_user.role.value} may not use this operation",
                )
                return problem(403, _("Your role does not give access to this operation."))
            if request.method not in READING and not token.writes:
                security_log.record(
                    "access.denied",
                    user=current_user,
                    subject=request.path,
                    detail=f"read-only token {token.prefix}… may not write",
                )
                return problem(403, _("This token may only read: make a read and write token."))
            return view(*args, **kwargs)

        wrapped.roles = roles  # type: ignore[attr-defined]  # documented as x-roles
        return wrapped  # type: ignore[return-value]

    return decorator


def via() -> str:
    """How the audit trail names a change made through the API: the token's name."""
    token = current_token()
    return f"API token {token.name!r}" if token is not None else ""
