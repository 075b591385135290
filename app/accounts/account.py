"""A person's own account: their logins (see them, end the others) and their password."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.accounts import sessions, users
from app.accounts.forms import ChangePasswordForm, EndSessionForm
from app.common.errors import ValidationFailed
from app.common.forms import attach_errors
from app.extensions import db
from app.models import UserSession

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/sessions")
@login_required
def my_sessions() -> str:
    rows = sessions.live_sessions(current_user)
    return render_template(
        "accounts/sessions.html",
        rows=[(row, sessions.is_current(row, current_user)) for row in rows],
        form=EndSessionForm(),
    )


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: int) -> Response:
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    if EndSessionForm().validate_on_submit():
        sessions.end_one(row, current_user)
        flash("That login is ended: whoever used it must log in again.", "success")
    return redirect(url_for("accounts.account.my_sessions"))


@bp.route("/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions() -> Response:
    if EndSessionForm().validate_on_submit():
        ended = sessions.end_all(current_user, "ended by the user", keep=current_user.login_token)
        flash(f"{ended} other login(s) ended; this one goes on.", "success")
    return redirect(url_for("accounts.account.my_sessions"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            users.change_password(
                user, form.current_password.data or "", form.new_password.data or ""
            )
        except ValidationFailed as exc:
            attach_errors(form, exc.errors)
        else:
            # Every login of the user ended with the change; this browser goes on with a new one.
            sessions.log_in(user)
            flash("Your password is changed. Every other login of yours has ended.", "success")
            return redirect(url_for("accounts.account.my_sessions"))
    status = 422 if form.errors else 200
    return render_template("accounts/password.html", form=form), status
