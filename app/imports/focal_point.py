"""Bulk import: a focal point uploads a CSV, XLSX or JSON Lines file of experts, sees every
row's problems or what importing would do, and then imports it (imports.bulk)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
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

from app.common.permissions import role_required
from app.common.uploads import UploadRefused, read_limited
from app.common.vocabulary import core_areas
from app.imports import blank_files
from app.imports import bulk as bulk_import
from app.imports import files as import_files
from app.imports.bulk import FileRefused, Preview, UploadGone, UploadNotYours
from app.models import Role

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
def confirm_import() -> BaseResponse | tuple[str, int]:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        result = bulk_import.commit(form.token.data, current_user)
    except UploadNotYours:
        abort(404)
    except (UploadGone, FileRefused):
        return _gone()
    if isinstance(result, Preview):
        flash(_("The roster changed since the preview, and the file now has problems."), "error")
        return _preview_page(result)
    flash(_("Imported: %(summary)s.", summary=str(result)), "success")
    return redirect(url_for("roster.focal_point.index"))


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
