"""CV files: a PDF or Word (.docx) document kept for an expert, and its text as the CV summary.

The file is read by ``app.common.documents`` (type by content, safe unpacking); a file civcap
cannot read is refused before anything is written: no stored file, no change to the expert.
Files are kept under ``UPLOAD_DIR/cv/`` (outside the web root) under a random name. The text is not
applied at upload: the person reads and corrects it first, then ``save_summary`` puts it into the
CV summary (which matching reads) through the same rules as any edit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer

from app.common import audit, documents, stored_files
from app.common.documents import EXTENSIONS, DocumentRefused
from app.common.errors import Conflict
from app.common.transaction import transaction
from app.models import Expert, Organisation, User
from app.roster import experts as expert_service

KINDS = {extension: kind for kind, extension in EXTENSIONS.items()}
CV = "cv"  # the CV files' area of UPLOAD_DIR (app.common.stored_files)


class CvRefused(DocumentRefused):
    """There is no CV file civcap can read for this expert."""


@dataclass(frozen=True)
class CvText:
    """The text found in a CV file, ready to be read and corrected."""

    text: str
    truncated: bool  # the file held more than a CV summary may (cut at SUMMARY_MAX_CHARS)


def extract(content: bytes, kind: str) -> CvText:
    """The text of a PDF or DOCX file, cut to a CV summary's size."""
    return CvText(*documents.text_of(content, kind, expert_service.SUMMARY_MAX_CHARS))


def download_name(filename: str | None, kind: str) -> str:
    """The uploaded file's own name, made safe to send back, with the extension of its type."""
    return stored_files.safe_name(filename, EXTENSIONS[kind], "cv")


def stored_path(expert: Expert) -> Path | None:
    """Where the expert's CV file is kept; None when there is none."""
    return stored_files.stored_path(CV, expert.cv_file)


def _facts(expert: Expert) -> dict[str, Any]:
    uploaded = expert.cv_uploaded_at.isoformat() if expert.cv_uploaded_at else None
    return {
        "cv_filename": expert.cv_filename,
        "cv_content_type": expert.cv_content_type,
        "cv_uploaded_at": uploaded,
    }


def upload(expert: Expert, stream: IO[bytes], filename: str | None, actor: User) -> CvText:
    """Keep a new CV file for the expert (replacing the old one) and return its text.

    The file is read and its text extracted before anything is written; a file that cannot be
    read raises UploadRefused (DocumentRefused for one that is no readable PDF or DOCX). The old
    file is deleted only once the new one is committed.
    """
    if expert.erased_at is not None:
        raise Conflict(_("This expert's personal data was erased: no CV can be added."))
    document = documents.read(stream, expert_service.SUMMARY_MAX_CHARS)
    previous = stored_path(expert)
    path = stored_files.write_new(CV, document.content, EXTENSIONS[document.kind])
    try:
        with transaction("expert"):
            _keep(expert, path, download_name(filename, document.kind), actor)
    except BaseException:
        # Nothing of this upload stays: neither the row's change (rolled back) nor the new file.
        path.unlink(missing_ok=True)
        raise
    if previous is not None and previous != path:
        previous.unlink(missing_ok=True)
    return CvText(document.text, document.truncated)


def _keep(expert: Expert, path: Path, filename: str, actor: User) -> None:
    """Make the file written at ``path`` the expert's CV, in the caller's transaction (the
    caller deletes ``path`` if that transaction fails)."""
    before = _facts(expert)
    expert.cv_file = path.name
    expert.cv_filename = filename
    expert.cv_content_type = KINDS[path.suffix]
    expert.cv_uploaded_at = datetime.now(UTC)
    audit.record(
        "expert.cv_uploaded", "expert", expert.id, actor=actor, before=before, after=_facts(expert)
    )


# A CV read for an expert who is not registered yet ---------------------------------------------
#
# The focal point uploads a CV on the new-expert page; civcap fills the form from it and holds
# the file (under UPLOAD_DIR/cv/held/, for at most HELD_HOURS) until the expert is registered.
# The form carries a token signed with the app's secret and bound to the person, so nobody can
# attach a file they did not upload; `civcap purge` deletes held files that were never used.

HELD_HOURS = 24
_HELD_SALT = "civcap.cv.held"


HELD = f"{CV}/held"


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_HELD_SALT)


def hold(document: documents.Document, filename: str | None, actor: User) -> str:
    """Keep an uploaded CV until the expert it was read for is registered; the token to give
    ``register_with_cv``."""
    path = stored_files.write_new(HELD, document.content, EXTENSIONS[document.kind])
    name = download_name(filename, document.kind)
    return str(_signer().dumps({"file": path.name, "name": name, "user": actor.id}))


def _held(token: str, actor: User) -> tuple[Path, str] | None:
    """The held file and its name for ``token``; None when the token is not this person's,
    is forged or older than HELD_HOURS, or the file is gone."""
    try:
        held = _signer().loads(token, max_age=HELD_HOURS * 3600)
    except BadData:
        return None
    if not isinstance(held, dict) or held.get("user") != actor.id:
        return None
    file, name = str(held.get("file", "")), str(held.get("name", ""))
    path = stored_files.stored_path(HELD, file)
    if path is None or not path.is_file():
        return None
    return path, name


def register_with_cv(
    data: expert_service.ExpertData,
    organisation: Organisation,
    actor: User,
    consent_version: str,
    token: str,
) -> tuple[Expert, bool]:
    """Register an expert and keep the CV they were read from, in one transaction; and whether
    the CV was kept (not when the token is stale: the expert is registered without it)."""
    held = _held(token, actor) if token else None
    path = stored_files.write_new(CV, held[0].read_bytes(), held[0].suffix) if held else None
    try:
        with transaction("expert"):
            expert = expert_service.register(data, organisation, actor, consent_version)
            if held is not None and path is not None:
                _keep(expert, path, held[1], actor)
    except BaseException:
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    if held is not None:
        held[0].unlink(missing_ok=True)
    return expert, held is not None


def purge_held(now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete held CVs older than HELD_HOURS (their expert was never registered); how many
    (with ``dry_run``, how many would be deleted)."""
    folder = stored_files.folder(HELD)
    if not folder.is_dir():
        return 0
    limit = (now or datetime.now(UTC)).timestamp() - HELD_HOURS * 3600
    old = [p for p in folder.iterdir() if p.is_file() and p.stat().st_mtime < limit]
    if not dry_run:
        for path in old:
            path.unlink(missing_ok=True)
    return len(old)


def text_of(expert: Expert) -> CvText:
    """The text of the expert's stored CV file, read again from the file."""
    path = stored_path(expert)
    if path is None or expert.cv_content_type not in EXTENSIONS or not path.is_file():
        raise CvRefused(_("There is no CV file for this expert."))
    return extract(path.read_bytes(), expert.cv_content_type)


def save_summary(
    expert: Expert, summary: str, actor: User, consent_version: str, expected_version: int
) -> Expert:
    """Put the (corrected) CV text into the expert's CV summary: validated, versioned, audited."""
    data = replace(expert_service.data_of(expert), summary=summary)
    return expert_service.update(expert, data, actor, consent_version, expected_version)
