"""The focal point's bulk import: real CSV, XLSX and JSON Lines files, previewed, then imported."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from fpdf import FPDF
from openpyxl import Workbook, load_workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.extensions import db
from app.imports import files as import_files
from app.imports.expert_lines import EXPERT_FIELDS
from app.models import AuditEvent, Expert, ExpertStatus, Organisation, Role, Skill
from tests.cast import member_state
from tests.conftest import AuthActions, count, csrf_token
from tests.documents import zipped
from tests.factories import make_expert, make_user

GHANA = "Government of GH"  # the shared cast's ``ghana``
HEADER = [c.name for c in import_files.COLUMNS]


def cells(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        "external_id": "GH-1",
        "full_name": "Grace Mensah",
        "gender": "female",
        "nationality": "GH",
        "nominated_by": "",
        "title": "court administrator",
        "summary": "Court administrator with 14 years of professional experience.",
        "skills": "manage court cases; legislative drafting",
        "areas": "justice",
        "languages": "en:C1; fr:B2",
        "years_experience": "14",
        "available_from": "2027-02-15",
        "available_until": "2028-01-31",
        "modalities": "government_provided; consultant",
        "countries_of_experience": "LR; SS",
    }
    row.update(overrides)
    return row


def csv_file(*rows: dict[str, object], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_file(*rows: dict[str, object]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "experts"
    sheet.append(HEADER)
    for row in rows:
        sheet.append([row.get(name) for name in HEADER])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def jsonl_file(*records: dict[str, object]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode("utf-8")


def json_record(**overrides: object) -> dict[str, object]:
    record: dict[str, object] = {
        "external_id": "GH-1",
        "full_name": "Grace Mensah",
        "nationality": "GH",
        "title": "court administrator",
        "skills": ["manage court cases"],
        "areas": ["justice"],
        "languages": [{"code": "en", "level": "C1"}],
        "years_experience": 14,
        "available_from": "2027-02-15",
        "modalities": ["consultant"],
    }
    record.update(overrides)
    return record


def pdf_bytes() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="Not a roster")
    return bytes(pdf.output())


def upload(client, content: bytes, filename: str = "experts.csv"):
    # Encoded here, in memory: the test client spools a large body to a temporary file that
    # nobody closes, which pytest reports as a ResourceWarning.
    fields = {
        "csrf_token": csrf_token(client, "/roster/import"),
        "file": FileStorage(io.BytesIO(content), filename),
    }
    boundary, body = encode_multipart(fields)
    return client.post(
        "/roster/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def token_of(page: str) -> str:
    match = re.search(r'name="token" type="hidden" value="([^"]+)"', page)
    assert match, "no import token on the preview page"
    return match.group(1)


def confirm(client, page: str, action: str = "/roster/import/confirm", token: str | None = None):
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert csrf
    return client.post(action, data={"csrf_token": csrf.group(1), "token": token or token_of(page)})


def text(response) -> str:
    """The page, with runs of white space as one space."""
    return " ".join(response.get_data(as_text=True).split())


def problems(page: str) -> list[tuple[str, str, str]]:
    """(line, column, reason) of each row of the problems table."""
    body = page.split('class="list problems"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", body)
    return [(line, column, reason.replace("&#39;", "'")) for line, column, reason in rows]


def pending(uploads: Path) -> list[Path]:
    folder = uploads / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def uploads(app, tmp_path: Path) -> Path:
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def togo(app) -> Organisation:
    return member_state("TG")


@pytest.fixture
def focal_point(focal, uploads, auth: AuthActions):
    """Ghana's focal point (the shared ``focal``), logged in, with a folder for uploads."""
    auth.login(focal.email)
    return focal


def test_the_columns_are_the_importers_fields():
    names = {c.name for c in import_files.COLUMNS}
    assert names - {"consent_version", "consent_given_at"} | {"consent"} == EXPERT_FIELDS


def test_only_focal_points_import(app, client, auth, ghana, uploads, mission, un_hr):
    assert client.get("/roster/import").status_code == 302  # to the login page
    for role, organisation in ((Role.HR_REVIEWER, un_hr), (Role.REQUESTER, mission)):
        user = make_user(role, organisation)
        auth.login(user.email)
        for url in ("/roster/import", "/roster/import/template.csv"):
            assert client.get(url).status_code == 403
        token = "x" * 43
        page = client.get("/", follow_redirects=True).get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        for action in ("/roster/import/confirm", "/roster/import/discard"):
            response = client.post(action, data={"csrf_token": csrf, "token": token})
            assert response.status_code == 403
        auth.logout()


def test_the_roster_links_to_the_import(client, focal_point):
    page = text(client.get("/roster/"))
    assert re.search(r'<a class="button" href="/roster/import">Import experts</a>', page)
    page = text(client.get("/roster/import"))
    assert "en:C1; fr:B2" in page and "justice" in page


@pytest.mark.parametrize("format", ["csv", "xlsx", "jsonl"])
def test_each_template_imports_its_example(client, focal_point, format):
    response = client.get(f"/roster/import/template.{format}")
    assert response.status_code == 200
    assert f"filename=civcap-experts-template.{format}" in response.headers["Content-Disposition"]
    if format == "xlsx":
        workbook = load_workbook(io.BytesIO(response.data))
        assert workbook.sheetnames == ["experts", "How to fill in"]
        assert [c.value for c in workbook["experts"][1]] == HEADER
    elif format == "csv":
        assert "en:C1; fr:B2" in response.data.decode("utf-8-sig")
    else:
        line = json.loads(response.data)
        assert line["languages"] == [{"code": "en", "level": "C1"}, {"code": "fr", "level": "B2"}]
        assert line["nominated_by"] == GHANA

    preview = upload(client, response.data, f"filled.{format}")
    assert preview.status_code == 200, text(preview)
    assert "1 expert, no problems: 1 new, 0 updated, 0 unchanged" in text(preview)
    assert count(Expert) == 0


def test_preview_lists_each_rows_problems_and_saves_nothing(client, focal_point, uploads):
    content = csv_file(
        cells(external_id="GH-1"),
        cells(external_id="GH-2", languages="en:C1; fr:D1", nationality="XX"),
        cells(external_id="GH-3", available_from="", years_experience="many"),
        cells(external_id="GH-1", full_name="Kofi Boateng"),
    )
    response = upload(client, content)
    assert response.status_code == 422
    page = text(response)
    found = problems(page)
    assert ("3", "languages (J)", "entry 2, level: 'D1' is not a CEFR level (A1, A2, B1, B2, C1, "
            "C2) (write languages as en:C1; fr:B2)") in found  # fmt: skip
    assert any(line == "3" and column == "nationality (D)" for line, column, _ in found)
    assert ("4", "available_from (L)", "is required") in found
    assert ("4", "years_experience (K)", "must be a whole number (got 'many')") in found
    assert any(line == "5" and "appears twice" in reason for line, _, reason in found)
    assert "on 3 of 4 rows" in page
    assert "1 new, 0 updated, 0 unchanged" in page  # what the row without problems would do
    assert 'name="token"' not in page  # nothing to confirm
    assert count(Expert) == count(AuditEvent) == count(Skill) == 0
    assert pending(uploads) == []


def test_import_creates_then_a_new_upload_updates_by_external_id(client, focal_point, uploads):
    first = csv_file(cells(external_id="GH-1"), cells(external_id="GH-2", full_name="Kofi Boateng"))
    preview = upload(client, first)
    assert "2 experts, no problems: 2 new, 0 updated, 0 unchanged" in text(preview)
    assert "Import 2 experts" in text(preview)
    assert count(Expert) == count(Skill) == count(AuditEvent) == 0
    assert len(pending(uploads)) == 1

    response = confirm(client, text(preview))  # the job runs at once in tests (inline queue)
    assert response.status_code == 302 and "/roster/import/jobs/" in response.location
    job_page = text(client.get(response.location))
    assert "Imported: 2 created, 0 updated, 0 unchanged." in job_page
    assert "2 of 2 rows imported (100%)" in job_page
    assert 'href="/roster/' in job_page and "Grace Mensah" in job_page
    assert pending(uploads) == []
    grace = db.session.scalar(sa.select(Expert).where(Expert.external_id == "GH-1"))
    assert grace.organisation.name == GHANA and grace.status is ExpertStatus.ACTIVE
    assert [(x.code, x.level) for x in grace.languages] == [("en", "C1"), ("fr", "B2")]
    assert sorted(s.name for s in grace.skills) == ["legislative drafting", "manage court cases"]
    assert grace.available_from == date(2027, 2, 15) and grace.has_consent
    events = list(db.session.scalars(sa.select(AuditEvent)))
    assert {(e.action, e.actor_id, e.actor_label) for e in events} == {
        ("expert.registered", focal_point.id, "web import experts.csv")
    }

    second = csv_file(cells(external_id="GH-1", title="registrar"),
                      cells(external_id="GH-2", full_name="Kofi Boateng"))  # fmt: skip
    preview = upload(client, second)
    assert "0 new, 1 updated, 1 unchanged" in text(preview)
    confirm(client, text(preview))
    db.session.expire_all()
    assert count(Expert) == 2
    assert db.session.get(Expert, grace.id).title == "registrar"
    assert count(AuditEvent) == 3


def test_a_workbook_with_typed_cells_imports(client, focal_point):
    content = xlsx_file(
        cells(
            external_id=1001,  # a number, as a spreadsheet keeps it
            years_experience=12,
            birth_year=1980.0,
            available_from=datetime(2027, 3, 1),
            available_until=None,
            availability_confirmed_at=datetime(2026, 5, 1, 9, 30),
        )
    )
    preview = upload(client, content, "roster.xlsx")
    assert "1 new" in text(preview), text(preview)
    confirm(client, text(preview))
    expert = db.session.scalar(sa.select(Expert))
    assert expert.external_id == "1001" and expert.years_experience == 12
    assert expert.birth_year == 1980 and expert.available_from == date(2027, 3, 1)
    confirmed = expert.availability_confirmed_at
    assert confirmed.replace(tzinfo=confirmed.tzinfo or UTC) == datetime(
        2026, 5, 1, 9, 30, tzinfo=UTC
    )


def test_a_workbook_row_with_problems(client, focal_point):
    content = xlsx_file(cells(), cells(external_id="GH-2", modalities="", areas="justice; space"))
    response = upload(client, content, "roster.xlsx")
    found = problems(text(response))
    assert ("3", "modalities (N)", "is required") in found
    assert any(c == "areas (I)" and r.startswith("entry 2: 'space' is not a core area")
               for _, c, r in found)  # fmt: skip
    assert count(Expert) == 0


def test_json_lines_import_and_their_problems(client, focal_point):
    good = jsonl_file(json_record(), json_record(external_id="GH-2", nominated_by=GHANA))
    preview = upload(client, good, "roster.jsonl")
    assert "2 new" in text(preview)
    confirm(client, text(preview))
    assert count(Expert) == 2

    bad = b'{"external_id": "GH-3"\n' + jsonl_file(json_record(languages=[{"code": "en"}]))
    response = upload(client, bad, "roster.jsonl")
    found = problems(text(response))
    assert found[0][0:2] == ("1", "—") and "not valid JSON" in found[0][2]
    assert ("2", "languages[0].level", "is required") in found
    assert count(Expert) == 2


def test_a_nul_character_is_a_row_problem_not_a_crash(client, focal_point):
    content = jsonl_file(json_record(), json_record(external_id="GH-2", skills=["a\u0000b"]))
    found = problems(text(upload(client, content, "roster.jsonl")))
    assert [(line, column) for line, column, _ in found] == [("2", "skills")]
    content = csv_file(cells(summary="x" * 9000), cells(external_id="GH-2", title="a\x00b"))
    found = problems(text(upload(client, content)))
    assert [(line, column) for line, column, _ in found] == [("3", "title (F)")]
    assert count(Expert) == 0


def test_semicolon_separated_csv(client, focal_point):
    preview = upload(client, csv_file(cells(), delimiter=";"))
    assert "1 new" in text(preview)


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("experts.csv", pdf_bytes(), "This file is a PDF document, not CSV text."),
        (
            "experts.xlsx",
            b"external_id,full_name\nGH-1,Grace\n",
            "This file is not an XLSX workbook",
        ),
        ("experts.xlsx", b"PK\x03\x04" + b"\x00broken" * 20, "The XLSX file is damaged"),
        ("experts.xlsx", zipped({"word/document.xml": b"<w/>"}), "not an XLSX workbook"),
        ("experts.jsonl", zipped({"a.txt": b"hello"}), "This file is a zip archive"),
        ("experts.csv", b"", "The file is empty."),
        ("experts.csv", ",".join(HEADER).encode() + b"\n", "holds no experts"),
        ("experts.csv", "é".encode("cp1252") + csv_file(cells()), "not UTF-8 text"),
        ("experts.csv", csv_file(cells()) + b'"GH-2,"Grace', "is not valid CSV"),
        ("experts.txt", csv_file(cells()), "Upload a .csv, .xlsx or .jsonl file"),
        ("experts.csv", b"external_id,full_nme\nGH-1,Grace\n", "did you mean full_name?"),
    ],
)
def test_unreadable_files_are_refused_clearly(client, focal_point, filename, content, message):
    response = upload(client, content, filename)
    assert response.status_code == 422
    page = text(response).replace("&#39;", "'")
    assert message in page and "Nothing was imported." in page
    assert count(Expert) == 0


def test_a_broken_workbook_inside_a_good_zip_is_refused(client, focal_point):
    content = zipped({"xl/workbook.xml": b"<not really", "[Content_Types].xml": b"<x/>"})
    response = upload(client, content, "experts.xlsx")
    assert response.status_code == 422
    assert "The workbook could not be read" in text(response)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(client, focal_point, monkeypatch):
    monkeypatch.setattr(import_files, "MAX_UNZIPPED_BYTES", 5 * 1024 * 1024)
    content = zipped({"xl/workbook.xml": b"<workbook/>", "xl/huge.xml": bytes(20 * 1024 * 1024)})
    assert len(content) < 100_000
    response = upload(client, content, "experts.xlsx")
    assert "The workbook unpacks to more than 5 MB" in text(response)


def test_too_many_rows_are_refused(client, focal_point, monkeypatch):
    monkeypatch.setattr(import_files, "MAX_ROWS", 2)
    content = csv_file(*(cells(external_id=f"GH-{i}") for i in range(3)))
    assert "The file has more than 2 experts" in text(upload(client, content))
    content = jsonl_file(*(json_record(external_id=f"GH-{i}") for i in range(3)))
    assert "The file has more than 2 experts" in text(upload(client, content, "x.jsonl"))


def test_a_file_over_the_size_limit_is_refused(app, client, focal_point):
    app.config["MAX_UPLOAD_MB"] = 1
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024 + 64 * 1024
    padding = b"x" * (1024 * 1024)  # just over 1 MB: refused by the import itself
    response = upload(client, csv_file(cells()) + padding)
    assert response.status_code == 422
    assert "The file is larger than 1 MB, the largest civcap accepts." in text(response)
    response = upload(client, padding * 2)  # far over: Flask refuses the request
    assert response.status_code == 413
    assert "larger than 1 MB" in text(response)
    assert count(Expert) == 0


def test_another_member_states_experts_are_refused(client, focal_point, togo):
    theirs = make_expert(togo, external_id="TG-7", full_name="Ama Mensah", nationality="TG")
    content = csv_file(
        cells(external_id="GH-1", nominated_by="Government of TG"),
        cells(external_id="TG-7", full_name="Taken Over"),
        cells(external_id="GH-3", nominated_by=GHANA),
    )
    response = upload(client, content)
    found = problems(text(response))
    assert found == [
        ("2", "nominated_by (E)", f"must be blank or '{GHANA}': you import your own experts only"),
        ("3", "external_id (A)",
         "is already used by an expert of another member state; use another id"),
    ]  # fmt: skip
    assert count(Expert) == 1 and count(AuditEvent) == 0
    db.session.expire_all()
    assert db.session.get(Expert, theirs.id).full_name == "Ama Mensah"


def test_erased_and_merged_records_and_the_merged_status_are_refused(client, focal_point, ghana):
    make_expert(ghana, external_id="GH-E", full_name="Erased").erased_at = datetime.now(UTC)
    make_expert(ghana, external_id="GH-M", full_name="Merged").status = ExpertStatus.MERGED
    db.session.commit()
    content = csv_file(
        cells(external_id="GH-E"),
        cells(external_id="GH-M"),
        cells(external_id="GH-N", status="merged"),
    )
    found = problems(text(upload(client, content)))
    assert [(line, column) for line, column, _ in found] == [
        ("2", "external_id (A)"), ("3", "external_id (A)"), ("4", "status (T)"),
    ]  # fmt: skip


def test_the_roster_changing_after_the_preview_is_caught_at_import(client, focal_point, togo):
    preview = upload(client, csv_file(cells(external_id="GH-1")))
    make_expert(togo, external_id="GH-1", nationality="TG")
    response = confirm(client, text(preview))
    assert response.status_code == 302
    page = text(client.get(response.location))
    assert "The roster changed since the preview" in page
    assert "Nothing of this file was imported" in page
    assert ("2", "external_id (A)",
            "is already used by an expert of another member state; use another id"
            ) in problems(page)  # fmt: skip
    assert "Start the import again" not in page  # the file must be corrected first
    assert count(Expert) == 1


def test_someone_elses_upload_cannot_be_imported(client, focal_point, togo, uploads, auth):
    preview = text(upload(client, csv_file(cells())))
    token = token_of(preview)
    auth.logout()
    for organisation in (togo, focal_point.organisation):  # another state, and a colleague
        other = make_user(Role.FOCAL_POINT, organisation)
        auth.login(other.email)
        page = text(client.get("/roster/import"))
        for action in ("/roster/import/confirm", "/roster/import/discard"):
            assert confirm(client, page, action, token).status_code == 404
        auth.logout()
    assert count(Expert) == 0 and len(pending(uploads)) == 1

    auth.login(focal_point.email)
    page = text(client.get("/roster/import"))
    for forged in ("../../../etc/passwd", "x" * 43):
        response = confirm(client, page, token=forged)
        assert response.status_code in (302, 404)
    assert confirm(client, page, token=token).status_code == 302
    assert count(Expert) == 1


def test_an_upload_is_imported_once_and_not_after_it_went_stale(client, focal_point, uploads):
    preview = text(upload(client, csv_file(cells())))
    assert confirm(client, preview).status_code == 302
    again = confirm(client, preview)
    assert again.status_code == 302 and again.location.endswith("/roster/import")
    assert "no longer waiting to be imported" in text(client.get("/roster/import"))
    assert count(Expert) == 1

    preview = text(upload(client, csv_file(cells(external_id="GH-2"))))
    [path] = pending(uploads)
    three_hours_ago = time.time() - 3 * 3600
    os.utime(path, (three_hours_ago, three_hours_ago))
    assert confirm(client, preview).status_code == 302
    assert count(Expert) == 1 and pending(uploads) == []


def test_a_new_upload_replaces_the_waiting_one_and_discard_forgets_it(client, focal_point, uploads):
    first = text(upload(client, csv_file(cells())))
    second = text(upload(client, csv_file(cells(external_id="GH-2"))))
    assert len(pending(uploads)) == 1
    assert confirm(client, first).status_code == 302  # the first is gone
    assert count(Expert) == 0
    response = confirm(client, second, "/roster/import/discard")
    assert response.status_code == 302 and pending(uploads) == []
    assert count(Expert) == 0
