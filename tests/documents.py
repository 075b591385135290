"""Documents made here for upload tests: real PDFs and Word files, and broken or hostile ones."""

from __future__ import annotations

import io
import zipfile
from functools import cache
from typing import Any

import docx
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from werkzeug.test import encode_multipart

PDF_TEXT = "Jeanne Dupont, legislative drafter. Constitution-making in South Sudan."


@cache
def make_pdf(*lines: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for line in lines:
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def encrypted_pdf(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(PDF_TEXT))))
    writer.encrypt(user_password=user_password, owner_password="owner secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@cache
def make_docx() -> bytes:
    document = docx.Document()
    document.add_heading("Amadou Diallo", level=1)
    document.add_paragraph("Electoral   adviser with\tfifteen years in West Africa.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Skill"
    table.cell(0, 1).text = "Level"
    table.cell(1, 0).text = "Voter registration"
    table.cell(1, 1).text = "Expert"
    document.add_paragraph("References on request.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


@cache
def docx_bomb() -> bytes:
    """A real .docx plus one part that unpacks to 60 MB of zeros (a few dozen KB packed)."""
    with zipfile.ZipFile(io.BytesIO(make_docx())) as real:
        members = {name: real.read(name) for name in real.namelist()}
    return zipped({**members, "word/media/padding.bin": bytes(60 * 1024 * 1024)})


def docx_with_main_type(main_type: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(make_docx())) as real:
        members = {name: real.read(name) for name in real.namelist()}
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", main_type.encode()
    )
    return zipped(members)


def docx_of(*paragraphs: str) -> bytes:
    """A Word document of these paragraphs, one each."""
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def multipart(fields: dict[str, Any]) -> dict[str, Any]:
    """A multipart body built in memory (the test client spools big ones to unclosed files)."""
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}
