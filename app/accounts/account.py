"""A person's own account: their logins (see them, end the others), their password, their
second factor, confirming who they are before a sensitive act, and setting a password through
an emailed link (before any login)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    after_this_request,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from app.accounts import (
    authentication,
    links,
    login_steps,
    pages,
    second_factor,
    sessions,
    tokens,
    users,
)
from app.accounts.confirmation import ask_to_confirm
from app.accounts.forms import (
    CODE_HELP,
    ChangePasswordForm,
    ConfirmIdentityForm,
    EndSessionForm,
    RenewCodesForm,
    RevokeTokenForm,
    SecondFactorOffForm,
    SetPasswordForm,
    TokenForm,
)
from app.accounts.login_steps import safe_next
from app.common import security_log
from app.common.errors import ValidationFailed
from app.common.forms import attach_errors
from app.common.permissions import refuse
from app.extensions import db
from app.models import LinkPurpose, UserSession

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def my_tokens() -> str | Response:
    """The person's API tokens, and a new one (after confirming who they are), shown once."""
    form = TokenForm()
    made = None
    if request.method == "POST":
        if not sessions.confirmed_recently(current_user):
            return ask_to_confirm()
        if form.validate_on_submit():
            try:
                made = tokens.create(
                    current_user, form.name.data or "", form.scope.data or "", form.days.data
                )
            except ValidationFailed as exc:
                attach_errors(form, exc.errors)
            else:
                form = TokenForm(formdata=None)
    return render_template(
        "accounts/tokens.html",
        form=form,
        made=made,
        rows=[(t, tokens.is_live(t)) for t in tokens.of(current_user)],
        revoke_form=RevokeTokenForm(),
    )


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int) -> Response:
    form = RevokeTokenForm()
    if not form.validate_on_submit():
        abort(400)
    token = tokens.revoke(current_user, token_id)
    if token is None:
        refuse(current_user, "token", token_id)
    flash(_("The token %(name)s is revoked: it no longer works.", name=token.name), "success")
    return redirect(url_for("accounts.account.my_tokens"))


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
    if row is None:
        abort(404)
    if row.user_id != current_user.id:
        refuse(current_user, "login", session_id)
    if EndSessionForm().validate_on_submit():
        sessions.end_one(row, current_user)
        flash(_("That login is ended: whoever used it must log in again."), "success")
    return redirect(url_for("accounts.account.my_sessions"))


@bp.route("/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions() -> Response:
    if EndSessionForm().validate_on_submit():
        ended = sessions.end_all(current_user, "ended by the user", keep=current_user.login_token)
        security_log.record(
            "sessions.ended",
            user=current_user,
            actor=current_user,
            subject=current_user.email,
            detail=f"{ended} other login(s) ended by the user",
        )
        flash(
            ngettext(
                "%(num)d other login ended; this one goes on.",
                "%(num)d other logins ended; this one goes on.",
                ended,
            ),
            "success",
        )
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
            flash(_("Your password is changed. Every other login of yours has ended."), "success")
            return redirect(url_for("accounts.account.my_sessions"))
    status = 422 if form.errors else 200
    return render_template("accounts/password.html", form=form), status


@bp.route("/confirm", methods=["GET", "POST"])
@login_required
def confirm() -> str | Response | tuple[str, int]:
    """Prove again who you are (password, and code where enrolled) before a sensitive act."""
    form = ConfirmIdentityForm()
    back = safe_next(request.args.get("next")) or url_for("accounts.session.home")
    if form.validate_on_submit():
        refusal = authentication.confirm_identity(
            current_user._get_current_object(),
            form.password.data or "",
            form.code.data or "",
            request.remote_addr,
        )
        if refusal is None:
            flash(_("Thank you: you can go on."), "success")
            return redirect(back)
        form.password.errors.append(refusal)
    status = 422 if form.errors else 200
    return render_template("accounts/confirm.html", form=form, help=CODE_HELP, back=back), status


@bp.route("/second-factor", methods=["GET", "POST"])
@login_required
def my_second_factor() -> str | Response:
    """See the second factor; set one up where it is optional (or was reset)."""
    user = current_user._get_current_object()
    if not user.has_second_factor:
        page, codes = pages.enrolment(user, url_for("accounts.account.my_second_factor"))
        return page if codes is None else pages.recovery_codes(codes, None, first=True)
    return render_template(
        "accounts/second_factor.html",
        user=user,
        left=second_factor.recovery_codes_left(user),
        required=second_factor.required_for(user),
        renew_form=RenewCodesForm(),
        off_form=SecondFactorOffForm(),
    )


@bp.route("/second-factor/recovery-codes", methods=["POST"])
@login_required
def renew_recovery_codes() -> str | Response:
    user = current_user._get_current_object()
    if not user.has_second_factor or not RenewCodesForm().validate_on_submit():
        return redirect(url_for("accounts.account.my_second_factor"))
    if not sessions.confirmed_recently(user):
        return ask_to_confirm(
            _("For new recovery codes, confirm it is you first; then do it again."),
            back=url_for("accounts.account.my_second_factor"),
        )
    return pages.recovery_codes(second_factor.renew_recovery_codes(user), None, first=False)


@bp.route("/second-factor/off", methods=["POST"])
@login_required
def second_factor_off() -> Response:
    user = current_user._get_current_object()
    if not SecondFactorOffForm().validate_on_submit() or not user.has_second_factor:
        return redirect(url_for("accounts.account.my_second_factor"))
    if second_factor.required_for(user):
        flash(_("A %(role)s must keep a second factor.", role=user.role.label), "error")
        return redirect(url_for("accounts.account.my_second_factor"))
    if not sessions.confirmed_recently(user):
        return ask_to_confirm(
            _("To turn it off, confirm it is you first; then do it again."),
            back=url_for("accounts.account.my_second_factor"),
        )
    second_factor.remove(user, actor=user, reason="turned off by the user")
    logout_user()
    flash(_("The second factor is off, and every login of yours has ended: log in again."), "info")
    return redirect(url_for("accounts.session.login"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str) -> str | Response | tuple[str, int]:
    """An invitation or a reset link: choose a password, then log in (with the second step)."""

    @after_this_request
    def no_referrer(response: Response) -> Response:
        response.headers["Referrer-Policy"] = "no-referrer"  # the token stays off other logs
        return response

    try:
        link = links.verify(token)
    except links.LinkRefused as exc:
        links.refused(exc.problem)
        return _refused(exc.problem)
    form = SetPasswordForm()
    user = link.user
    if form.validate_on_submit():
        try:
            links.set_password(link, form.password.data or "")
        except ValidationFailed as exc:
            attach_errors(form, exc.errors)
        except links.LinkRefused as exc:
            return _refused(exc.problem)
        else:
            if current_user.is_authenticated:
                logout_user()
            flash(_("Your password is set."), "success")
            return login_steps.after_password(user, remember=False, next_url=None)
    status = 422 if form.errors else 200
    return render_template(
        "accounts/set_password.html",
        form=form,
        user=user,
        invitation=link.purpose is LinkPurpose.INVITATION,
    ), status


def _refused(problem: links.LinkProblem) -> tuple[str, int]:
    status = 400 if problem is links.LinkProblem.INVALID else 410
    return render_template("accounts/link_refused.html", problem_text=problem.message), status
