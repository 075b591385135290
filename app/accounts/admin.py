"""Administration: organisations, user accounts (invitations, locks, second-factor resets) and
the security log."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask import request as http_request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.accounts import links, organisations, second_factor, throttling, users
from app.accounts.confirmation import confirmation_required
from app.accounts.forms import (
    LiftLockForm,
    OrganisationForm,
    ResendInvitationForm,
    ResetSecondFactorForm,
    SecurityLogFilterForm,
    ToggleActiveForm,
    UserForm,
)
from app.common import security_log
from app.common.csv_export import csv_response
from app.common.errors import NotAllowed, ValidationFailed
from app.common.forms import attach_errors, choices
from app.common.permissions import role_required
from app.extensions import db
from app.models import LoginThrottle, Organisation, OrganisationKind, Role, User

bp = Blueprint("admin", __name__, url_prefix="/admin")
CSV_ROWS = 100_000  # the newest entries that match; filter by dates for older ones


def _organisation_choices() -> list[SelectChoice]:
    rows = db.session.scalars(sa.select(Organisation).order_by(Organisation.name))
    return choices((o.id, f"{o.name} ({o.kind.label})") for o in rows)


def _page(org_form: OrganisationForm, user_form: UserForm) -> str:
    user_counts = dict(
        db.session.execute(
            sa.select(User.organisation_id, sa.func.count()).group_by(User.organisation_id)
        ).all()
    )
    return render_template(
        "accounts/admin.html",
        organisations=db.session.scalars(sa.select(Organisation).order_by(Organisation.name)),
        users=db.session.scalars(sa.select(User).order_by(User.email)),
        user_counts=user_counts,
        org_form=org_form,
        user_form=user_form,
        toggle_form=ToggleActiveForm(),
        locks=throttling.locks(),
        lift_form=LiftLockForm(),
        resend_form=ResendInvitationForm(),
    )


@bp.route("/")
@role_required(Role.ADMIN)
def index() -> str:
    user_form = UserForm()
    user_form.organisation.choices = _organisation_choices()
    return _page(OrganisationForm(), user_form)


@bp.route("/organisations", methods=["POST"])
@role_required(Role.ADMIN)
def add_organisation() -> str | Response:
    form = OrganisationForm()
    user_form = UserForm(formdata=None)
    user_form.organisation.choices = _organisation_choices()
    if form.validate_on_submit():
        try:
            org = organisations.create(
                form.name.data or "",
                OrganisationKind(form.kind.data),
                form.country.data or None,
                actor=current_user,
            )
        except ValidationFailed as exc:
            attach_errors(form, exc.errors)
        else:
            flash(_("Added %(name)s.", name=org.name), "success")
            return redirect(url_for("accounts.admin.index"))
    return _page(form, user_form)


@bp.route("/users", methods=["POST"])
@role_required(Role.ADMIN)
@confirmation_required
def add_user() -> str | Response:
    form = UserForm()
    form.organisation.choices = _organisation_choices()
    if form.validate_on_submit():
        org = db.session.get(Organisation, form.organisation.data)
        if org is None:
            abort(400)
        try:
            user, _link = links.invite_new_user(
                form.email.data or "",
                form.full_name.data or "",
                Role(form.role.data),
                org,
                actor=current_user,
            )
        except ValidationFailed as exc:
            attach_errors(form, exc.errors)
        else:
            flash(
                _(
                    "Added %(role)s %(email)s and emailed the invitation: the link works for "
                    "%(days)s days.",
                    role=user.role.label,
                    email=user.email,
                    days=current_app.config["INVITATION_DAYS"],
                ),
                "success",
            )
            return redirect(url_for("accounts.admin.index"))
    return _page(OrganisationForm(formdata=None), form)


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required(Role.ADMIN)
@confirmation_required
def toggle_active(user_id: int) -> Response:
    user = _user(user_id)
    if ToggleActiveForm().validate_on_submit():
        try:
            users.set_active(user, not user.active, actor=current_user)
        except NotAllowed as exc:
            flash(str(exc), "error")
        else:
            flash(
                _("%(email)s is now active.", email=user.email)
                if user.active
                else _("%(email)s is now switched off.", email=user.email),
                "success",
            )
    return redirect(url_for("accounts.admin.index"))


@bp.route("/locks/<int:throttle_id>/lift", methods=["POST"])
@role_required(Role.ADMIN)
def lift_lock(throttle_id: int) -> Response:
    throttle = db.session.get(LoginThrottle, throttle_id)
    if throttle is None:
        abort(404)
    if LiftLockForm().validate_on_submit():
        what = throttle.subject
        throttling.lift(throttle, current_user)
        flash(_("Logins for %(what)s are allowed again.", what=what), "success")
    return redirect(url_for("accounts.admin.index"))


@bp.route("/users/<int:user_id>/invitation", methods=["POST"])
@role_required(Role.ADMIN)
def resend_invitation(user_id: int) -> Response:
    user = _user(user_id)
    if ResendInvitationForm().validate_on_submit():
        if user.password_hash is not None:
            flash(_("%(email)s has set a password already.", email=user.email), "info")
        else:
            links.invite(user, current_user)
            flash(
                _(
                    "A new invitation is on its way to %(email)s; older links stop working.",
                    email=user.email,
                ),
                "success",
            )
    return redirect(url_for("accounts.admin.index"))


@bp.route("/users/<int:user_id>/second-factor", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@confirmation_required
def reset_second_factor(user_id: int) -> str | Response:
    user = _user(user_id)
    form = ResetSecondFactorForm()
    if not user.has_second_factor:
        flash(_("%(email)s has no second factor to reset.", email=user.email), "info")
        return redirect(url_for("accounts.admin.index"))
    if form.validate_on_submit():
        second_factor.remove(user, actor=current_user, reason=form.reason.data or "")
        flash(
            _(
                "The second factor of %(email)s is reset and their logins are ended; they set "
                "it up again at their next login.",
                email=user.email,
            )
            if second_factor.required_for(user)
            else _(
                "The second factor of %(email)s is reset and their logins are ended.",
                email=user.email,
            ),
            "success",
        )
        return redirect(url_for("accounts.admin.index"))
    return render_template("accounts/reset_second_factor.html", user=user, form=form)


def _log_filters() -> tuple[SecurityLogFilterForm, security_log.Filters]:
    form = SecurityLogFilterForm(formdata=http_request.args)
    form.validate()
    return form, security_log.Filters(
        kind=form.kind.data or "" if not form.kind.errors else "",
        who=(form.who.data or "").strip(),
        address=(form.address.data or "").strip(),
        since=form.since.data if not form.since.errors else None,
        until=form.until.data if not form.until.errors else None,
    )


@bp.route("/security-log")
@role_required(Role.ADMIN)
def security_events() -> str:
    form, filters = _log_filters()
    page = db.paginate(security_log.search(filters), per_page=current_app.config["PAGE_SIZE"])
    return render_template(
        "accounts/security_log.html",
        form=form,
        page=page,
        emails=security_log.emails(page.items),
        kinds=security_log.KINDS,
    )


@bp.route("/security-log.csv")
@role_required(Role.ADMIN)
def security_events_csv() -> Response:
    _form, filters = _log_filters()
    events = list(db.session.scalars(security_log.search(filters).limit(CSV_ROWS)))
    emails = security_log.emails(events)
    return csv_response(
        "civcap-security-log",
        # Column headers for people, in their language; the kind column keeps the code.
        [
            _("when"),
            _("kind"),
            _("what"),
            _("account"),
            _("by"),
            _("subject"),
            _("address"),
            _("detail"),
        ],  # fmt: skip
        (
            [
                e.at,
                e.kind,
                str(security_log.KINDS.get(e.kind, e.kind)),
                emails.get(e.user_id or 0, ""),
                emails.get(e.actor_id or 0, ""),
                e.subject,
                e.address,
                e.detail,
            ]
            for e in events
        ),
    )
