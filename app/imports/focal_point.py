"""Bulk import: a focal point uploads a CSV, XLSX or JSON Lines file of experts, sees every
row's problems or what importing would do (imports.bulk), and then imports it as a job whose
page shows its progress until the summary (imports.import_jobs)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response as BaseResponse
from wtforms import HiddenField
from wtforms.validators import DataRequired

from app.common.permissions import refuse, role_required
from app.common.uploads import UploadRefused, read_limited
from app.common.vocabulary import core_areas
from app.extensions import db
from app.imports import blank_files, import_jobs
from app.imports import bulk as bulk_import
from app.imports import files as import_files
from app.imports.bulk import Preview, UploadGone, UploadNotYours
from app.imports.job_pages import job_page_values, progress_of
from app.models import ImportJob, Role

bp = Blueprint("focal_point", __name__, url_prefix="/roster")

_MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/jsonl; charset=utf-8",
}


class UploadForm(FlaskForm):
    file = FileField(
        _l("File of experts (.csv, .xlsx or .jsonl)"),
        validators=[FileRequired(_l("Choose the file to upload."))],
    )


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])


class RetryForm(FlaskForm):
    """Start a stopped import job again (a button: only the CSRF token)."""


@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.FOCAL_POINT)
def import_experts() -> str | tuple[str, int]:
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            content = read_limited(upload.stream)
            result = bulk_import.preview(content, upload.filename or "", current_user)
        except UploadRefused as exc:
            form.file.errors.append(_("%(problem)s Nothing was imported.", problem=str(exc)))
        else:
            return _preview_page(result)
    return render_template(
        "imports/import.html", form=form, **_limits()
    ), 422 if form.errors else 200


@bp.route("/import/confirm", methods=["POST"])
@role_required(Role.FOCAL_POINT)
def confirm_import() -> BaseResponse:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        import_job = import_jobs.start(form.token.data, current_user)
    except UploadNotYours:
        abort(404)
    except UploadGone:
        return _gone()
    return redirect(url_for("imports.focal_point.import_job", import_job_id=import_job.id))


@bp.route("/import/jobs/<int:import_job_id>")
@role_required(Role.FOCAL_POINT)
def import_job(import_job_id: int) -> str:
    found = _visible_job(import_job_id)
    return render_template(
        "imports/job.html", retry=RetryForm(formdata=None), **job_page_values(found, current_user)
    )


@bp.route("/import/jobs/<int:import_job_id>/progress")
@role_required(Role.FOCAL_POINT)
def import_job_progress(import_job_id: int) -> Response:
    return jsonify(progress_of(_visible_job(import_job_id)))


@bp.route("/import/jobs/<int:import_job_id>/retry", methods=["POST"])
@role_required(Role.FOCAL_POINT)
def retry_import_job(import_job_id: int) -> BaseResponse:
    found = _visible_job(import_job_id)
    if not RetryForm().validate_on_submit():
        abort(400)
    try:
        import_jobs.retry(found, current_user)
    except UploadGone:
        flash(_("This import cannot be started again; upload the file again."), "error")
    return redirect(url_for("imports.focal_point.import_job", import_job_id=found.id))


def _visible_job(import_job_id: int) -> ImportJob:
    found = db.session.get(ImportJob, import_job_id)
    if found is None:
        abort(404)
    if not import_jobs.may_see(found, current_user):
        refuse(current_user, "import job", import_job_id)
    return found


@bp.route("/import/discard", methods=["POST"])
@role_required(Role.FOCAL_POINT)
def discard_import() -> BaseResponse:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        bulk_import.discard(form.token.data, current_user)
    except UploadNotYours:
        abort(404)
    except UploadGone:
        pass
    flash(_("The upload is discarded; nothing was imported."), "info")
    return redirect(url_for("imports.focal_point.import_experts"))


@bp.route("/import/template.<any(csv, xlsx, jsonl):format>")
@role_required(Role.FOCAL_POINT)
def import_template(format: str) -> Response:
    organisation = current_user.organisation.name
    if format == "xlsx":
        areas = [(a.code, a.label) for a in core_areas()]
        content = blank_files.xlsx_template(organisation, areas)
    elif format == "csv":
        content = blank_files.csv_template(organisation)
    else:
        content = blank_files.jsonl_template(organisation)
    disposition = f"attachment; filename=civcap-experts-template.{format}"
    return Response(
        content, mimetype=_MIMETYPES[format], headers={"Content-Disposition": disposition}
    )


def _preview_page(result: Preview) -> tuple[str, int]:
    return render_template(
        "imports/preview.html",
        preview=result,
        confirm=ConfirmForm(formdata=None, token=result.token),
        form=UploadForm(formdata=None),
        **_limits(),
    ), 422 if result.problems else 200


def _gone() -> BaseResponse:
    hours = int(bulk_import.PENDING_FOR.total_seconds() // 3600)
    flash(
        ngettext(
            "This upload is no longer waiting to be imported: it was imported or discarded "
            "already, or waited more than %(num)d hour. Upload the file again.",
            "This upload is no longer waiting to be imported: it was imported or discarded "
            "already, or waited more than %(num)d hours. Upload the file again.",
            hours,
        ),
        "error",
    )
    return redirect(url_for("imports.focal_point.import_experts"))


def _limits() -> dict[str, object]:
    return {
        "max_mb": current_app.config["MAX_UPLOAD_MB"],
        "max_rows": import_files.MAX_ROWS,
        "columns": import_files.COLUMNS,
        "areas": core_areas(),
    }
