"""Readiness items' owners: the sending state's focal point records its items on its page, the
expert theirs through a signed link, HR any; each with a document kept safely, downloadable by
HR and the item's owner only; the owners are asked by email at the recommendation."""

from __future__ import annotations

import io
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner
from werkzeug.datastructures import FileStorage

from app.candidates import workflow as candidates
from app.common.errors import Conflict, NotAllowed, ValidationFailed
from app.extensions import db
from app.models import (
    AuditEvent,
    Candidate,
    CandidateState,
    OutboxMessage,
    ReadinessItem,
    ReadinessStatus,
    RequestStatus,
)
from app.notifications.outbox import readable_body
from app.personal_data import erasure, export
from app.readiness import documents, items, links, notices
from app.readiness.checklist import BY_CODE
from tests.conftest import csrf_token, login
from tests.documents import make_pdf, multipart
from tests.factories import make_expert, make_request
from tests.pages import page_text
from tests.smtp import PUBLIC_URL

S = CandidateState
DONE = ReadinessStatus.DONE
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
JPEG = b"\xff\xd8\xff\xe0" + bytes(64)


@pytest.fixture
def uploads(app, tmp_path: Path) -> Path:
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def recommend(candidate, people):
    for state, who in [(S.SHORTLISTED, "hr1"), (S.CONSULTATION, "hr1"), (S.RELEASED, "fp_gh"),
                       (S.INTERVIEW, "hr1"), (S.RECOMMENDED, "hr1")]:  # fmt: skip
        candidates.move(candidate, state, people[who])


@pytest.fixture
def cast(ghana, senegal, mission, un_hr, focal, focal_sn, requester, hr1, hr2, uploads):
    people = {"fp_gh": focal, "fp_sn": focal_sn, "requester": requester, "hr1": hr1, "hr2": hr2}
    request = make_request(mission, status=RequestStatus.OPEN, positions=2)  # a secondment
    ama = make_expert(ghana, full_name="Ama Owusu", email="ama@example.org")
    candidate = candidates.add(request, ama, hr1)
    recommend(candidate, people)
    return people, request, candidate


def stored(uploads: Path) -> list[Path]:
    folder = uploads / "readiness"
    return sorted(folder.iterdir()) if folder.exists() else []


def item_of(candidate, code) -> ReadinessItem | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(ReadinessItem).where(
            ReadinessItem.candidate_id == candidate.id, ReadinessItem.code == code
        )
    )


def upload(content: bytes, filename: str) -> documents.Upload:
    return documents.Upload(io.BytesIO(content), filename)


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def fetch(client, url: str) -> tuple[int, bytes]:
    """A download's status and bytes, its file closed."""
    response = client.get(url)
    data = response.get_data()
    response.close()
    return response.status_code, data


def link_path(candidate) -> str:
    db.session.expire_all()
    return links.PATH + links.token_for(db.session.get(Candidate, candidate.id))


# Who records which item ------------------------------------------------------------------------


def test_each_owner_records_their_own_items_only(cast, ghana, mission):
    people, request, candidate = cast
    fp_gh, fp_sn, hr = people["fp_gh"], people["fp_sn"], people["hr1"]
    items.record(candidate, "release_letter", fp_gh, DONE, done_on=date(2026, 11, 2))
    assert item_of(candidate, "release_letter").status is DONE
    with pytest.raises(NotAllowed, match="Only HR records Visa"):
        items.record(candidate, "visa", fp_gh, DONE, done_on=date(2026, 11, 2))
    with pytest.raises(NotAllowed, match="focal points of the expert's member state"):
        items.record(candidate, "release_letter", fp_sn, DONE, done_on=date(2026, 11, 2))
    with pytest.raises(NotAllowed, match="Only HR and the expert record Passport"):
        items.record(candidate, "passport", fp_gh, DONE, done_on=date(2026, 1, 2),
                     valid_until=date(2036, 1, 2))  # fmt: skip
    with pytest.raises(NotAllowed, match="Only HR sets an item back"):
        items.record(candidate, "release_letter", fp_gh, ReadinessStatus.EXCEPTION, note="x")
    expert = candidate.expert
    items.record(candidate, "passport", expert, DONE, done_on=date(2026, 1, 2),
                 valid_until=date(2036, 1, 2))  # fmt: skip
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "readiness.done").order_by(AuditEvent.id)
    ).all()[-1]
    assert event.actor_id is None and event.actor_label == items.EXPERT_LABEL
    with pytest.raises(NotAllowed, match="focal points of the expert's member state"):
        items.record(candidate, "human_rights_screening", expert, DONE, done_on=date(2026, 1, 2))
    other = candidates.add(request, make_expert(ghana, full_name="Kofi Mensah"), hr)
    recommend(other, people)
    with pytest.raises(NotAllowed):
        items.record(other, "passport", expert, DONE, done_on=date(2026, 1, 2),
                     valid_until=date(2036, 1, 2))  # fmt: skip
    # HR records anything; the screening results are HR's only.
    assert items.may_record(hr, candidate, BY_CODE["misconduct_screening"])
    assert not items.may_record(fp_gh, candidate, BY_CODE["misconduct_screening"])
    assert not items.may_record(expert, candidate, BY_CODE["misconduct_screening"])
    # Outside a secondment the expert certifies the human-rights screening themselves.
    consultant = make_request(mission, status=RequestStatus.OPEN, modality="consultant")
    as_consultant = candidates.add(consultant, expert, hr)
    recommend(as_consultant, people)
    kind = BY_CODE["human_rights_screening"]
    assert items.may_record(expert, as_consultant, kind)
    assert not items.may_record(fp_gh, as_consultant, kind)
    # ... and the member state, having nothing to provide, is not asked for anything.
    asked = [m.event for m in outbox()]
    assert asked.count("readiness.asked") == 2  # Ama's and Kofi's secondments
    assert asked.count("readiness.link") == 2  # Ama twice; Kofi has no email


# Documents -------------------------------------------------------------------------------------


def test_a_document_is_kept_replaced_and_refused_with_nothing_saved(app, cast, uploads):
    people, _, candidate = cast
    hr = people["hr1"]
    clearance = upload(make_pdf("Fit to deploy"), "../../Medical clearance.PDF")
    items.record(candidate, "medical_clearance", hr, DONE, done_on=date(2026, 11, 2),
                 document=clearance)  # fmt: skip
    item = item_of(candidate, "medical_clearance")
    [first] = stored(uploads)
    assert item.document_file == first.name and first.suffix == ".pdf"
    assert item.document_filename == "Medical clearance.pdf"
    assert item.document_content_type == "application/pdf"
    assert item.document_uploaded_at is not None
    assert first.stat().st_mode & 0o777 == 0o600

    # A new document replaces the old one, whose file goes.
    items.record(candidate, "medical_clearance", hr, DONE, done_on=date(2026, 11, 3),
                 document=upload(JPEG, "scan.jpeg"))  # fmt: skip
    [second] = stored(uploads)
    assert second != first and not first.exists()
    assert item_of(candidate, "medical_clearance").document_filename == "scan.jpg"

    # Refused: the item and the files are as they were.
    before = item_of(candidate, "medical_clearance").version
    with pytest.raises(ValidationFailed) as refused:
        items.record(candidate, "medical_clearance", hr, DONE, done_on=date(2026, 11, 4),
                     document=upload(b"just some text", "notes.pdf"))  # fmt: skip
    [(field, message)] = [(e.field, e.message) for e in refused.value.errors]
    assert field == "document" and "not a PDF, a Word (.docx) document or a PNG" in message
    app.config["MAX_UPLOAD_MB"] = 1
    with pytest.raises(ValidationFailed) as refused:
        items.record(candidate, "medical_clearance", hr, DONE, done_on=date(2026, 11, 4),
                     document=upload(make_pdf("x") + bytes(1024 * 1024), "big.pdf"))  # fmt: skip
    assert "larger than 1 MB" in refused.value.errors[0].message
    db.session.rollback()
    item = item_of(candidate, "medical_clearance")
    assert item.version == before and item.done_on == date(2026, 11, 3)
    assert stored(uploads) == [second]

    # A record refused after the file was written leaves no file behind.
    items.record(candidate, "visa", hr, DONE, done_on=date(2026, 11, 2), expected_version=0)
    with pytest.raises(Conflict, match="Someone else recorded"):
        items.record(candidate, "visa", hr, DONE, done_on=date(2026, 11, 2),
                     expected_version=0, document=upload(PNG, "visa.png"))  # fmt: skip
    assert stored(uploads) == [second]


def fp_post(client, candidate, code, **fields):
    token = csrf_token(client, "/readiness/")
    data = {"csrf_token": token, "version": "0", **fields}
    return client.post(
        f"/readiness/candidates/{candidate.id}/{code}", **multipart(data), follow_redirects=True
    )


def test_the_focal_points_page_records_their_items_with_a_document(app, cast, uploads):
    people, _, candidate = cast
    fp = login(app, people["fp_gh"].email)
    page = page_text(fp.get("/readiness/"))
    assert "Readiness: what your member state must provide" in page
    assert "Ama Owusu" in page and "Release and nomination letter" in page
    assert "Human rights screening certification" in page
    assert "Misconduct screening" not in page and "Passport" not in page
    assert 'href="/readiness/"' in page_text(fp.get("/roster/"))  # in the navigation

    letter = FileStorage(io.BytesIO(make_pdf("Release letter")), "letter.pdf")
    page = page_text(fp_post(fp, candidate, "release_letter", done_on="2026-11-02",
                             note="Signed by the ministry", document=letter))  # fmt: skip
    assert "Release and nomination letter recorded: done." in page
    item = item_of(candidate, "release_letter")
    assert item.status is DONE and item.document_filename == "letter.pdf"
    assert item.updated_by_id == people["fp_gh"].id
    assert "letter.pdf" in page

    # A file of the wrong type: said, and nothing saved.
    bad = FileStorage(io.BytesIO(b"MZ\x90\x00 an executable"), "certificate.pdf")
    page = page_text(fp_post(fp, candidate, "human_rights_screening", done_on="2026-11-02",
                             document=bad))  # fmt: skip
    assert "Human rights screening certification was not recorded: Document (PDF" in page
    assert item_of(candidate, "human_rights_screening") is None
    assert len(stored(uploads)) == 1

    # HR's item: refused with the reason; nothing saved.
    page = page_text(fp_post(fp, candidate, "visa", done_on="2026-11-02"))
    assert "Only HR records Visa." in page
    assert item_of(candidate, "visa") is None


def test_another_member_state_gets_not_found_on_every_route(app, cast, uploads):
    people, _, candidate = cast
    items.record(candidate, "release_letter", people["fp_gh"], DONE, done_on=date(2026, 11, 2),
                 document=upload(make_pdf("letter"), "letter.pdf"))  # fmt: skip
    fp_sn = login(app, people["fp_sn"].email)
    assert "Ama Owusu" not in page_text(fp_sn.get("/readiness/"))
    url = f"/readiness/candidates/{candidate.id}/release_letter"
    assert fp_sn.get(url + "/document").status_code == 404
    token = csrf_token(fp_sn, "/readiness/")
    answer = fp_sn.post(
        f"/readiness/candidates/{candidate.id}/human_rights_screening",
        data={"csrf_token": token, "version": "0", "done_on": "2026-11-02"},
    )
    assert answer.status_code == 404
    assert item_of(candidate, "human_rights_screening") is None
    # Nor may others than focal points use the page.
    requester = login(app, people["requester"].email)
    assert requester.get("/readiness/").status_code == 403
    assert requester.get(url + "/document").status_code == 403


def test_documents_are_downloaded_by_hr_and_the_items_owner_only(app, cast, uploads):
    people, request, candidate = cast
    items.record(candidate, "release_letter", people["fp_gh"], DONE, done_on=date(2026, 11, 2),
                 document=upload(make_pdf("letter"), "letter.pdf"))  # fmt: skip
    items.record(candidate, "passport", candidate.expert, DONE, done_on=date(2026, 1, 2),
                 valid_until=date(2036, 1, 2), document=upload(PNG, "passport.png"))  # fmt: skip
    record = upload(make_pdf("clear"), "record.pdf")
    items.record(candidate, "misconduct_screening", people["hr1"], DONE,
                 done_on=date(2026, 11, 2), document=record)  # fmt: skip

    hr = login(app, people["hr2"].email)
    pdf = "application/pdf"
    for code, name, kind in [("release_letter", "letter.pdf", pdf),
                             ("passport", "passport.png", "image/png"),
                             ("misconduct_screening", "record.pdf", pdf)]:  # fmt: skip
        answer = hr.get(f"/review/candidates/{candidate.id}/readiness/{code}/document")
        assert answer.status_code == 200, code
        assert answer.mimetype == kind
        assert answer.headers["Content-Disposition"] == f"attachment; filename={name}"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        answer.close()
    shortlist = page_text(hr.get(f"/review/requests/{request.id}/shortlist"))
    assert f"/review/candidates/{candidate.id}/readiness/passport/document" in shortlist
    assert 'enctype="multipart/form-data"' in shortlist

    fp = login(app, people["fp_gh"].email)
    base = f"/readiness/candidates/{candidate.id}"
    status, data = fetch(fp, f"{base}/release_letter/document")
    assert status == 200 and data.startswith(b"%PDF-")
    assert fetch(fp, f"{base}/passport/document")[0] == 404  # the expert's
    assert fetch(fp, f"{base}/misconduct_screening/document")[0] == 404  # HR's

    link = link_path(candidate)
    expert = app.test_client()
    assert fetch(expert, f"{link}/passport/document") == (200, PNG)
    assert fetch(expert, f"{link}/release_letter/document")[0] == 404
    assert fetch(expert, f"{link}/misconduct_screening/document")[0] == 404

    # Another expert's link reaches their own candidacy only.
    kofi = make_expert(candidate.expert.organisation, full_name="Kofi Mensah", email="k@x.org")
    other = candidates.add(request, kofi, people["hr1"])
    recommend(other, people)
    assert fetch(expert, f"{link_path(other)}/passport/document")[0] == 404


def test_erasure_deletes_the_documents_and_export_names_them(cast, admin, uploads):
    people, _, candidate = cast
    items.record(candidate, "passport", candidate.expert, DONE, done_on=date(2026, 1, 2),
                 valid_until=date(2036, 1, 2), document=upload(PNG, "passport.png"))  # fmt: skip
    [file] = stored(uploads)
    [taken] = [r for r in export.export(candidate.expert)["candidacies"][0]["readiness"]
               if r["item"] == "passport"]  # fmt: skip
    assert taken["document"] == "passport.png" and taken["document_uploaded_at"]
    erasure.erase(candidate.expert, admin, "The expert asked")
    assert not file.exists()
    item = item_of(candidate, "passport")
    assert item.status is DONE
    assert (item.document_file, item.document_filename, item.document_content_type,
            item.document_uploaded_at) == (None, None, None, None)  # fmt: skip


# The expert's link -----------------------------------------------------------------------------


def expert_post(client, link, code, **fields):
    token = csrf_token(client, link)
    data = {"csrf_token": token, "version": "0", **fields}
    return client.post(f"{link}/{code}", **multipart(data), follow_redirects=True)


def test_the_expert_records_their_own_items_through_the_link_again_and_again(app, cast, uploads):
    people, _, candidate = cast
    link = link_path(candidate)
    client = app.test_client()
    page = client.get(link)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = page_text(page)
    assert "Dear Ama" in text and "Passport" in text and "Security training certificate" in text
    assert "Misconduct" not in text and "Release and nomination letter" not in text

    scan = FileStorage(io.BytesIO(JPEG), "my passport.jpg")
    text = page_text(expert_post(client, link, "passport", done_on="2026-01-02",
                                 valid_until="2036-01-02", document=scan))  # fmt: skip
    assert "Passport recorded: done." in text and "my passport.jpg" in text
    assert item_of(candidate, "passport").document_content_type == "image/jpeg"
    # The same link again, later: the training certificate.
    text = page_text(expert_post(client, link, "security_training", done_on="2026-11-02",
                                 valid_until="2029-11-02"))  # fmt: skip
    assert "Security training certificate recorded: done." in text
    # Not theirs to record, nor a form without its token.
    text = page_text(expert_post(client, link, "visa", done_on="2026-11-02"))
    assert "Only HR records Visa." in text and item_of(candidate, "visa") is None
    assert client.post(f"{link}/visa", data={"version": "0"}).status_code == 400


def signed_ago(seconds: int, candidate) -> str:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - seconds)
        return link_path(candidate)


def test_an_expired_tampered_or_replaced_link_is_refused(app, cast, uploads):
    people, _, candidate = cast
    client = app.test_client()
    days = app.config["RECONFIRM_LINK_DAYS"]
    still = signed_ago(days * 86400 - 60, candidate)
    assert client.get(still).status_code == 200
    expired = signed_ago(days * 86400 + 60, candidate)
    answer = client.get(expired)
    assert answer.status_code == 410 and "This link has expired" in page_text(answer)
    form = {"csrf_token": csrf_token(client, still), "version": "0", "done_on": "2026-01-02"}
    answer = client.post(f"{expired}/passport", data=form)
    assert answer.status_code == 410 and item_of(candidate, "passport") is None

    link = link_path(candidate)
    answer = client.get(link[:-3] + "abc")
    assert answer.status_code == 400 and "This link is not valid" in page_text(answer)
    # A reconfirmation link (another salt) is no readiness link.
    assert client.get(links.PATH + "eyJjYW5kaWRhdGUiOjF9.abc.def").status_code == 400

    # HR sends a new link: the old one is replaced.
    hr = login(app, people["hr1"].email)
    token = csrf_token(hr, f"/review/requests/{candidate.request_id}/shortlist")
    page = page_text(hr.post(f"/review/candidates/{candidate.id}/readiness-link",
                             data={"csrf_token": token}, follow_redirects=True))  # fmt: skip
    assert "A new readiness link is sent to the expert" in page
    answer = client.get(link)
    assert answer.status_code == 410 and "replaced by a newer one" in page_text(answer)
    assert client.get(link_path(candidate)).status_code == 200
    assert [m.event for m in outbox()].count("readiness.link") == 2
    # A candidacy dismissed: its link is gone.
    candidates.move(db.session.get(Candidate, candidate.id), S.DISMISSED, people["hr1"],
                    reason="other", note="Withdrew")  # fmt: skip
    answer = client.get(link_path(candidate))
    assert answer.status_code == 410 and "no longer being prepared" in page_text(answer)


def test_the_resend_button_is_refused_without_email_and_for_others(app, cast, ghana):
    people, request, candidate = cast
    silent = candidates.add(request, make_expert(ghana, full_name="Kofi Mensah"), people["hr1"])
    recommend(silent, people)
    with pytest.raises(NotAllowed, match="no email address"):
        notices.ask_expert(silent, people["hr1"])
    fp = login(app, people["fp_gh"].email)
    token = csrf_token(fp, "/readiness/")
    answer = fp.post(
        f"/review/candidates/{candidate.id}/readiness-link", data={"csrf_token": token}
    )
    assert answer.status_code == 403
    hr = login(app, people["hr1"].email)
    assert hr.post(f"/review/candidates/{candidate.id}/readiness-link").status_code == 400


# Asking the owners -----------------------------------------------------------------------------


def test_the_recommendation_asks_the_focal_points_and_the_expert(app, cast):
    _, request, candidate = cast
    public = app.config["PUBLIC_URL"]
    asked = [m for m in outbox() if m.event in ("readiness.asked", "readiness.link")]
    by_event = {m.event: m for m in asked}
    assert len(asked) == 2
    fp = by_event["readiness.asked"]
    assert fp.recipient == "fp@gh.example"
    assert "Release and nomination letter" in fp.body and "Human rights screening" in fp.body
    assert "Passport" not in fp.body and "Misconduct" not in fp.body
    assert f"{public}/readiness/" in fp.body
    mail = by_event["readiness.link"]
    assert mail.recipient == "ama@example.org"
    assert "Dear Ama" in mail.body and "Passport" in mail.body
    assert f"{public}{link_path(candidate)}" in mail.body
    assert "[token hidden" in readable_body(mail)
    assert candidate.readiness_asked_at is not None


def test_the_experts_link_arrives_through_smtp_and_opens_their_page(app, smtp, cast):
    emails = {email["To"]: email for email in smtp.emails()}
    mail = emails["ama@example.org"]
    assert mail["Subject"] == "Your UN deployment: what you need to provide"
    body = mail.get_content()
    [link] = [line for line in body.splitlines() if line.startswith(PUBLIC_URL + links.PATH)]
    page = app.test_client().get(link.removeprefix(PUBLIC_URL))
    assert page.status_code == 200 and "Dear Ama" in page_text(page)
    assert "fp@gh.example" in emails
