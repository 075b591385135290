"""Files people upload and civcap keeps: under ``UPLOAD_DIR/<area>/`` (outside the web root),
each under a random name readable by civcap's own user only, sent back as a download under the
uploaded file's own name made safe (never shown inline)."""

from __future__ import annotations

import re
import secrets
import unicodedata
from pathlib import Path

from flask import abort, current_app, send_file
from werkzeug.wrappers import Response

# The readiness items' documents (kept by readiness.documents, deleted by personal_data.erasure).
READINESS = "readiness"

_STORED_NAME = re.compile(r"^[0-9a-f]{32}\.[a-z]{3,4}$")
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"*/:<>?\\|]+')


def folder(area: str) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]).resolve() / area


def stored_path(area: str, name: str | None) -> Path | None:
    """Where the file stored as ``name`` is kept; None for none (or a name civcap never gave)."""
    if not name or not _STORED_NAME.match(name):
        return None
    return folder(area) / name


def write_new(area: str, content: bytes, extension: str) -> Path:
    """Write ``content`` to a new file of ``area`` under a random name; its path."""
    path = folder(area)
    path.mkdir(parents=True, exist_ok=True)
    path = path / (secrets.token_hex(16) + extension)
    with path.open("xb") as out:
        out.write(content)
    path.chmod(0o600)  # personal data: readable by civcap's own user only
    return path


def safe_name(filename: str | None, extension: str, fallback: str) -> str:
    """The uploaded file's own name, made safe to send back, ending with ``extension`` (the
    extension of its type, as civcap read it)."""
    name = re.split(r"[/\\]", filename or "")[-1]
    name = _UNSAFE_IN_NAME.sub(" ", unicodedata.normalize("NFC", name))
    stem = " ".join(name.split()).strip(" .")
    dot = stem.rfind(".")
    if dot > 0 and 2 <= len(stem) - dot - 1 <= 4:  # the name's own extension goes
        stem = stem[:dot].rstrip(" .")
    return (stem[:200] or fallback) + extension


def send(path: Path | None, name: str, content_type: str | None) -> Response:
    """The file as a download, never cached; 404 when there is none."""
    if path is None or not path.is_file():
        abort(404)
    response = send_file(
        path,
        as_attachment=True,
        download_name=name,
        mimetype=content_type or "application/octet-stream",
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
