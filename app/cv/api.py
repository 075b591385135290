"""An expert's CV through the API: a member state's focal point sends the PDF or Word file.

The same service as the CV upload page (``cv.files.upload``: the type read from the content,
the size limit, the file kept outside the web root under a random name, the old one deleted once
the new one is committed, the audit trail). As on the page, the text found is given back to be
read and corrected, not applied: the client puts it into the expert's ``summary`` (which
matching reads) by updating the expert. Another member state's expert is 404 (``expert_for``).
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import fields

from app.api import PREFIX
from app.api.access import allow
from app.api.schemas import Schema
from app.api.versions import ETAG, answer_record
from app.common.errors import FieldError, ValidationFailed
from app.common.permissions import expert_for
from app.common.uploads import UploadRefused
from app.cv import files as cv_service
from app.models import Role

bp = Blueprint("api", __name__, url_prefix=PREFIX, description="Experts' CV files.")
TAGS = ["experts"]


class CvFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "A PDF or Word (.docx) file"})


class CvSchema(Schema):
    expert_id = fields.Integer(required=True)
    version = fields.Integer(required=True, metadata={"description": "The expert's, now"})
    filename = fields.String(required=True, metadata={"description": "As it will be downloaded"})
    content_type = fields.String(required=True)
    uploaded_at = fields.DateTime(required=True)
    text = fields.String(
        required=True,
        metadata={"description": "The text found, to be checked and then sent as `summary`"},
    )
    truncated = fields.Boolean(
        required=True, metadata={"description": "The file held more text than a summary may"}
    )


@bp.route("/experts/<int:expert_id>/cv", methods=["PUT"], tags=TAGS)
@allow(Role.FOCAL_POINT)
@bp.arguments(CvFileSchema, location="files")
@bp.response(200, CvSchema, headers=ETAG)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
def upload_cv(files: dict[str, Any], expert_id: int) -> Any:
    """Keep a CV file for your expert, replacing any earlier one (multipart: `file`)

    422 on `file` when it is no PDF or Word file civcap can read, or too large; nothing is kept
    then. 409 when the expert's personal data was erased.
    """
    expert = expert_for(current_user, expert_id, edit=True)
    upload = files["file"]
    try:
        found = cv_service.upload(expert, upload.stream, upload.filename, current_user)
    except UploadRefused as exc:
        raise ValidationFailed([FieldError("file", str(exc))]) from exc
    body = {
        "expert_id": expert.id,
        "version": expert.version,
        "filename": expert.cv_filename,
        "content_type": expert.cv_content_type,
        "uploaded_at": expert.cv_uploaded_at,
        "text": found.text,
        "truncated": found.truncated,
    }
    return answer_record(body, expert.version)
