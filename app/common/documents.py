"""Documents people upload — a CV, a terms of reference — read into plain text, safely.

The type is decided by the file's content, never by its name or the browser's word for it: a
PDF or a Word (.docx) document; anything else is refused with the reason, before anything is
stored. A .docx is a zip archive from outside, so it is opened only after its parts are
counted and its unpacked size summed (a zip bomb is refused), and its XML is parsed without
entities or network. The text comes back with its whitespace normalised and cut to the size
its caller can keep.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, Any

import docx
from docx.table import Table
from flask_babel import gettext as _
from lxml import etree
from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from app.common.uploads import OLE2_SIGNATURE, UploadRefused, read_limited

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx"}
# What a file input offers to choose (the browser's hint; the content still decides).
ACCEPT = ".pdf,.docx," + ",".join(EXTENSIONS)
# Evidence (a passport scan, a certificate) may also be a photo: kept, never read for text.
PNG, JPEG = "image/png", "image/jpeg"
_IMAGE_SIGNATURES = {PNG: b"\x89PNG\r\n\x1a\n", JPEG: b"\xff\xd8\xff"}
EVIDENCE_EXTENSIONS = {**EXTENSIONS, PNG: ".png", JPEG: ".jpg"}
EVIDENCE_ACCEPT = ".pdf,.docx,.png,.jpg,.jpeg," + ",".join(EVIDENCE_EXTENSIONS)

MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a .docx unpacking to more is refused
MAX_PARTS = 1000
MAX_PAGES = 300  # a longer PDF gives its first pages' text


class DocumentRefused(UploadRefused):
    """The file is not a document civcap can read; nothing was stored and nothing changed."""


@dataclass(frozen=True)
class Document:
    """An uploaded document: its bytes, its type (PDF or DOCX) and its text."""

    content: bytes
    kind: str
    text: str
    truncated: bool  # the file held more text than ``max_chars``


def read(stream: IO[bytes], max_chars: int) -> Document:
    """Read an upload (within the size limit), decide its type by content, extract its text."""
    content = read_limited(stream)
    kind = content_type(content)
    text, truncated = text_of(content, kind, max_chars)
    return Document(content, kind, text, truncated)


def content_type(content: bytes, *, images: bool = False) -> str:
    """PDF or DOCX (or, with ``images``, PNG or JPEG), by what the bytes are; anything else is
    refused."""
    if not content:
        raise DocumentRefused(_("The file is empty."))
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"PK\x03\x04"):
        _check_docx_package(content)
        return DOCX
    if content.startswith(OLE2_SIGNATURE):
        raise DocumentRefused(
            _(
                "The file is an old Word (.doc) document or a password-protected Office file. "
                "Save it as an unprotected .docx or PDF and upload it again."
            )
        )
    if images:
        for kind, signature in _IMAGE_SIGNATURES.items():
            if content.startswith(signature):
                return kind
        raise DocumentRefused(
            _(
                "The file is not a PDF, a Word (.docx) document or a PNG or JPEG image. "
                "Save it in one of these and upload it again."
            )
        )
    raise DocumentRefused(
        _(
            "The file is not a PDF or a Word (.docx) document. "
            "Save the document as PDF or .docx and upload it again."
        )
    )


def _check_docx_package(content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        with archive:
            members = archive.infolist()
            if len(members) > MAX_PARTS:
                raise DocumentRefused(
                    _(
                        "The Word document has too many parts (more than %(max)s).",
                        max=MAX_PARTS,
                    )
                )
            if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
                raise DocumentRefused(
                    _(
                        "The Word document would unpack to more than %(size)s MB; "
                        "civcap does not open it.",
                        size=MAX_UNPACKED_BYTES // (1024 * 1024),
                    )
                )
            names = {member.filename for member in members}
            if not {"word/document.xml", "[Content_Types].xml"} <= names:
                raise DocumentRefused(
                    _(
                        "The file is not a PDF or a Word (.docx) document. "
                        "It is a zip archive, not a Word document."
                    )
                )
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise DocumentRefused(_("The Word document could not be read: it is damaged.")) from exc
    if _DOCX_MAIN not in _declared_types(types):
        raise DocumentRefused(
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
        raise DocumentRefused(_("The Word document could not be read: it is damaged.")) from exc
    return {str(element.get("ContentType")) for element in root.iter("{*}Override")}


def text_of(content: bytes, kind: str, max_chars: int) -> tuple[str, bool]:
    """The text of a PDF or DOCX file, whitespace normalised, cut at a word boundary to at
    most ``max_chars``; and whether it was cut."""
    raw = _pdf_text(content, max_chars) if kind == PDF else _docx_text(content)
    return fit(normalise(raw), max_chars)


def _pdf_text(content: bytes, max_chars: int) -> str:
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentRefused(
                _("The PDF is password protected: upload a copy without a password.")
            )
        pages = []
        for page in reader.pages[:MAX_PAGES]:
            pages.append(page.extract_text() or "")
            if sum(map(len, pages)) > max_chars:
                break
    except DocumentRefused:
        raise
    except (FileNotDecryptedError, DependencyError, NotImplementedError) as exc:
        # Encrypted with a method pypdf cannot undo without extra libraries.
        raise DocumentRefused(
            _("The PDF is encrypted and civcap cannot open it: upload a copy without a password.")
        ) from exc
    except Exception as exc:
        # A malformed PDF breaks pypdf in many ways (PdfReadError, KeyError, RecursionError...).
        raise DocumentRefused(_("The PDF could not be read: it is damaged.")) from exc
    return "\n\n".join(pages)


def _docx_text(content: bytes) -> str:
    try:
        document = docx.Document(io.BytesIO(content))
        return "\n".join(_blocks(document.iter_inner_content(), depth=0))
    except Exception as exc:
        # python-docx and lxml raise many kinds of error on a damaged package.
        raise DocumentRefused(_("The Word document could not be read: it is damaged.")) from exc


def _blocks(items: Any, depth: int) -> list[str]:
    """Paragraphs and tables in document order; a table row is one line, cells joined by |."""
    lines: list[str] = []
    for item in items:
        if not isinstance(item, Table):
            lines.append(item.text)
            continue
        if depth > 3:  # tables nested deeper than that hold no prose
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


def fit(text: str, limit: int) -> tuple[str, bool]:
    """``text`` cut at a word boundary to at most ``limit`` characters, and whether it was cut."""
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    return (cut[:space] if space > limit // 2 else cut).rstrip(), True
