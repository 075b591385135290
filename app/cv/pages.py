"""What the focal point's and HR's CV pages share: the download of the file."""

from __future__ import annotations

from flask import (
    abort,
    send_file,
)
from werkzeug.wrappers import Response

from app.cv import files as cv_service
from app.models import Expert


def send_cv(expert: Expert) -> Response:
    """The expert's CV file as a download (never shown inline); 404 when there is none."""
    path = cv_service.stored_path(expert)
    if path is None or not path.is_file():
        abort(404)
    response = send_file(
        path,
        as_attachment=True,
        download_name=expert.cv_filename or "cv" + path.suffix,
        mimetype=expert.cv_content_type or "application/octet-stream",
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
