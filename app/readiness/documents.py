"""The document (evidence) kept with a readiness item: a scan of the passport, a certificate, a
letter; a PDF, a Word (.docx) document or a PNG or JPEG image, its type decided by its content.

The upload is read and its type checked before anything is stored (``read``); the file is kept
under ``UPLOAD_DIR/readiness/`` under a random name (``app.common.stored_files``) and sent back
only as a download, to those who may record the item (``items.may_record``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from werkzeug.wrappers import Response

from app.common import documents, stored_files
from app.common.documents import EVIDENCE_EXTENSIONS
from app.common.uploads import read_limited
from app.models import ReadinessItem

AREA = stored_files.READINESS


@dataclass(frozen=True)
class Upload:
    """A file as it came from a form: its bytes to read and the name the person gave it."""

    stream: IO[bytes]
    filename: str | None


@dataclass(frozen=True)
class Evidence:
    """An upload read and accepted: its bytes, its type and its name made safe."""

    content: bytes
    kind: str
    name: str


def read(upload: Upload) -> Evidence:
    """The upload within the size limit, of a type civcap keeps; else UploadRefused."""
    content = read_limited(upload.stream)
    kind = documents.content_type(content, images=True)
    name = stored_files.safe_name(upload.filename, EVIDENCE_EXTENSIONS[kind], "document")
    return Evidence(content, kind, name)


def store(evidence: Evidence) -> Path:
    """Write the evidence to a new file (the caller deletes it if its transaction fails)."""
    return stored_files.write_new(AREA, evidence.content, EVIDENCE_EXTENSIONS[evidence.kind])


def stored_path(item: ReadinessItem) -> Path | None:
    return stored_files.stored_path(AREA, item.document_file)


def attach(item: ReadinessItem, evidence: Evidence, path: Path) -> None:
    """Make the stored file the item's document, in the caller's transaction."""
    item.document_file = path.name
    item.document_filename = evidence.name
    item.document_content_type = evidence.kind
    item.document_uploaded_at = datetime.now(UTC)


def send(item: ReadinessItem) -> Response:
    """The item's document as a download; 404 when it has none."""
    path = stored_path(item)
    name = item.document_filename or "document" + (path.suffix if path else "")
    return stored_files.send(path, name, item.document_content_type)
