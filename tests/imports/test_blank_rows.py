"""Empty rows of a workbook: skipped, never counted, and the ones after the last expert not read.

A sheet can hold rows that are formatted but empty (a <row> with styled cells and no value),
hundreds of thousands of them after the experts, under a <dimension> claiming them all. These
tests build such workbooks for real: openpyxl writes the experts, and the empty rows go straight
into the sheet's XML, as a spreadsheet program leaves them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from app.imports import files as import_files
from app.imports.files import FileRefused, read_rows
from tests.imports.test_bulk_import import HEADER, cells, problems, text, upload

SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook(experts: dict[int, dict[str, object]], styled: Iterable[int] = ()) -> bytes:
    """The header on row 1, each expert on its row, and cells with a style but no value on the
    ``styled`` rows (openpyxl writes those as a <row> of empty cells); other rows are missing."""
    book = Workbook()
    sheet = book.active
    for column, name in enumerate(HEADER, start=1):
        sheet.cell(row=1, column=column, value=name)
    for number, expert in experts.items():
        for column, name in enumerate(HEADER, start=1):
            sheet.cell(row=number, column=column, value=expert.get(name))
    for number in styled:
        for column in (1, 2, 3):
            sheet.cell(row=number, column=column).font = Font(bold=True)  # style id 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite_sheet(content: bytes, change: Callable[[str], str | bytes]) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename == SHEET:
                changed = change(data.decode("utf-8"))
                data = changed.encode("utf-8") if isinstance(changed, str) else changed
            archive.writestr(item, data)
    return out.getvalue()


def blank_rows(numbers: Iterable[int]) -> str:
    """Rows as Excel leaves them after formatting a range: styled, with empty cells."""
    return "".join(
        f'<row r="{n}" s="1" customFormat="1" ht="15"><c r="A{n}" s="1"/><c r="B{n}" s="1"/></row>'
        for n in numbers
    )


def with_rows(content: bytes, rows: str, dimension: str | None = None) -> bytes:
    """The workbook with ``rows`` (XML) added at the end of its sheet, and another dimension."""

    def change(xml: str) -> str:
        if dimension is not None:
            xml, found = re.subn(r'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"', xml)
            assert found == 1
        return xml.replace("</sheetData>", rows + "</sheetData>")

    return rewrite_sheet(content, change)


def experts(*numbers: int) -> dict[int, dict[str, object]]:
    return {n: cells(external_id=f"GH-{n}") for n in numbers}


def lines(rows: import_files.Rows) -> list[tuple[int, str]]:
    return [(number, record["external_id"]) for number, record in rows.records]


def test_trailing_empty_rows_are_not_read(monkeypatch):
    content = with_rows(
        workbook(experts(2, 3, 4)), blank_rows(range(5, 200_005)), dimension="A1:Z200004"
    )
    rows = read_rows(content, "xlsx")
    assert lines(rows) == [(2, "GH-2"), (3, "GH-3"), (4, "GH-4")]
    assert rows.errors == []
    assert rows.letters["external_id"] == "A" and rows.letters["consent_given_at"] == "V"
    # Not one of the 200,000 empty rows counts, towards the experts or towards the rows read.
    monkeypatch.setattr(import_files, "MAX_ROWS", 3)
    monkeypatch.setattr(import_files, "MAX_SHEET_ROWS", 10)
    assert lines(read_rows(content, "xlsx")) == [(2, "GH-2"), (3, "GH-3"), (4, "GH-4")]


def test_empty_rows_do_not_count_towards_the_experts_cap(monkeypatch):
    monkeypatch.setattr(import_files, "MAX_ROWS", 3)
    styled = [*range(3, 50), *range(60, 70), *range(80, 5_000)]  # 50-59, 70-79: no <row> at all
    content = with_rows(workbook(experts(2, 55, 75), styled), blank_rows(range(5_000, 6_000)))
    assert lines(read_rows(content, "xlsx")) == [(2, "GH-2"), (55, "GH-55"), (75, "GH-75")]
    content = with_rows(workbook(experts(2, 55, 75, 4_000), styled), blank_rows([6_000]))
    with pytest.raises(FileRefused, match="The file has more than 3 experts"):
        read_rows(content, "xlsx")


def test_empty_rows_and_notes_between_experts_are_skipped_and_lines_keep_their_numbers():
    content = workbook(experts(2, 5, 9, 1_500), styled=[3, 4, *range(10, 1_500)])
    content = rewrite_sheet(
        content,
        lambda xml: xml.replace(  # row 7: a note; row 8: cells holding only spaces or nothing
            '<row r="9"',
            '<row r="7"><c r="A7" t="inlineStr"><is><t># checked by HR</t></is></c></row>'
            '<row r="8"><c r="A8" t="inlineStr"><is><t>   </t></is></c>'
            '<c r="B8" t="inlineStr"><is><t></t></is></c></row><row r="9"',
        ),
    )
    content = with_rows(content, blank_rows(range(1_501, 3_000)))
    rows = read_rows(content, "xlsx")
    assert lines(rows) == [(2, "GH-2"), (5, "GH-5"), (9, "GH-9"), (1_500, "GH-1500")]
    assert rows.errors == []


def test_a_row_numbered_far_down_is_read_with_its_number():
    far = workbook(experts(2), styled=range(3, 1_000))
    far = with_rows(  # a row numbered far down, with no rows between: read at once, as it is
        far,
        '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>GH-X</t></is></c>'
        '<c r="X1048576" t="inlineStr"><is><t>stray</t></is></c></row>',
    )
    rows = read_rows(far, "xlsx")
    assert [number for number, _ in rows.records] == [2, 1_048_576]
    assert [(e.line, e.message) for e in rows.errors] == [
        (1_048_576, "has 23 or more cells; the header has 22")
    ]


@pytest.mark.parametrize("dimension", ["A1:Z1900000", "A1:B2", "A1"])
def test_the_sheets_dimension_is_not_believed(dimension):
    """Read-only openpyxl makes up each row a <dimension> claims, and stops where it ends."""
    content = with_rows(workbook(experts(2, 3, 4)), "", dimension=dimension)
    assert lines(read_rows(content, "xlsx")) == [(2, "GH-2"), (3, "GH-3"), (4, "GH-4")]


def test_too_many_empty_rows_before_the_last_expert_are_refused(monkeypatch):
    monkeypatch.setattr(import_files, "MAX_SHEET_ROWS", 100)
    content = workbook(experts(2, 3, 250), styled=range(4, 250))
    with pytest.raises(FileRefused) as refused:
        read_rows(content, "xlsx")
    assert str(refused.value) == (
        "The sheet has more than 100 rows before its last filled-in one (empty rows and notes "
        "count too), and civcap reads at most 100. Delete the empty rows between the experts, or "
        "copy the experts into a new workbook, and upload it again."
    )
    # The same rows, all empty after the experts: read.
    content = workbook(experts(2, 3, 4), styled=range(5, 300))
    assert lines(read_rows(content, "xlsx")) == [(2, "GH-2"), (3, "GH-3"), (4, "GH-4")]
    # A value far down, after the scan has stopped counting rows.
    content = with_rows(
        workbook(experts(2, 3, 4), styled=range(5, 300)), '<row r="5000"><c><v>1</v></c></row>'
    )
    with pytest.raises(FileRefused, match="more than 100 rows before its last filled-in one"):
        read_rows(content, "xlsx")
    # A sheet of too many experts is told so, as before.
    monkeypatch.setattr(import_files, "MAX_ROWS", 50)
    with pytest.raises(FileRefused, match="The file has more than 50 experts"):
        read_rows(workbook(experts(*range(2, 300))), "xlsx")


def test_only_empty_rows_hold_no_experts():
    header_only = with_rows(workbook({}), blank_rows(range(2, 50_000)))
    nothing = rewrite_sheet(
        header_only, lambda xml: re.sub(r'<row r="1".*?</row>', blank_rows([1]), xml)
    )
    for content in (header_only, nothing):
        with pytest.raises(FileRefused, match="The file holds no experts"):
            read_rows(content, "xlsx")


def sheet_xml(rows: list[list[str] | None], prefix: str = "x") -> str:
    """A sheet as some generators write it: a namespace prefix, no row or cell references."""
    p = f"{prefix}:"

    def row(values: list[str] | None) -> str:
        if values is None:
            return f'<{p}row customFormat="1" s="1"/>'
        cells = "".join(
            f'<{p}c t="inlineStr"><{p}is><{p}t>{v}</{p}t></{p}is></{p}c>' if v else f"<{p}c/>"
            for v in values
        )
        return f"<{p}row>{cells}</{p}row>"

    body = "".join(row(values) for values in rows)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet xmlns:{prefix}="{MAIN}">'
        f"<{p}sheetData>{body}</{p}sheetData></{p}worksheet>"
    )


def test_rows_without_numbers_are_counted_as_the_reader_counts_them():
    def expert(n: int) -> list[str]:
        return [str(cells(external_id=f"GH-{n}").get(name) or "") for name in HEADER]

    sheet = [HEADER, None, expert(3), None, None, expert(6), *[None] * 5_000]
    content = rewrite_sheet(workbook({}), lambda _: sheet_xml(sheet))
    assert lines(read_rows(content, "xlsx")) == [(3, "GH-3"), (6, "GH-6")]
    # A comment that looks like a row with a value only makes the reader read on to it.
    commented = sheet_xml(sheet).replace(
        "</x:sheetData>", "<!-- <x:row><x:c><x:v>1</x:v></x:c></x:row> --></x:sheetData>"
    )
    content = rewrite_sheet(workbook({}), lambda _: commented)
    assert lines(read_rows(content, "xlsx")) == [(3, "GH-3"), (6, "GH-6")]


def test_a_sheet_in_utf16_is_read_whole():
    """The scan cannot spell UTF-16 tags, so nothing is skipped: every row is read."""
    content = with_rows(workbook(experts(2, 3)), blank_rows(range(4, 1_000)))
    content = rewrite_sheet(
        content, lambda xml: xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    )
    assert lines(read_rows(content, "xlsx")) == [(2, "GH-2"), (3, "GH-3")]


@pytest.fixture
def focal_point(app, focal, auth, tmp_path: Path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    auth.login(focal.email)
    return focal


def test_the_preview_of_a_workbook_ending_in_empty_rows(client, focal_point):
    content = with_rows(
        workbook(experts(2, 3, 4)), blank_rows(range(5, 100_005)), dimension="A1:Z100004"
    )
    response = upload(client, content, "roster.xlsx")
    assert response.status_code == 200, text(response)
    assert "3 new, 0 updated, 0 unchanged" in text(response)


def test_a_problem_after_empty_rows_is_shown_on_its_row(client, focal_point):
    bad = {5_000: cells(external_id="GH-5000", languages="en:D1")}
    content = workbook({**experts(2, 3), **bad}, styled=range(4, 5_000))
    content = with_rows(content, blank_rows(range(5_001, 50_000)), dimension="A1:Z50000")
    response = upload(client, content, "roster.xlsx")
    assert response.status_code == 422
    assert problems(text(response)) == [
        ("5000", "languages (J)", "entry 1, level: 'D1' is not a CEFR level (A1, A2, B1, B2, C1, "
         "C2) (write languages as en:C1; fr:B2)")
    ]  # fmt: skip
