"""CV files: real PDFs and Word documents made here, broken and hostile ones too, who may
download them, and the extracted text becoming the CV summary only once a person saves it."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from app.common import documents
from app.cv import files as cv_service
from app.extensions import db
from app.models import AuditEvent, Expert, OrganisationKind, Role
from tests.cast import focal_point_of
from tests.conftest import csrf_token, login, submit_form
from tests.documents import (
    PDF_TEXT,
    docx_bomb,
    docx_with_main_type,
    encrypted_pdf,
    make_docx,
    make_pdf,
    multipart,
    zipped,
)
from tests.factories import make_organisation, make_user

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXTAREA = re.compile(r"<textarea[^>]*>(.*?)</textarea>", re.S)


# Fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture
def focal(client, ghana, uploads):
    """The client, logged in as Ghana's focal point (the audit trail names this e-mail)."""
    return login(client, focal_point_of(ghana, "focal@ghana.example.org").email)


def client_for(app, role: Role, kind: OrganisationKind, country: str | None = None):
    """A browser session of its own, logged in as someone new in ``role``."""
    return login(app, make_user(role, make_organisation(kind, country=country)).email)


def upload(client, expert_id: int, content: bytes, filename: str, mimetype: str = "") -> Any:
    """A browser's upload from the expert's page; ``mimetype`` is what the browser claims."""
    token = csrf_token(client, f"/roster/{expert_id}")
    file = FileStorage(io.BytesIO(content), filename, content_type=mimetype or None)
    return client.post(
        f"/roster/{expert_id}/cv/upload", **multipart({"csrf_token": token, "cv": file})
    )


def stored_files(uploads: Path) -> list[Path]:
    folder = uploads / "cv"
    return sorted(folder.iterdir()) if folder.exists() else []


def state(expert_id: int) -> dict[str, Any]:
    db.session.expire_all()
    expert = db.session.get(Expert, expert_id)
    assert expert is not None
    return {
        "version": expert.version,
        "summary": expert.summary,
        "cv": (expert.cv_file, expert.cv_filename, expert.cv_content_type, expert.cv_uploaded_at),
        "consent": (expert.consent_version, expert.consent_given_at),
        "confirmed": expert.availability_confirmed_at,
    }


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def text_area(html: str) -> str:
    match = TEXTAREA.search(html)
    assert match, "no textarea on the page"
    return match.group(1).strip()


# Uploading -----------------------------------------------------------------------------------


def test_a_pdf_is_kept_under_a_random_name_and_its_text_shown_for_checking(
    app, focal, expert, uploads
):
    before = state(expert.id)
    content = make_pdf(PDF_TEXT, "Second   line\twith  gaps.")
    response = upload(focal, expert.id, content, "My CV (final).pdf", "text/html")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/roster/{expert.id}/cv/text")

    after = state(expert.id)
    cv_file, cv_filename, cv_type, uploaded_at = after["cv"]
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", cv_file)
    assert (cv_filename, cv_type) == ("My CV (final).pdf", "application/pdf")
    assert uploaded_at is not None
    assert stored_files(uploads) == [uploads / "cv" / cv_file]
    assert (uploads / "cv" / cv_file).read_bytes() == content
    assert (uploads / "cv" / cv_file).stat().st_mode & 0o777 == 0o600
    # The text is not applied yet: the summary, consent and availability are as they were.
    assert after["summary"] == before["summary"] == "The summary typed by hand."
    assert (after["consent"], after["confirmed"]) == (before["consent"], before["confirmed"])

    (event,) = events("expert.cv_uploaded")
    assert event.entity_id == expert.id and event.actor_label == "focal@ghana.example.org"
    assert event.before["cv_filename"] is None and event.after["cv_filename"] == cv_filename

    page = focal.get(response.headers["Location"]).get_data(as_text=True)
    assert PDF_TEXT in text_area(page)
    assert "Second line with gaps." in text_area(page)  # whitespace normalised
    assert "The summary typed by hand." in page  # the current summary, to compare
    assert "Keep the current summary" in page

    show = focal.get(f"/roster/{expert.id}").get_data(as_text=True)
    assert "My CV (final).pdf" in show and f"/roster/{expert.id}/cv" in show
    assert "CV uploaded" in show  # the expert's history


def test_a_word_document_gives_its_paragraphs_and_tables(app, focal, expert, uploads):
    response = upload(focal, expert.id, make_docx(), "diallo.docx", DOCX_TYPE)
    assert response.status_code == 302
    assert state(expert.id)["cv"][1:3] == ("diallo.docx", DOCX_TYPE)
    text = text_area(focal.get(f"/roster/{expert.id}/cv/text").get_data(as_text=True))
    assert text.splitlines() == [
        "Amadou Diallo",
        "Electoral adviser with fifteen years in West Africa.",
        "Skill | Level",
        "Voter registration | Expert",
        "References on request.",
    ]


def test_the_type_comes_from_the_content_not_the_name(app, focal, expert, uploads):
    response = upload(focal, expert.id, make_pdf(PDF_TEXT), "cv.docx", DOCX_TYPE)
    assert response.status_code == 302
    assert state(expert.id)["cv"][1:3] == ("cv.pdf", "application/pdf")


def test_a_pdf_with_only_an_owner_password_opens_like_any_viewer_opens_it(
    app, focal, expert, uploads
):
    response = upload(focal, expert.id, encrypted_pdf(user_password=""), "locked.pdf")
    assert response.status_code == 302
    page = focal.get(f"/roster/{expert.id}/cv/text").get_data(as_text=True)
    assert PDF_TEXT in text_area(page)


DAMAGED_PDF = "The PDF could not be read: it is damaged"
DAMAGED_DOCX = "The Word document could not be read: it is damaged"
NOT_A_CV = "The file is not a PDF or a Word (.docx) document"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(500)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
NOISE = bytes(range(7, 256)) * 20


def _truncated_docx() -> bytes:
    return make_docx()[: len(make_docx()) // 2]


REFUSED = [
    ("truncated-pdf", lambda: make_pdf(PDF_TEXT)[:400], "cv.pdf", DAMAGED_PDF),
    ("pdf-header-then-noise", lambda: b"%PDF-1.7\n" + NOISE, "cv.pdf", DAMAGED_PDF),
    ("random-bytes-named-pdf", lambda: NOISE, "cv.pdf", NOT_A_CV),
    ("exe-named-docx", lambda: EXE, "cv.docx", NOT_A_CV),
    ("html", lambda: b"<html><script>alert(1)</script></html>", "cv.pdf", NOT_A_CV),
    ("zip-not-docx", lambda: zipped({"notes.txt": b"hi"}), "cv.docx", "a zip archive, not a Word"),
    ("broken-zip", lambda: b"PK\x03\x04" + NOISE, "cv.docx", DAMAGED_DOCX),
    ("truncated-docx", _truncated_docx, "cv.docx", DAMAGED_DOCX),
    ("zip-bomb-docx", docx_bomb, "cv.docx", "would unpack to more than 50 MB"),
    ("too-many-parts", lambda: zipped({f"{i}.xml": b"<a/>" for i in range(1001)}), "cv.docx",
     "too many parts"),
    ("macro-docm", lambda: docx_with_main_type("ms-word.document.macroEnabled.main+xml"),
     "cv.docx", "not a Word document (a template or macro file?)"),
    ("encrypted-pdf", lambda: encrypted_pdf(user_password="secret"), "cv.pdf",
     "The PDF is password protected"),
    ("old-doc", lambda: OLE2, "cv.doc", "old Word (.doc) document or a password-protected"),
    ("empty", lambda: b"", "cv.pdf", "The file is empty"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [pytest.param(*case, id=name) for name, *case in REFUSED],
)
def test_a_file_civcap_cannot_read_is_refused_and_changes_nothing(
    app, focal, expert, uploads, content, filename, message
):
    before = state(expert.id)
    response = upload(focal, expert.id, content(), filename, "application/pdf")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "Nothing was saved." in page
    assert state(expert.id) == before
    assert stored_files(uploads) == []
    assert events("expert.cv_uploaded") == []


def test_a_refused_file_leaves_the_cv_already_kept(app, focal, expert, uploads):
    upload(focal, expert.id, make_pdf(PDF_TEXT), "first.pdf")
    kept = state(expert.id)
    response = upload(focal, expert.id, b"not a cv at all", "second.pdf")
    assert response.status_code == 422
    assert state(expert.id) == kept
    assert stored_files(uploads) == [uploads / "cv" / kept["cv"][0]]


def test_a_file_over_the_size_limit_is_refused(app, focal, expert, uploads):
    app.config["MAX_UPLOAD_MB"] = 1
    before = state(expert.id)
    big = make_pdf(PDF_TEXT) + b"%" + bytes(1024 * 1024)
    response = upload(focal, expert.id, big, "big.pdf")
    assert response.status_code == 422
    assert "larger than 1 MB" in response.get_data(as_text=True)
    assert state(expert.id) == before and stored_files(uploads) == []


def test_a_request_over_the_upload_limit_gets_the_clear_413_page(app, focal, expert, uploads):
    app.config["MAX_CONTENT_LENGTH"] = 256 * 1024
    response = upload(focal, expert.id, bytes(512 * 1024), "huge.pdf")
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True)
    assert stored_files(uploads) == []


def test_no_file_chosen(app, focal, expert, uploads):
    response = submit_form(focal, f"/roster/{expert.id}/cv/upload", {})
    assert response.status_code == 422
    assert "Choose a PDF or Word (.docx) file" in response.get_data(as_text=True)


def test_an_upload_without_the_csrf_token_is_refused(app, focal, expert, uploads):
    response = focal.post(
        f"/roster/{expert.id}/cv/upload",
        data={"cv": (io.BytesIO(make_pdf(PDF_TEXT)), "cv.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert state(expert.id)["cv"][0] is None and stored_files(uploads) == []


def test_the_users_file_name_never_reaches_the_disk(app, focal, expert, uploads):
    upload(focal, expert.id, make_pdf(PDF_TEXT), "../../evil<name>.pdf")
    cv_file, cv_filename, _, _ = state(expert.id)["cv"]
    assert cv_filename == "evil name.pdf"
    assert [p.name for p in stored_files(uploads)] == [cv_file]
    assert not (uploads.parent / "evil").exists()


@pytest.mark.parametrize(
    ("given", "kind", "expected"),
    [
        ("CV.PDF", documents.PDF, "CV.pdf"),
        ("C:\\Users\\jd\\Résumé 2026.docx", DOCX_TYPE, "Résumé 2026.docx"),
        ("curriculum", documents.PDF, "curriculum.pdf"),
        ("cv.docx", documents.PDF, "cv.pdf"),
        ("...", documents.PDF, "cv.pdf"),
        (None, DOCX_TYPE, "cv.docx"),
        ("a<b>:c|d?.pdf", documents.PDF, "a b c d.pdf"),
        ('"quoted"\r\nname\x00.pdf', documents.PDF, "quoted name.pdf"),
    ],
)
def test_download_names_are_safe_and_carry_the_real_type(given, kind, expected):
    assert cv_service.download_name(given, kind) == expected


def test_replacing_a_cv_deletes_the_old_file_once_the_new_one_is_kept(app, focal, expert, uploads):
    upload(focal, expert.id, make_pdf(PDF_TEXT), "old.pdf")
    old_file = state(expert.id)["cv"][0]
    response = upload(focal, expert.id, make_docx(), "new.docx")
    assert response.status_code == 302
    new_file, new_name, _, _ = state(expert.id)["cv"]
    assert new_name == "new.docx" and new_file != old_file
    assert stored_files(uploads) == [uploads / "cv" / new_file]
    (first, second) = sorted(events("expert.cv_uploaded"), key=lambda e: e.id)
    assert (second.before["cv_filename"], second.after["cv_filename"]) == ("old.pdf", "new.docx")


def test_when_the_new_cv_cannot_be_committed_the_old_file_stays(
    app, focal, expert, uploads, monkeypatch
):
    upload(focal, expert.id, make_pdf(PDF_TEXT), "old.pdf")
    kept = state(expert.id)

    def someone_else_saves_first(session, flush_context, instances) -> None:
        # Another worker saves the same expert between this upload's read and its commit.
        if any(isinstance(o, Expert) and o.id == expert.id for o in session.dirty):
            with db.engine.begin() as other:
                other.execute(
                    sa.update(Expert.__table__)
                    .where(Expert.__table__.c.id == expert.id)
                    .values(version=Expert.__table__.c.version + 1)
                )

    event.listen(Session, "before_flush", someone_else_saves_first, once=True)
    try:
        response = upload(focal, expert.id, make_docx(), "new.docx")
    finally:
        if event.contains(Session, "before_flush", someone_else_saves_first):
            event.remove(Session, "before_flush", someone_else_saves_first)
    assert response.status_code == 422
    assert "changed by someone else" in response.get_data(as_text=True)
    now = state(expert.id)
    assert now["version"] == kept["version"] + 1  # the other worker's save, not this upload
    assert {**now, "version": kept["version"]} == kept
    assert stored_files(uploads) == [uploads / "cv" / kept["cv"][0]]


def test_an_erased_expert_gets_no_cv(app, focal, expert, uploads):
    row = db.session.get(Expert, expert.id)
    row.erased_at = datetime.now(UTC)
    db.session.commit()
    before = state(expert.id)
    response = upload(focal, expert.id, make_pdf(PDF_TEXT), "cv.pdf")
    assert response.status_code == 422
    assert "personal data was erased" in response.get_data(as_text=True)
    assert state(expert.id) == before and stored_files(uploads) == []


# Using the text ------------------------------------------------------------------------------


def test_saving_the_corrected_text_updates_the_summary_through_the_usual_rules(
    app, focal, expert, uploads
):
    upload(focal, expert.id, make_pdf(PDF_TEXT), "cv.pdf")
    before = state(expert.id)
    page = f"/roster/{expert.id}/cv/text"
    corrected = "Jeanne Dupont: legislative drafter.\n\nConstitution-making in South Sudan."
    response = submit_form(focal, page, {"summary": corrected, "version": before["version"]})
    assert response.status_code == 302
    after = state(expert.id)
    assert after["summary"] == corrected
    assert after["version"] == before["version"] + 1
    # Saving the summary neither renews consent nor confirms availability.
    assert (after["consent"], after["confirmed"]) == (before["consent"], before["confirmed"])
    (event,) = events("expert.updated")
    assert event.before["summary"] == "The summary typed by hand."
    assert event.after["summary"] == corrected
    assert event.before["skills"] == event.after["skills"]
    assert "Jeanne Dupont: legislative drafter." in focal.get(f"/roster/{expert.id}").get_data(
        as_text=True
    )


def test_a_stale_version_gets_the_conflict_message_and_keeps_the_typed_text(
    app, focal, expert, uploads
):
    upload(focal, expert.id, make_pdf(PDF_TEXT), "cv.pdf")
    seen = state(expert.id)
    expert_row = db.session.get(Expert, expert.id)
    expert_row.summary = "Changed meanwhile by a colleague."
    db.session.commit()
    page = f"/roster/{expert.id}/cv/text"
    response = submit_form(focal, page, {"summary": "My text", "version": seen["version"]})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "changed by someone else" in html
    assert "Changed meanwhile by a colleague." in html
    assert text_area(html) == "My text"
    assert f'value="{seen["version"] + 1}"' in html
    assert state(expert.id)["summary"] == "Changed meanwhile by a colleague."
    assert events("expert.updated") == []


def test_a_summary_over_the_limit_is_refused_on_its_field(app, focal, expert, uploads):
    upload(focal, expert.id, make_pdf(PDF_TEXT), "cv.pdf")
    before = state(expert.id)
    page = f"/roster/{expert.id}/cv/text"
    response = submit_form(focal, page, {"summary": "x" * 20_001, "version": before["version"]})
    assert response.status_code == 200
    assert "too long" in response.get_data(as_text=True)
    assert state(expert.id) == before


def test_the_text_page_needs_a_cv(app, focal, expert, uploads):
    response = focal.get(f"/roster/{expert.id}/cv/text", follow_redirects=True)
    assert "There is no CV file for this expert." in response.get_data(as_text=True)


def test_text_is_normalised_and_cut_to_the_summary_size():
    assert documents.normalise("a\u00a0 b\x00c\r\n\r\n\r\n\n d\tﬁle  ") == "a bc\n\nd file"
    long = ("word " * 5000).strip()  # 24,999 characters
    text, truncated = documents.fit(long, 20_000)
    assert truncated and len(text) <= 20_000 and text.endswith("word")
    assert documents.fit("short", 20_000) == ("short", False)


# Who may download ----------------------------------------------------------------------------


def test_the_focal_point_of_the_experts_member_state_downloads_the_file(
    app, focal, expert, uploads
):
    content = make_pdf(PDF_TEXT)
    upload(focal, expert.id, content, "Dupont CV.pdf", "text/html")
    response = focal.get(f"/roster/{expert.id}/cv")
    assert response.status_code == 200
    assert response.data == content
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Dupont CV.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    response.close()


def test_hr_downloads_the_file_from_the_experts_page(app, focal, expert, uploads):
    upload(focal, expert.id, make_docx(), "diallo.docx")
    hr = client_for(app, Role.HR_REVIEWER, OrganisationKind.UN_HR)
    page = hr.get(f"/review/experts/{expert.id}").get_data(as_text=True)
    assert f"/review/experts/{expert.id}/cv" in page and "diallo.docx" in page
    response = hr.get(f"/review/experts/{expert.id}/cv")
    assert response.status_code == 200 and response.data == make_docx()
    assert response.mimetype == DOCX_TYPE
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_nobody_else_gets_the_file_or_its_pages(app, focal, expert, uploads):
    upload(focal, expert.id, make_pdf(PDF_TEXT), "cv.pdf")
    kept = state(expert.id)
    senegal = client_for(app, Role.FOCAL_POINT, OrganisationKind.MEMBER_STATE, "SN")
    for path in ("/cv", "/cv/text", "/cv/upload"):
        assert senegal.get(f"/roster/{expert.id}{path}").status_code == 404
    assert senegal.get(f"/review/experts/{expert.id}/cv").status_code == 403
    # A forged upload aimed at another member state's expert: not found, nothing kept.
    token = csrf_token(senegal, "/roster/")
    forged = senegal.post(
        f"/roster/{expert.id}/cv/upload",
        data={"csrf_token": token, "cv": (io.BytesIO(make_docx()), "cv.docx")},
        content_type="multipart/form-data",
    )
    assert forged.status_code == 404
    assert state(expert.id) == kept and len(stored_files(uploads)) == 1

    requester = client_for(app, Role.REQUESTER, OrganisationKind.MISSION, "SS")
    assert requester.get(f"/roster/{expert.id}/cv").status_code == 403
    assert requester.get(f"/review/experts/{expert.id}/cv").status_code == 403
    hr = client_for(app, Role.HR_REVIEWER, OrganisationKind.UN_HR)
    assert hr.get(f"/roster/{expert.id}/cv").status_code == 403

    assert focal.get(f"/roster/{expert.id + 999}/cv").status_code == 404
    assert hr.get(f"/review/experts/{expert.id + 999}/cv").status_code == 404


def test_an_expert_without_a_cv_has_nothing_to_download(app, focal, expert, uploads):
    assert focal.get(f"/roster/{expert.id}/cv").status_code == 404
    hr = client_for(app, Role.HR_REVIEWER, OrganisationKind.UN_HR)
    assert hr.get(f"/review/experts/{expert.id}/cv").status_code == 404
    assert "Download the CV" not in hr.get(f"/review/experts/{expert.id}").get_data(as_text=True)
