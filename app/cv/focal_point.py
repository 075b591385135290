"""An expert's CV file, on the focal point's roster pages: upload, use its text, download, and
fill the expert form from it.

The file is kept at upload; its text goes into the CV summary only when the person has read it,
corrected it and saved it (``cv.files.save_summary``: validated, versioned, audited). A CV read
into the expert form (a new expert's or an existing one's) proposes each field with the sentence
it came from (``app.intake.curriculum``); nothing changes until the person saves the form.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask import request as http_request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response
from wtforms import HiddenField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from app.common import documents
from app.common.errors import Conflict, ValidationFailed
from app.common.forms import attach_errors
from app.common.permissions import expert_for, role_required
from app.common.uploads import UploadRefused
from app.cv import files as cv_service
from app.cv.pages import send_cv
from app.intake import curriculum
from app.models import Expert, Role
from app.roster.experts import SUMMARY_MAX_CHARS, consent_version
from app.roster.forms import ExpertEditForm, ExpertForm, evidence_of, expert_data, form_data

bp = Blueprint("focal_point", __name__, url_prefix="/roster")


class CvUploadForm(FlaskForm):
    cv = FileField(
        _l("CV file (PDF or Word .docx)"),
        validators=[FileRequired(_l("Choose a PDF or Word (.docx) file to upload."))],
    )
    submit = SubmitField(_l("Upload the CV"))


class CvReadForm(FlaskForm):
    """A CV to fill a new expert's form from."""

    cv = FileField(
        _l("Their CV (PDF or Word .docx)"),
        validators=[FileRequired(_l("Choose a PDF or Word (.docx) file to upload."))],
    )
    submit = SubmitField(_l("Read the CV"))


class ExpertFromCvForm(ExpertForm):
    """The new-expert form filled from a CV, carrying the token of the CV file held for it."""

    held_cv = HiddenField()


class CvTextForm(FlaskForm):
    """The CV's text as the person corrected it, and the expert's version they saw."""

    summary = TextAreaField(_l("CV summary"))
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    submit = SubmitField(_l("Save as the CV summary"))


@bp.app_template_global()
def cv_upload_form() -> CvUploadForm:
    """An empty upload form for the expert page (cv/_expert_page.html)."""
    return CvUploadForm(formdata=None)


@bp.app_template_global()
def cv_read_form() -> CvReadForm:
    """An empty "start from a CV" form for the new-expert page (roster/form.html)."""
    return CvReadForm(formdata=None)


def _read_notice() -> str:
    return _(
        "civcap filled the fields it found in the CV. Check each one against its sentence, "
        "shown under it, and correct what is wrong: nothing is saved until you save the form."
    )


def _expert_form(form: ExpertForm, expert: Expert | None, action: str, **context: Any) -> str:
    return render_template(
        "roster/form.html",
        form=form,
        expert=expert,
        action=action,
        consent_version=consent_version(),
        **context,
    )


@bp.route("/new/cv", methods=["POST"])
@role_required(Role.FOCAL_POINT)
def read_new() -> str | tuple[str, int]:
    """The new-expert form filled from an uploaded CV, each value beside its sentence; the file
    is held until the expert is registered (and then kept as their CV)."""
    reading = CvReadForm()
    register_url = url_for("cv.focal_point.register")
    if reading.validate_on_submit():
        upload = reading.cv.data
        try:
            document = documents.read(upload.stream, SUMMARY_MAX_CHARS)
        except UploadRefused as exc:
            reading.cv.errors = [_("%(problem)s Nothing was read.", problem=exc)]
        else:
            form = ExpertFromCvForm(formdata=None)
            proposal = curriculum.read(document.text)
            form.fill_proposal(proposal, document.text)
            form.held_cv.data = cv_service.hold(document, upload.filename, current_user)
            flash(_read_notice(), "info")
            return _expert_form(form, None, register_url, evidence=evidence_of(proposal))
    blank = ExpertForm(formdata=None)
    new_url = url_for("roster.focal_point.new")
    return _expert_form(blank, None, new_url, reading=reading), 422


@bp.route("/new/with-cv", methods=["POST"])
@role_required(Role.FOCAL_POINT)
def register() -> str | Response:
    """Register the expert of a form filled from a CV, keeping that CV as theirs."""
    form = ExpertFromCvForm()
    if form.validate_on_submit():
        try:
            expert, kept = cv_service.register_with_cv(
                expert_data(form),
                current_user.organisation,
                current_user,
                consent_version(),
                form.held_cv.data or "",
            )
        except ValidationFailed as exc:
            attach_errors(form, exc.errors)
        else:
            flash(_("%(name)s is registered on the roster.", name=expert.full_name), "success")
            if not kept:
                flash(
                    _(
                        "The CV file was not kept: more than %(hours)s hours passed since it "
                        "was read. Upload it again below.",
                        hours=cv_service.HELD_HOURS,
                    ),
                    "warning",
                )
            return redirect(url_for("roster.focal_point.show", expert_id=expert.id))
    return _expert_form(form, None, url_for("cv.focal_point.register"))


@bp.route("/<int:expert_id>/cv/profile")
@role_required(Role.FOCAL_POINT)
def profile(expert_id: int) -> str | Response:
    """The expert's edit form with what their CV file says over what the record holds, each
    proposed value beside its sentence; saved only when the person saves the form."""
    expert = expert_for(current_user, expert_id, edit=True)
    found = _cv_text(expert)
    if isinstance(found, Response):
        return found
    form = ExpertEditForm(formdata=None, data=form_data(expert))
    proposal = curriculum.read(found.text)
    form.fill_proposal(proposal, found.text)
    flash(_read_notice(), "info")
    edit_url = url_for("roster.focal_point.edit", expert_id=expert.id)
    return _expert_form(form, expert, edit_url, evidence=evidence_of(proposal))


def _cv_text(expert: Expert) -> cv_service.CvText | Response:
    """The text of the expert's CV file, or back to their page saying there is none."""
    try:
        return cv_service.text_of(expert)
    except cv_service.CvRefused as exc:
        flash(str(exc), "error")
        return redirect(url_for("roster.focal_point.show", expert_id=expert.id))


@bp.route("/<int:expert_id>/cv/upload", methods=["GET", "POST"])
@role_required(Role.FOCAL_POINT)
def upload(expert_id: int) -> str | Response | tuple[str, int]:
    expert = expert_for(current_user, expert_id, edit=True)
    form = CvUploadForm()
    if form.validate_on_submit():
        upload = form.cv.data
        try:
            cv_service.upload(expert, upload.stream, upload.filename, current_user)
        except UploadRefused as exc:
            form.cv.errors = [*form.cv.errors, _("%(problem)s Nothing was saved.", problem=exc)]
        except Conflict as exc:
            flash(str(exc), "error")
        else:
            flash(
                _(
                    "The CV %(filename)s is kept. Check its text below.",
                    filename=expert.cv_filename,
                ),
                "success",
            )
            return redirect(url_for("cv.focal_point.text", expert_id=expert.id))
    status = 422 if http_request.method == "POST" else 200
    return render_template("cv/upload.html", expert=expert, form=form), status


@bp.route("/<int:expert_id>/cv/text", methods=["GET", "POST"])
@role_required(Role.FOCAL_POINT)
def text(expert_id: int) -> str | Response:
    expert = expert_for(current_user, expert_id, edit=True)
    found = _cv_text(expert)
    if isinstance(found, Response):
        return found
    if http_request.method == "POST":
        form = CvTextForm()
    else:
        form = CvTextForm(formdata=None, data={"summary": found.text, "version": expert.version})
    if form.validate_on_submit():
        try:
            cv_service.save_summary(
                expert,
                form.summary.data or "",
                current_user,
                consent_version(),
                expected_version=form.version.data,
            )
        except ValidationFailed as exc:
            attach_errors(form, exc.errors)
        except Conflict:
            flash(
                _(
                    "This expert was changed by someone else while you were checking the text, so "
                    "it was not saved. The current CV summary is shown below; save again to "
                    "replace it with your text."
                ),
                "error",
            )
            # Keep their corrected text, now against the version they have been shown.
            form = CvTextForm(
                formdata=None, data={"summary": form.summary.data, "version": expert.version}
            )
        else:
            flash(_("The CV summary of %(name)s is saved.", name=expert.full_name), "success")
            return redirect(url_for("roster.focal_point.show", expert_id=expert.id))
    return render_template("cv/text.html", expert=expert, form=form, found=found)


@bp.route("/<int:expert_id>/cv")
@role_required(Role.FOCAL_POINT)
def download(expert_id: int) -> Response:
    return send_cv(expert_for(current_user, expert_id, edit=True))
