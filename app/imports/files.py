"""Uploaded files of experts (CSV, XLSX, JSON Lines) read into the records the importer checks.

A JSON Lines file goes line by line through ``importing``'s own reader. A CSV or XLSX row becomes
the same JSON-like object, one column per field of the JSON Lines interchange format, so
that ``importing.check_experts`` applies the same rules to all three. A cell holding several
values separates them with ";" (``skills``: "manage court cases; legislative drafting"),
``languages`` pairs code and level ("en:C1; fr:B2"), and ``consent`` takes two columns,
``consent_version`` and ``consent_given_at``. The header is on the first row; a row whose only
cell starts with "#" is a note and is skipped, as are empty rows. The empty rows at the end of
a sheet (a workbook can end in a million rows formatted but empty) are not even read.

A whole file that cannot be read (wrong type, damaged, empty, too big) is refused with
``FileRefused`` before any row is looked at. The type is checked from the content: an XLSX is a
zip holding ``xl/workbook.xml``; CSV and JSON Lines must be UTF-8 text.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath
from typing import IO, Any

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.common.uploads import OLE2_SIGNATURE, UploadRefused
from app.imports import LineError
from app.imports.lines import json_objects

# The preview checks every row inside the web request (about 0.2 ms a row) and the import runs
# as a job, so the upload's size (MAX_UPLOAD_MB) is the real bound; this one keeps a preview
# under half a minute.
MAX_ROWS = 100_000
# The <row>s of a sheet read up to its last filled-in one, empty rows and notes included: twice
# MAX_ROWS, about two seconds if all are empty. Empty rows after the last filled-in one are not
# read at all (see _rows_to_read).
MAX_SHEET_ROWS = 200_000
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # an XLSX's parts, unpacked: a guard against zip bombs
FORMATS = {"csv": "CSV", "xlsx": _l("Excel workbook (XLSX)"), "jsonl": "JSON Lines"}
_EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_SIGNATURES = (
    (b"%PDF-", _l("a PDF document")),
    (b"PK\x03\x04", _l("a zip archive (an XLSX workbook, a DOCX document, ...)")),
    (OLE2_SIGNATURE, _l("an old-style (.xls, .doc) or password-protected Office file")),
    (b"\x89PNG", _l("a PNG image")),
    (b"\xff\xd8\xff", _l("a JPEG image")),
    (b"GIF8", _l("a GIF image")),
)

TEXT, LIST, LANGUAGES, NUMBER, DAY, MOMENT = "text", "list", "languages", "number", "day", "moment"


@dataclass(frozen=True)
class Column:
    """A column of the file (a field of the interchange format): its name stays as it is in every
    language; ``help``, what to write in it, is in the reader's language."""

    name: str
    kind: str
    required: bool
    help: Any  # a lazy message (or "")
    example: str = ""


COLUMNS = (
    Column("external_id", TEXT, True, _l("Your identifier for the expert (at most 64 characters). "
           "Uploading a file again updates the experts with these ids."), "GH-0001"),
    Column("full_name", TEXT, True, "", "Grace Mensah"),
    Column("gender", TEXT, False, _l("female, male, other or undisclosed (blank: undisclosed)"),
           "female"),
    Column("nationality", TEXT, True, _l("ISO 3166-1 alpha-2 country code"), "GH"),
    Column("nominated_by", TEXT, False, _l("Blank, or your organisation's name exactly"), ""),
    Column("title", TEXT, True, _l("The expert's job title"), "court administrator"),
    Column("summary", TEXT, False, _l("CV summary, free text"),
           "Court administrator with 14 years of professional experience."),
    Column("skills", LIST, False, _l("Skills separated by ;"),
           "manage court cases; legislative drafting"),
    Column("areas", LIST, False, _l("Core area codes separated by ;"), "justice"),
    Column("languages", LANGUAGES, True, _l("language:level pairs separated by ; (ISO 639-1 code, "
           "CEFR level A1 to C2)"), "en:C1; fr:B2"),
    Column("years_experience", NUMBER, False, _l("Whole number of years"), "14"),
    Column("available_from", DAY, True, _l("Date YYYY-MM-DD"), "2027-02-15"),
    Column("available_until", DAY, False, _l("Date YYYY-MM-DD, blank if open-ended"),
           "2028-01-31"),
    Column("modalities", LIST, True, _l("Separated by ;: government_provided, consultant, staff, "
           "un_volunteer"), "government_provided; consultant"),
    Column("countries_of_experience", LIST, False, _l("ISO 3166-1 alpha-2 codes separated by ;"),
           "LR; SS"),
    Column("email", TEXT, False, "", "grace.mensah@example.org"),
    Column("phone", TEXT, False, "", "+233 20 000 0000"),
    Column("birth_year", NUMBER, False, _l("Year, e.g. 1980"), "1980"),
    Column("availability_confirmed_at", MOMENT, False, _l("When the expert last confirmed their "
           "availability: YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)")),
    Column("status", TEXT, False, _l("active, unavailable or withdrawn (blank: active for a new "
           "expert, unchanged for one already on the roster)")),
    Column("consent_version", TEXT, False, _l("With consent_given_at: the consent text the expert "
           "agreed to. Blank: your upload attests consent now, for the current text")),
    Column("consent_given_at", MOMENT, False, _l("With consent_version: when the expert agreed, "
           "YYYY-MM-DDTHH:MM (UTC)")),
)  # fmt: skip
BY_NAME = {c.name: c for c in COLUMNS}


class FileRefused(UploadRefused):
    """The file as a whole cannot be imported; the message says why, in words to act on."""


@dataclass
class Rows:
    """What a file holds: (line, record) pairs for the importer, and problems found on the way."""

    format: str
    records: list[tuple[int, dict[str, Any]]]
    errors: list[LineError]
    letters: dict[str, str]  # column name -> spreadsheet column letter (CSV and XLSX)


def file_format(filename: str) -> str:
    """``csv``, ``xlsx`` or ``jsonl`` from the file's name; anything else is refused."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise FileRefused(_("Upload a .csv, .xlsx or .jsonl file (this one is not any of those)."))
    return _EXTENSIONS[suffix]


def read_rows(content: bytes, format: str) -> Rows:
    """Every row of the file as a record; raises FileRefused when the file cannot be read."""
    if not content.strip():
        raise FileRefused(_("The file is empty."))
    if format == "xlsx":
        rows = _sheet_rows(format, _workbook_rows(content))
    elif format == "csv":
        rows = _sheet_rows(format, _csv_rows(_text(content, FORMATS[format])))
    else:
        errors: list[LineError] = []
        lines = _text(content, FORMATS[format]).split("\n")  # as JSON Lines (and the CLI) do
        rows = Rows(format, list(json_objects(lines, errors)), errors, {})
        if len(rows.records) > MAX_ROWS:
            raise FileRefused(_too_many_rows())
    if not rows.records and not rows.errors:
        raise FileRefused(_("The file holds no experts (only a header, empty rows or notes)."))
    return rows


def _too_many_rows() -> str:
    return _(
        "The file has more than %(most)s experts; split it in parts, or ask an operator to load "
        "it with `civcap import-experts`.",
        most=format_decimal(MAX_ROWS),
    )


def _what_it_is(content: bytes) -> str | None:
    found = next((what for magic, what in _SIGNATURES if content.startswith(magic)), None)
    return None if found is None else str(found)


def _text(content: bytes, name: Any) -> str:
    what = _what_it_is(content)
    if what:
        raise FileRefused(_("This file is %(what)s, not %(format)s text.", what=what, format=name))
    if b"\x00" in content[:8192]:
        raise FileRefused(_("This file is binary data, not %(format)s text.", format=name))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(
            _(
                "The file is not UTF-8 text (byte %(byte)s cannot be read). In Excel, choose "
                "“CSV UTF-8” when saving; other editors offer UTF-8 as the encoding.",
                byte=exc.start + 1,
            )
        ) from None


def _csv_rows(text: str) -> Iterator[tuple[int, list[Any]]]:
    header = text.split("\n", 1)[0]
    # Excel writes ";" between cells where "," is the decimal mark; the header tells which.
    delimiter = max((",", ";", "\t"), key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        for row in reader:
            yield start, row
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileRefused(
            _(
                "Line %(line)s is not valid CSV (%(reason)s). A cell holding a quote, the "
                "separator or a line break must be in double quotes, with inner quotes doubled.",
                line=reader.line_num,
                reason=str(exc),
            )
        ) from None


def _workbook_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    _check_zip(content)
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            # Any: the parts of openpyxl used below are internals, which its stubs leave out.
            workbook: Any = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            try:
                sheet: Any = workbook.worksheets[0]
                with workbook._archive.open(sheet._worksheet_path) as part:
                    wanted = _rows_to_read(part)
                # The parser under openpyxl's read-only sheet, not sheet.iter_rows: that believes
                # the sheet's <dimension>, which can claim a million rows that are not there (it
                # then makes up each) or too few (it then stops early), and makes up each row
                # missing between two. The parser gives the <row>s there are, with their numbers.
                # (openpyxl 3.1's internals: on a version without them, every workbook is refused.)
                with workbook._archive.open(sheet._worksheet_path) as source:
                    parser = WorkSheetParser(
                        source,
                        sheet._shared_strings,
                        data_only=True,
                        epoch=workbook.epoch,
                        date_formats=workbook._date_formats,
                        timedelta_formats=workbook._timedelta_formats,
                    )
                    for read, (number, cells) in enumerate(parser.parse(), start=1):
                        if wanted is not None and read > wanted:
                            break  # the rest is empty rows
                        if read > MAX_SHEET_ROWS:
                            raise FileRefused(_too_many_sheet_rows())
                        filled = [cell for cell in cells if cell["value"] is not None]
                        row = [None] * max((cell["column"] for cell in filled), default=0)
                        for cell in filled:
                            row[cell["column"] - 1] = cell["value"]
                        yield number, row
            finally:
                workbook.close()
    except FileRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds on damaged or hostile workbooks
        reason = f"{type(exc).__name__}: {exc}"
        raise FileRefused(
            _(
                "The workbook could not be read (%(reason)s). Open it in a spreadsheet program "
                "and save it again as .xlsx.",
                reason=reason,
            )
        ) from None


def _too_many_sheet_rows() -> str:
    return _(
        "The sheet has more than %(most)s rows before its last filled-in one (empty rows and "
        "notes count too), and civcap reads at most %(most)s. Delete the empty rows between the "
        "experts, or copy the experts into a new workbook, and upload it again.",
        most=format_decimal(MAX_SHEET_ROWS),
    )


def _check_zip(content: bytes) -> None:
    if not content.startswith(b"PK\x03\x04"):
        what = _what_it_is(content) or _("not a zip archive")
        raise FileRefused(_("This file is not an XLSX workbook (%(what)s).", what=what))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise FileRefused(
            _("The XLSX file is damaged: %(reason)s. Save it again and upload it.", reason=str(exc))
        ) from None
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise FileRefused(
            _("This zip archive is not an XLSX workbook (it has no xl/workbook.xml).")
        )
    if len(members) > 10_000 or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        mb = MAX_UNZIPPED_BYTES // (1024 * 1024)
        raise FileRefused(
            _("The workbook unpacks to more than %(mb)s MB; split it into smaller files.", mb=mb)
        )


# The start of a <row>, or of a cell's <v> (value) or <is> (inline text), with any namespace prefix.
_SHEET_TAG = re.compile(rb"<(?:[^\s<>:/!?]{1,64}:)?(row|v|is)(?=[\s/>])")
_VALUE_TAG = re.compile(rb"<(?:[^\s<>:/!?]{1,64}:)?(?:v|is)(?=[\s/>])")
_SCAN_CHUNK = 1024 * 1024
_SCAN_MARGIN = 128  # longer than anything _SHEET_TAG matches


def _rows_to_read(part: IO[bytes]) -> int | None:
    """How many of the sheet's <row>s to read: up to the last that holds a value; None: all.

    A workbook can end in a million rows that are formatted but empty, each still a <row> in
    its XML, which openpyxl parses at about 12 µs a row. This scan of the XML's bytes is many
    times faster. It counts every <row> and <v> or <is> it sees, even in a comment: an
    overcount only reads a few empty rows more. Past MAX_SHEET_ROWS rows, it only looks for a
    value further on (reading then stops at MAX_SHEET_ROWS). None when it sees no <row>: an
    empty sheet, or one in UTF-16, whose tags it cannot spell.
    """
    rows = wanted = 0
    buffer = b""
    while True:
        chunk = part.read(_SCAN_CHUNK)
        buffer += chunk
        limit = len(buffer) - _SCAN_MARGIN if chunk else len(buffer)
        position = 0
        while rows <= MAX_SHEET_ROWS:
            tag = _SHEET_TAG.search(buffer, position)
            if tag is None or tag.start() >= limit:
                break
            position = tag.end()
            if tag[1] == b"row":
                rows += 1
            else:
                wanted = rows  # a value in the current row
        if rows > MAX_SHEET_ROWS and _VALUE_TAG.search(buffer, position):
            return rows  # more than a sheet may have: reading stops at MAX_SHEET_ROWS
        if not chunk:
            return wanted if rows else None
        buffer = buffer[max(position, limit) :]


# ---- rows of a sheet -> records -------------------------------------------------------------


def _sheet_rows(format: str, rows: Iterator[tuple[int, list[Any]]]) -> Rows:
    errors: list[LineError] = []
    header: list[str | None] | None = None
    records: list[tuple[int, dict[str, Any]]] = []
    for number, cells in rows:
        texts = [_text_of(cell) for cell in cells]
        if not any(texts) or ((texts[0] or "").startswith("#") and not any(texts[1:])):
            continue  # an empty row, or a note
        if header is None:
            header = _header(texts)
            continue
        if len(records) >= MAX_ROWS:
            raise FileRefused(_too_many_rows())
        extra = [t for t in texts[len(header) :] if t]
        if extra:
            message = _(
                "has %(cells)d or more cells; the header has %(header)d",
                cells=len(header) + len(extra),
                header=len(header),
            )
            errors.append(LineError(number, "", message))
        cells_by_name = {name: cells[i] for i, name in enumerate(header) if name and i < len(cells)}
        records.append((number, _record(number, cells_by_name, errors)))
    letters = {}
    if header is not None:
        from openpyxl.utils import get_column_letter

        letters = {name: get_column_letter(i + 1) for i, name in enumerate(header) if name}
    return Rows(format, records, errors, letters)


def _header(texts: list[str | None]) -> list[str | None]:
    names = [t.lower() if t else None for t in texts]
    problems = []
    for name in dict.fromkeys(n for n in names if n):
        if name not in BY_NAME:
            guess = difflib.get_close_matches(name, BY_NAME, n=1)
            if guess:
                problem = _(
                    "unknown column %(name)s (did you mean %(guess)s?)",
                    name=repr(name),
                    guess=guess[0],
                )
            else:
                problem = _("unknown column %(name)s", name=repr(name))
            problems.append(problem)
        elif names.count(name) > 1:
            problems.append(_("column %(name)s appears twice", name=repr(name)))
    missing = [c.name for c in COLUMNS if c.required and c.name not in names]
    if missing:
        problems.append(
            ngettext(
                "missing column %(columns)s",
                "missing columns %(columns)s",
                len(missing),
                columns=", ".join(missing),
            )
        )
    if problems:
        raise FileRefused(
            _(
                "The header (the first row) is not right: %(problems)s. Download a template to "
                "see the columns.",
                problems="; ".join(problems),
            )
        )
    return names


def _record(number: int, cells: dict[str, Any], errors: list[LineError]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for name, cell in cells.items():
        value = cell_value(BY_NAME[name].kind, cell)
        if value is not None:
            record[name] = value
    version, given_at = record.pop("consent_version", None), record.pop("consent_given_at", None)
    if version is not None and given_at is not None:
        record["consent"] = {"version": version, "given_at": given_at}
    elif version is not None or given_at is not None:
        blank = "consent_given_at" if given_at is None else "consent_version"
        other = "consent_version" if given_at is None else "consent_given_at"
        errors.append(
            LineError(number, blank, _("is required when %(other)s is given", other=other))
        )
    return record


def cell_value(kind: str, cell: Any) -> Any:
    """A cell as the JSON Lines value of its column; None for a blank cell."""
    if kind == DAY and isinstance(cell, datetime):
        return cell.date().isoformat()
    if kind == NUMBER and isinstance(cell, int | float) and not isinstance(cell, bool):
        return cell
    text = _text_of(cell)
    if text is None:
        return None
    if kind == NUMBER:
        for parse in (int, float):
            try:
                return parse(text)
            except ValueError:
                pass
        return text  # the importer says it is not a whole number
    if kind in (LIST, LANGUAGES):
        items = [item.strip() for item in text.replace("\n", ";").split(";") if item.strip()]
        return [_language(item) for item in items] if kind == LANGUAGES else items
    return text


def _language(item: str) -> dict[str, str | None]:
    code, _colon, level = item.partition(":")
    return {"code": code.strip(), "level": level.strip() or None}


def _text_of(cell: Any) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)  # a spreadsheet keeps 1980 and an id like 12 as numbers
    if isinstance(cell, datetime | date):
        cell = cell.isoformat()
    text = str(cell).strip()
    return text or None
