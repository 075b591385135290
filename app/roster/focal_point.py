"""The member-state focal point's pages: their own organisation's experts, and nobody else's."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.common import audit
from app.common.errors import Conflict, ValidationFailed
from app.common.forms import attach_errors
from app.common.permissions import expert_for, role_required
from app.extensions import db
from app.models import Expert, Role
from app.roster import experts as expert_service
from app.roster import search
from app.roster.forms import (
    ExpertEditForm,
    ExpertForm,
    ExpertSearchForm,
    expert_data,
    expert_filters,
    form_data,
)

bp = Blueprint("focal_point", __name__, url_prefix="/roster")


def _consent_version() -> str:
    return str(current_app.config["CONSENT_VERSION"])


@bp.route("/")
@role_required(Role.FOCAL_POINT)
def index() -> str:
    form = ExpertSearchForm(formdata=request.args)
    form.validate()
    filters = expert_filters(form, organisation_id=current_user.organisation_id)
    page = db.paginate(
        search.experts(filters), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    searching = any(request.args.get(name) for name in form.data)
    return render_template("roster/index.html", form=form, page=page, searching=searching)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.FOCAL_POINT)
def new() -> str | Response:
    form = ExpertForm()
    if form.validate_on_submit():
        try:
            expert = expert_service.register(
                expert_data(form), current_user.organisation, current_user, _consent_version()
            )
        except ValidationFailed as exc:
            attach_errors(form, exc.errors)
        else:
            flash(f"{expert.full_name} is registered on the roster.", "success")
            return redirect(url_for("roster.focal_point.show", expert_id=expert.id))
    return render_template(
        "roster/form.html", form=form, expert=None, consent_version=_consent_version()
    )


@bp.route("/<int:expert_id>")
@role_required(Role.FOCAL_POINT)
def show(expert_id: int) -> str:
    expert = expert_for(current_user, expert_id, edit=True)
    newest_first = reversed(audit.history("expert", expert.id))
    history = [(event, audit.changed_fields(event.before, event.after)) for event in newest_first]
    return render_template("roster/show.html", expert=expert, history=history)


@bp.route("/<int:expert_id>/edit", methods=["GET", "POST"])
@role_required(Role.FOCAL_POINT)
def edit(expert_id: int) -> str | Response:
    expert = expert_for(current_user, expert_id, edit=True)
    form = ExpertEditForm() if request.method == "POST" else _edit_form(expert)
    if form.validate_on_submit():
        try:
            expert_service.update(
                expert,
                expert_data(form),
                current_user,
                _consent_version(),
                expected_version=form.version.data,
            )
        except ValidationFailed as exc:
            attach_errors(form, exc.errors)
        except Conflict as exc:
            flash(str(exc), "error")
            # Show the record as it is now, at its current version.
            form = _edit_form(expert)
        else:
            flash(f"Changes to {expert.full_name} are saved.", "success")
            return redirect(url_for("roster.focal_point.show", expert_id=expert.id))
    return render_template(
        "roster/form.html", form=form, expert=expert, consent_version=_consent_version()
    )


def _edit_form(expert: Expert) -> ExpertEditForm:
    return ExpertEditForm(formdata=None, data=form_data(expert))
