"""A CV through the API: a focal point sends their expert's PDF or Word file; civcap keeps it as
the upload page does (type by content, outside the web root, the old file replaced) and gives
back its text to check; a file it cannot read keeps nothing."""

from __future__ import annotations

import io
from pathlib import Path

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import AuditEvent, Expert
from tests.api.client import token_of
from tests.documents import make_pdf, multipart

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def send(client, user, expert_id: int, content: bytes, filename: str, scope: str = "write"):
    file = FileStorage(io.BytesIO(content), filename, content_type="application/octet-stream")
    return client.put(
        f"/api/v1/experts/{expert_id}/cv",
        headers={"Authorization": f"Bearer {token_of(user, scope)}"},
        **multipart({"file": file}),
    )


def stored(uploads: Path) -> list[Path]:
    folder = uploads / "cv"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_focal_point_sends_a_cv_and_gets_its_text_back(client, focal, expert, uploads):
    response = send(client, focal, expert.id, make_pdf("Police adviser, 12 years."), "CV.pdf")

    assert response.status_code == 200
    body = response.get_json()
    assert (body["filename"], body["content_type"]) == ("CV.pdf", "application/pdf")
    assert "Police adviser, 12 years." in body["text"] and body["truncated"] is False
    assert response.headers["ETag"] == f'"{body["version"]}"'
    [kept] = stored(uploads)
    assert kept.read_bytes().startswith(b"%PDF")
    db.session.expire_all()
    again = db.session.get(Expert, expert.id)
    assert again.summary == "The summary typed by hand."  # the text is checked, then sent
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "expert.cv_uploaded")
    ).one()
    assert event.actor_label == "fp@gh.example (API token 'test sync')"

    replaced = send(client, focal, expert.id, make_pdf("Second CV."), "new.pdf")
    assert replaced.status_code == 200
    assert [p.name for p in stored(uploads)] != [kept.name] and len(stored(uploads)) == 1


def test_a_file_civcap_cannot_read_is_refused_on_file_and_nothing_kept(
    client, focal, expert, uploads
):
    response = send(client, focal, expert.id, b"just some text, not a CV file", "cv.pdf")

    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == ["file"]
    assert stored(uploads) == []
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).cv_filename is None


def test_a_call_without_a_file_names_the_field(client, focal, expert, uploads):
    response = client.put(
        f"/api/v1/experts/{expert.id}/cv",
        headers={"Authorization": f"Bearer {token_of(focal)}"},
        **multipart({"other": "x"}),
    )
    assert response.status_code == 422
    assert "file" in {e["field"] for e in response.get_json()["errors"]}


def test_others_cannot_send_a_cv(client, focal, focal_sn, hr, expert, uploads):
    pdf = make_pdf("A CV.")
    assert send(client, focal_sn, expert.id, pdf, "cv.pdf").status_code == 404
    assert send(client, hr, expert.id, pdf, "cv.pdf").status_code == 403
    assert send(client, focal, expert.id, pdf, "cv.pdf", scope="read").status_code == 403
    assert stored(uploads) == []


def test_a_file_over_the_size_limit_is_refused_on_file(app, client, focal, expert, uploads):
    app.config["MAX_UPLOAD_MB"] = 1
    big = make_pdf("A CV.") + b"%" * (1024 * 1024)
    response = send(client, focal, expert.id, big, "cv.pdf")
    assert response.status_code == 422
    [error] = response.get_json()["errors"]
    assert error["field"] == "file" and "1 MB" in error["message"]
    assert stored(uploads) == []
