"""The member-state focal point's pages: their own organisation's experts, and nobody else's."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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

# What happened to an expert, as their history shows it (audit actions without "expert.").
ACTIONS = {
    "registered": _l("registered"),
    "updated": _l("updated"),
    "cv_uploaded": _l("CV uploaded"),
    "reconfirmation_sent": _l("reconfirmation sent"),
    "availability_confirmed": _l("availability confirmed"),
    "availability_changed": _l("availability changed"),
    "withdrawn": _l("withdrawn"),
    "merged": _l("merged"),
    "not_duplicate": _l("not a duplicate"),
    "exported": _l("exported"),
    "erased": _l("erased"),
}

# The fields of the history's snapshots (``experts.snapshot`` and the CV, availability, merge
# and erasure events), as the "Changed" column names them.
FIELDS = {
    "external_id": _l("external id"),
    "organisation_id": _l("member state"),
    "full_name": _l("full name"),
    "email": _l("email"),
    "phone": _l("phone"),
    "gender": _l("gender"),
    "nationality": _l("nationality"),
    "birth_year": _l("birth year"),
    "title": _l("title"),
    "summary": _l("CV summary"),
    "skills": _l("skills"),
    "areas": _l("core areas"),
    "languages": _l("languages"),
    "years_experience": _l("years of experience"),
    "available_from": _l("available from"),
    "available_until": _l("available until"),
    "modalities": _l("accepted modalities"),
    "countries_of_experience": _l("countries of experience"),
    "consent_version": _l("consent text version"),
    "status": _l("status"),
    "availability_confirmed_at": _l("availability confirmed"),
    "withdrawn_at": _l("withdrawn"),
    "cv_filename": _l("CV file name"),
    "cv_content_type": _l("CV file type"),
    "cv_uploaded_at": _l("CV uploaded on"),
    "merged_from": _l("merged from"),
    "merged_into": _l("merged into"),
    "erased": _l("erased"),
}


def _readable(names: dict[str, object], name: str) -> str:
    """A code of the audit trail in the reader's language (an unknown one, spelled out)."""
    label = names.get(name)
    return str(label) if label is not None else name.replace("_", " ")


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
                expert_data(form),
                current_user.organisation,
                current_user,
                expert_service.consent_version(),
            )
        except ValidationFailed as exc:
            attach_errors(form, exc.errors)
        else:
            flash(_("%(name)s is registered on the roster.", name=expert.full_name), "success")
            return redirect(url_for("roster.focal_point.show", expert_id=expert.id))
    return render_template(
        "roster/form.html", form=form, expert=None, consent_version=expert_service.consent_version()
    )


@bp.route("/<int:expert_id>")
@role_required(Role.FOCAL_POINT)
def show(expert_id: int) -> str:
    expert = expert_for(current_user, expert_id, edit=True)
    newest_first = reversed(audit.history("expert", expert.id))
    history = [
        (
            event,
            _readable(ACTIONS, event.action.removeprefix("expert.")),
            [_readable(FIELDS, name) for name in audit.changed_fields(event.before, event.after)],
        )
        for event in newest_first
    ]
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
                expert_service.consent_version(),
                expected_version=form.version.data,
            )
        except ValidationFailed as exc:
            attach_errors(form, exc.errors)
        except Conflict as exc:
            flash(str(exc), "error")
            # Show the record as it is now, at its current version.
            form = _edit_form(expert)
        else:
            flash(_("Changes to %(name)s are saved.", name=expert.full_name), "success")
            return redirect(url_for("roster.focal_point.show", expert_id=expert.id))
    return render_template(
        "roster/form.html",
        form=form,
        expert=expert,
        consent_version=expert_service.consent_version(),
    )


def _edit_form(expert: Expert) -> ExpertEditForm:
    return ExpertEditForm(formdata=None, data=form_data(expert))
