"""CSV downloads: one way to write a cell and one response, for every export civcap offers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from flask import Response

# A spreadsheet runs a cell starting with one of these as a formula ("CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """A value as a CSV cell: empty for None, dates in ISO form, and text that a spreadsheet would
    run as a formula quoted with a leading '."""
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if not isinstance(value, str):
        return value
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_response(name: str, header: Sequence[str], rows: Iterable[Iterable[object]]) -> Response:
    """A CSV file ``name``.csv to download, every cell through ``cell``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
