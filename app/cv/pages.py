"""What the focal point's and HR's CV pages share: the download of the file."""

from __future__ import annotations

from werkzeug.wrappers import Response

from app.common import stored_files
from app.cv import files as cv_service
from app.models import Expert


def send_cv(expert: Expert) -> Response:
    """The expert's CV file as a download (never shown inline); 404 when there is none."""
    path = cv_service.stored_path(expert)
    name = expert.cv_filename or "cv" + (path.suffix if path else "")
    return stored_files.send(path, name, expert.cv_content_type)
