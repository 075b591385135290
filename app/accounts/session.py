"""Logging in and out, and the home page: each role lands on the page of its daily job."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from app.accounts import authentication, sessions
from app.accounts.forms import LoginForm, LogoutForm
from app.models import Role

bp = Blueprint("session", __name__)

HOME_BY_ROLE = {
    Role.FOCAL_POINT: "roster.focal_point.index",
    Role.REQUESTER: "requests.requester.index",
    Role.HR_REVIEWER: "requests.hr.index",
    Role.ADMIN: "accounts.admin.index",
}


@bp.route("/")
@login_required
def home() -> Response:
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))


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


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("accounts.session.home"))
    form = LoginForm()
    if form.validate_on_submit():
        outcome = authentication.attempt(
            form.email.data or "", form.password.data or "", request.remote_addr
        )
        if outcome.user is None:
            # One message for every failure, so the form does not reveal which emails exist.
            form.password.errors.append(outcome.refusal or authentication.WRONG)
        else:
            sessions.log_in(outcome.user, remember=bool(form.remember.data))
            return redirect(safe_next(request.args.get("next")) or url_for("accounts.session.home"))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    if LogoutForm().validate_on_submit():
        sessions.end(current_user.login_token)  # the cookies no longer log anybody in
        logout_user()
        flash("You are logged out.", "info")
    return redirect(url_for("accounts.session.login"))
