"""Logging in and out, and the home page: each role lands on the page of its daily job.

A login is the password, then (``login_steps``) the code of the authenticator app where the
account has one, or setting one up where the role requires it. "Forgot password" emails a link.
"""

from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from app.accounts import authentication, links, login_steps, pages, sessions, users
from app.accounts.forms import (
    CODE_HELP,
    CodeForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    LogoutForm,
)
from app.common import i18n, security_log
from app.models import Role

bp = Blueprint("session", __name__)

HOME_BY_ROLE = {
    Role.FOCAL_POINT: "roster.focal_point.index",
    Role.REQUESTER: "requests.requester.index",
    Role.HR_REVIEWER: "requests.hr.index",
    Role.ADMIN: "accounts.admin.index",
}
FORGOT_ANSWER = _l(
    "If an account has this email, a link to choose a new password is on its way to it. "
    "The link works once, for a limited time."
)
WAITED_TOO_LONG = _l("Your login waited too long for its second step: log in again.")


@bp.route("/")
@login_required
def home() -> Response:
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))


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
            form.password.errors.append(outcome.refusal or authentication.wrong())
        else:
            return login_steps.after_password(
                outcome.user, bool(form.remember.data), request.args.get("next")
            )
    return render_template("accounts/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
def code() -> str | Response:
    waiting = login_steps.pending()
    if waiting is None or not waiting.user.has_second_factor:
        flash(WAITED_TOO_LONG, "info")
        return redirect(url_for("accounts.session.login"))
    form = CodeForm()
    if form.validate_on_submit():
        refusal = authentication.second_step(
            waiting.user, form.code.data or "", request.remote_addr
        )
        if refusal is None:
            return login_steps.finish(waiting)
        form.code.errors.append(refusal)
    return render_template("accounts/code.html", form=form, help=CODE_HELP)


@bp.route("/login/second-factor", methods=["GET", "POST"])
def enrol() -> str | Response:
    """Setting up the authenticator app before the first login of a role that needs one."""
    waiting = login_steps.pending()
    if waiting is None or waiting.user.has_second_factor:
        flash(WAITED_TOO_LONG, "info")
        return redirect(url_for("accounts.session.login"))
    page, codes = pages.enrolment(waiting.user, url_for("accounts.session.enrol"))
    if codes is None:
        assert page is not None
        return page
    login_steps.finish(waiting)  # then the codes, whose "go on" leads where the login was headed
    return pages.recovery_codes(codes, waiting.next, first=True)


@bp.route("/login/forgot", methods=["GET", "POST"])
def forgot_password() -> str | Response:
    """The same answer, in the same time, whether or not an account has the email."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        started = time.perf_counter()
        links.ask_reset(form.email.data or "")  # its email is a job, sent as it commits
        floor = int(current_app.config["RECOVERY_ANSWER_MS"]) / 1000
        time.sleep(max(0.0, floor - (time.perf_counter() - started)))
        flash(FORGOT_ANSWER, "info")
        return redirect(url_for("accounts.session.login"))
    return render_template("accounts/forgot.html", form=form)


@bp.route("/language", methods=["POST"])
def set_language() -> Response:
    """The language switcher of every page: for this browser (a cookie), and for the person's
    account when logged in (their pages and emails)."""
    form = LanguageForm()
    back = login_steps.safe_next(form.next.data) or url_for("accounts.session.home")
    response = redirect(back)
    if form.validate_on_submit():
        chosen = form.language.data or i18n.DEFAULT
        if current_user.is_authenticated:
            users.set_language(current_user._get_current_object(), chosen)
        response.set_cookie(
            i18n.COOKIE,
            chosen,
            max_age=365 * 24 * 3600,
            secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
            httponly=True,
            samesite="Lax",
        )
    return response


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    if LogoutForm().validate_on_submit():
        user = current_user._get_current_object()
        sessions.end(current_user.login_token)  # the cookies no longer log anybody in
        security_log.record("logout", user=user, subject=user.email)
        logout_user()
        flash(_("You are logged out."), "info")
    return redirect(url_for("accounts.session.login"))
