"""CV files: a PDF or Word (.docx) document kept for an expert, and its text as the CV summary.

The type is decided by the file's content, never by its name or the browser's word for it. A file
civcap cannot read is refused before anything is written: no stored file, no change to the expert.
Files are kept under ``UPLOAD_DIR/cv/`` (outside the web root) under a random name. The text is not
applied at upload: the person reads and corrects it first, then ``save_summary`` puts it into the
CV summary (which matching reads) through the same rules as any edit.
"""

from __future__ import annotations

import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import docx
from docx.table import Table
from flask import current_app
from flask_babel import gettext as _
from lxml import etree
from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from app.common import audit
from app.common.errors import Conflict
from app.common.transaction import transaction
from app.common.uploads import OLE2_SIGNATURE, UploadRefused, read_limited
from app.models import Expert, User
from app.roster import experts as expert_service

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx"}

# A .docx is a zip archive: refuse one that would unpack to more than this, or has more parts.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_PARTS = 1000
MAX_PAGES = 300  # a CV longer than this gives its first pages' text
_STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|docx)$")
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"*/:<>?\\|]+')


class CvRefused(UploadRefused):
    """The file is not a CV civcap can read; nothing was stored and nothing changed."""


@dataclass(frozen=True)
class CvText:
    """The text found in a CV file, ready to be read and corrected."""

    text: str
    truncated: bool  # the file held more than a CV summary may (cut at SUMMARY_MAX_CHARS)


def content_type(content: bytes) -> str:
    """PDF or DOCX, by what the bytes are; anything else is refused."""
    if not content:
        raise CvRefused(_("The file is empty."))
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"PK\x03\x04"):
        _check_docx_package(content)
        return DOCX
    if content.startswith(OLE2_SIGNATURE):
        raise CvRefused(
            _(
                "The file is an old Word (.doc) document or a password-protected Office file. "
                "Save it as an unprotected .docx or PDF and upload it again."
            )
        )
    raise CvRefused(
        _(
            "The file is not a PDF or a Word (.docx) document. "
            "Save the CV as PDF or .docx and upload it again."
        )
    )


def _check_docx_package(content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        with archive:
            members = archive.infolist()
            if len(members) > MAX_PARTS:
                raise CvRefused(
                    _(
                        "The Word document has too many parts (more than %(max)s).",
                        max=MAX_PARTS,
                    )
                )
            if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
                raise CvRefused(
                    _(
                        "The Word document would unpack to more than %(size)s MB; "
                        "civcap does not open it.",
                        size=MAX_UNPACKED_BYTES // (1024 * 1024),
                    )
                )
            names = {member.filename for member in members}
            if not {"word/document.xml", "[Content_Types].xml"} <= names:
                raise CvRefused(
                    _(
                        "The file is not a PDF or a Word (.docx) document. "
                        "It is a zip archive, not a Word document."
                    )
                )
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise CvRefused(_("The Word document could not be read: it is damaged.")) from exc
    if _DOCX_MAIN not in _declared_types(types):
        raise CvRefused(
            _(
                "The file is not a PDF or a Word (.docx) document. "
                "It is not a Word document (a template or macro file?)."
            )
        )


def _declared_types(types_xml: bytes) -> set[str]:
    # No entities, no network: the archive comes from outside.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(types_xml, parser)
    except etree.XMLSyntaxError as exc:
        raise CvRefused(_("The Word document could not be read: it is damaged.")) from exc
    return {str(element.get("ContentType")) for element in root.iter("{*}Override")}


def extract(content: bytes, kind: str) -> CvText:
    """The text of a PDF or DOCX file, whitespace normalised and cut to a CV summary's size."""
    raw = _pdf_text(content) if kind == PDF else _docx_text(content)
    return fit_summary(normalise(raw))


def _pdf_text(content: bytes) -> str:
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise CvRefused(_("The PDF is password protected: upload a copy without a password."))
        pages = []
        for page in reader.pages[:MAX_PAGES]:
            pages.append(page.extract_text() or "")
            if sum(map(len, pages)) > expert_service.SUMMARY_MAX_CHARS:
                break
    except CvRefused:
        raise
    except (FileNotDecryptedError, DependencyError, NotImplementedError) as exc:
        # Encrypted with a method pypdf cannot undo without extra libraries.
        raise CvRefused(
            _("The PDF is encrypted and civcap cannot open it: upload a copy without a password.")
        ) from exc
    except Exception as exc:
        # A malformed PDF breaks pypdf in many ways (PdfReadError, KeyError, RecursionError...).
        raise CvRefused(_("The PDF could not be read: it is damaged.")) from exc
    return "\n\n".join(pages)


def _docx_text(content: bytes) -> str:
    try:
        document = docx.Document(io.BytesIO(content))
        return "\n".join(_blocks(document.iter_inner_content(), depth=0))
    except Exception as exc:
        # python-docx and lxml raise many kinds of error on a damaged package.
        raise CvRefused(_("The Word document could not be read: it is damaged.")) from exc


def _blocks(items: Any, depth: int) -> list[str]:
    """Paragraphs and tables in document order; a table row is one line, cells joined by |."""
    lines: list[str] = []
    for item in items:
        if not isinstance(item, Table):
            lines.append(item.text)
            continue
        if depth > 3:  # tables nested deeper than that hold no CV
            continue
        for row in item.rows:
            cells, seen = [], set()
            for cell in row.cells:
                if id(cell._tc) in seen:  # a merged cell is listed once per column it spans
                    continue
                seen.add(id(cell._tc))
                text = " ".join(_blocks(cell.iter_inner_content(), depth + 1)).strip()
                if text:
                    cells.append(text)
            lines.append(" | ".join(cells))
    return lines


def normalise(text: str) -> str:
    """One space between words, no control characters, at most one empty line in a row."""
    text = unicodedata.normalize("NFKC", text)  # also splits the "ﬁ" ligatures PDFs are full of
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Control characters (NUL above all: PostgreSQL refuses it in text) go; tabs become spaces.
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def fit_summary(text: str) -> CvText:
    """Cut ``text`` at a word boundary so that it fits the CV summary."""
    limit = expert_service.SUMMARY_MAX_CHARS
    if len(text) <= limit:
        return CvText(text, truncated=False)
    cut = text[:limit]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    return CvText((cut[:space] if space > limit // 2 else cut).rstrip(), truncated=True)


def download_name(filename: str | None, kind: str) -> str:
    """The uploaded file's own name, made safe to send back, with the extension of its type."""
    name = re.split(r"[/\\]", filename or "")[-1]
    name = _UNSAFE_IN_NAME.sub(" ", unicodedata.normalize("NFC", name))
    stem = " ".join(name.split()).strip(" .")
    for extension in (*EXTENSIONS.values(), ".doc"):
        if stem.lower().endswith(extension):
            stem = stem[: -len(extension)].rstrip(" .")
            break
    return (stem[:200] or "cv") + EXTENSIONS[kind]


def _folder() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]).resolve() / "cv"


def stored_path(expert: Expert) -> Path | None:
    """Where the expert's CV file is kept; None when there is none."""
    if not expert.cv_file or not _STORED_NAME.match(expert.cv_file):
        return None
    return _folder() / expert.cv_file


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
    read raises UploadRefused (CvRefused for a file that is no CV). The old file is deleted only
    once the new one is committed.
    """
    if expert.erased_at is not None:
        raise Conflict(_("This expert's personal data was erased: no CV can be added."))
    content = read_limited(stream)
    kind = content_type(content)
    text = extract(content, kind)
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored = secrets.token_hex(16) + EXTENSIONS[kind]
    path = folder / stored
    previous = stored_path(expert)
    try:
        with transaction("expert"):
            with path.open("xb") as out:
                out.write(content)
            path.chmod(0o600)  # personal data: readable by civcap's own user only
            before = _facts(expert)
            expert.cv_file = stored
            expert.cv_filename = download_name(filename, kind)
            expert.cv_content_type = kind
            expert.cv_uploaded_at = datetime.now(UTC)
            audit.record(
                "expert.cv_uploaded",
                "expert",
                expert.id,
                actor=actor,
                before=before,
                after=_facts(expert),
            )
    except BaseException:
        # Nothing of this upload stays: neither the row's change (rolled back) nor the new file.
        path.unlink(missing_ok=True)
        raise
    if previous is not None and previous != path:
        previous.unlink(missing_ok=True)
    return text


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
