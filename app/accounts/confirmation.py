"""Recent re-authentication (OWASP ASVS 3.7) before the most sensitive acts: erasing personal
data, merging experts, creating users, switching accounts off, resetting a second factor.

A view marked ``confirmation_required`` runs only when the person proved who they are in this
login within CONFIRM_MINUTES (logging in counts); otherwise they are sent to confirm with their
password (and code where enrolled), then back to the page they were on, to do it again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts import sessions
from app.accounts.login_steps import safe_next

F = TypeVar("F", bound=Callable[..., Any])

ASK = _l("For this, confirm it is you first; then do it again.")


def _back() -> str:
    """Where to return after confirming: this page for a GET, the page the form was on for a
    POST (a POST is never replayed)."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if parts.netloc == request.host:
        return safe_next(parts.path + (f"?{parts.query}" if parts.query else "")) or "/"
    return "/"


def ask_to_confirm(message: str = ASK, back: str | None = None) -> Response:
    """Send the person to confirm who they are, then back to ``back`` (by default the page they
    were on) to do it again."""
    flash(message, "info")
    return redirect(url_for("accounts.account.confirm", next=back or _back()))


def confirmation_required(view: F) -> F:
    """Put after the role check: ``@role_required(...)`` then ``@confirmation_required``."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not sessions.confirmed_recently(current_user):
            return ask_to_confirm()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
