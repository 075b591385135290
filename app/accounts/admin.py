"""Administration: organisations and user accounts."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.accounts import organisations, throttling, users
from app.accounts.forms import LiftLockForm, OrganisationForm, ToggleActiveForm, UserForm
from app.common.errors import NotAllowed, ValidationFailed
from app.common.forms import attach_errors, choices
from app.common.permissions import role_required
from app.extensions import db
from app.models import LoginThrottle, Organisation, OrganisationKind, Role, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


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
            flash(f"Added {org.name}.", "success")
            return redirect(url_for("accounts.admin.index"))
    return _page(form, user_form)


@bp.route("/users", methods=["POST"])
@role_required(Role.ADMIN)
def add_user() -> str | Response:
    form = UserForm()
    form.organisation.choices = _organisation_choices()
    if form.validate_on_submit():
        org = db.session.get(Organisation, form.organisation.data)
        if org is None:
            abort(400)
        try:
            user = users.create_user(
                form.email.data or "",
                form.full_name.data or "",
                form.password.data or "",
                Role(form.role.data),
                org,
                actor=current_user,
            )
        except ValidationFailed as exc:
            attach_errors(form, exc.errors)
        else:
            flash(f"Added {user.role.label} {user.email}.", "success")
            return redirect(url_for("accounts.admin.index"))
    return _page(OrganisationForm(formdata=None), form)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required(Role.ADMIN)
def toggle_active(user_id: int) -> Response:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if ToggleActiveForm().validate_on_submit():
        try:
            users.set_active(user, not user.active, actor=current_user)
        except NotAllowed as exc:
            flash(str(exc), "error")
        else:
            flash(f"{user.email} is now {'active' if user.active else 'switched off'}.", "success")
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
        flash(f"Logins for {what} are allowed again.", "success")
    return redirect(url_for("accounts.admin.index"))
