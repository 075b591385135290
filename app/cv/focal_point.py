"""An expert's CV file, on the focal point's roster pages: upload, use its text, download.

The file is kept at upload; its text goes into the CV summary only when the person has read it,
corrected it and saved it (``cv.files.save_summary``: validated, versioned, audited).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
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
from wtforms import IntegerField, SubmitField, TextAreaField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from app.common.errors import Conflict, ValidationFailed
from app.common.forms import attach_errors
from app.common.permissions import expert_for, role_required
from app.common.uploads import UploadRefused
from app.cv import files as cv_service
from app.cv.pages import send_cv
from app.models import Role

bp = Blueprint("focal_point", __name__, url_prefix="/roster")


class CvUploadForm(FlaskForm):
    cv = FileField(
        _l("CV file (PDF or Word .docx)"),
        validators=[FileRequired(_l("Choose a PDF or Word (.docx) file to upload."))],
    )
    submit = SubmitField(_l("Upload the CV"))


class CvTextForm(FlaskForm):
    """The CV's text as the person corrected it, and the expert's version they saw."""

    summary = TextAreaField(_l("CV summary"))
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    submit = SubmitField(_l("Save as the CV summary"))


@bp.app_template_global()
def cv_upload_form() -> CvUploadForm:
    """An empty upload form for the expert page (cv/_expert_page.html)."""
    return CvUploadForm(formdata=None)


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
    try:
        found = cv_service.text_of(expert)
    except cv_service.CvRefused as exc:
        flash(str(exc), "error")
        return redirect(url_for("roster.focal_point.show", expert_id=expert.id))
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
                str(current_app.config["CONSENT_VERSION"]),
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
