"""The files a focal point fills in for a bulk import: CSV, XLSX and JSON Lines templates.

Each holds the columns (fields) of the interchange format and one example expert; the CSV and
the XLSX also say how to write each column, the XLSX on a second sheet. The column names and the
example are the file format, the same in every language; the notes and the help sheet are in the
language of the person who downloads the file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from flask_babel import gettext as _

from app.imports.files import COLUMNS, cell_value


def notes() -> tuple[str, str, str]:
    """How to fill in the file, in the reader's language (the template's note rows)."""
    return (
        _(
            "Notes: rows whose first cell starts with # are skipped. One expert per row; the "
            "first row names the columns."
        ),
        _(
            "Several values in one cell are separated by ; (skills, areas, modalities, "
            "countries_of_experience). Languages are code:level pairs, e.g. en:C1; fr:B2."
        ),
        _(
            "Required: %(columns)s. A blank nominated_by means your organisation. Dates are "
            "YYYY-MM-DD.",
            columns=", ".join(c.name for c in COLUMNS if c.required),
        ),
    )


def example(organisation: str) -> dict[str, str]:
    """The example expert, as cells, nominated by ``organisation``."""
    return {c.name: organisation if c.name == "nominated_by" else c.example for c in COLUMNS}


def csv_template(organisation: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in COLUMNS])
    writer.writerow(example(organisation).values())
    for note in notes():
        writer.writerow(["# " + note])
    # The byte-order mark tells Excel the file is UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def jsonl_template(organisation: str) -> bytes:
    """One example line, every field present (null where the example leaves it blank)."""
    cells = example(organisation)
    line = {
        c.name: cell_value(c.kind, cells[c.name])
        for c in COLUMNS
        if not c.name.startswith("consent_")
    }
    line["consent"] = None  # or {"version": "...", "given_at": "YYYY-MM-DDTHH:MM:SS+00:00"}
    return (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")


def xlsx_template(organisation: str, areas: Sequence[tuple[str, str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "experts"
    sheet.append([c.name for c in COLUMNS])
    cells = example(organisation)
    sheet.append([cell_value(c.kind, cells[c.name]) if c.kind == "number" else cells[c.name]
                  for c in COLUMNS])  # fmt: skip
    sheet.freeze_panes = "A2"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 22

    # A sheet's name has at most 31 characters, and none of []:*?/\
    help_sheet = workbook.create_sheet(_("How to fill in")[:31])
    help_sheet.append([_("Column"), _("Required"), _("What to write"), _("Example")])
    for c in COLUMNS:
        help_sheet.append([c.name, _("yes") if c.required else "", str(c.help), c.example])
    help_sheet.append([])
    help_sheet.append([_("Core area codes")])
    for code, name in areas:
        help_sheet.append([code, "", name])
    help_sheet.append([])
    for note in notes()[1:]:
        help_sheet.append([note])
    help_sheet.append([_("Only the first sheet (experts) is imported.")])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (26, 10, 80, 40), strict=True):
        help_sheet.column_dimensions[letter].width = width

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
