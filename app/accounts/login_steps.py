"""Between the password and the login: the browser waits for its second step (a code, or
setting up the authenticator app where the role requires one).

What is waiting is kept in the signed session cookie for PENDING_FOR: the account, whether to
remember the computer and where to go next. No login exists yet, so nothing can be reached
with it; the waiting ends at the login, or when it is left too long.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import redirect, session, url_for
from werkzeug.wrappers import Response

from app.accounts import authentication, second_factor
from app.extensions import db
from app.models import User

PENDING = "civcap_login_pending"
PENDING_FOR = 10 * 60  # seconds


def safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after login (no scheme, no host, no '//' or '\\')."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    if target.startswith(("//", "/\\")):
        return None
    return target


@dataclass(frozen=True)
class Pending:
    user: User
    remember: bool
    next: str | None


def after_password(user: User, remember: bool, next_url: str | None) -> Response:
    """The password step passed: log in, or ask for the second step first."""
    if user.has_second_factor or second_factor.required_for(user):
        session[PENDING] = {
            "user": user.id,
            "at": int(time.time()),
            "remember": remember,
            "next": safe_next(next_url),
        }
        endpoint = "code" if user.has_second_factor else "enrol"
        return redirect(url_for(f"accounts.session.{endpoint}"))
    authentication.finish(user, remember)
    return redirect(safe_next(next_url) or url_for("accounts.session.home"))


def pending() -> Pending | None:
    """The login waiting for its second step in this browser, if any (and not too old)."""
    data = session.get(PENDING)
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    if time.time() - float(data.get("at", 0)) > PENDING_FOR:
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, data["user"])
    if user is None or not user.active:
        session.pop(PENDING, None)
        return None
    return Pending(user, bool(data.get("remember")), data.get("next"))


def finish(waiting: Pending) -> Response:
    session.pop(PENDING, None)
    authentication.finish(waiting.user, waiting.remember, how="password and second factor")
    return redirect(safe_next(waiting.next) or url_for("accounts.session.home"))
