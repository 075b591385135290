"""A focal point fills the expert form from a CV: a new expert's (the file is held, then kept as
their CV when they are registered) or an existing one's (from the CV file kept for them); each
value beside its sentence, nothing saved until the form is saved as typed."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from app.cli import cli
from app.cv import files as cv_service
from app.extensions import db
from app.models import Expert
from tests.cast import focal_point_of
from tests.conftest import count, csrf_token, login
from tests.documents import docx_bomb, docx_of, make_pdf, multipart
from tests.factories import make_expert
from tests.forms import expert_form

CV = """JOSEPH MENSAH
Nationality: Ghanaian

PROFILE
Court administrator with experience in court case management and judicial reform.

WORK EXPERIENCE
01/2012 - present  Court Administrator, Judicial Service of Ghana, Accra
03/2016 - 02/2017  Judicial Affairs Officer, UNMISS, Juba, South Sudan

LANGUAGES
English: mother tongue
French: working knowledge

Accra, 1 October 2026
"""
HELD = re.compile(r'<input[^>]*name="held_cv"[^>]*>')


@pytest.fixture
def focal(client, ghana, uploads):
    return login(client, focal_point_of(ghana).email)


def read_new(client, content: bytes, filename: str = "Mensah CV.docx"):
    token = csrf_token(client, "/roster/new")
    file = FileStorage(io.BytesIO(content), filename, content_type="application/pdf")
    return client.post("/roster/new/cv", **multipart({"csrf_token": token, "cv": file}))


def selected(html: str, name: str) -> list[str]:
    """The chosen options of a select."""
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    chosen = re.findall(r"<option ([^>]*)>", select.group(1))
    return [re.search(r'value="([^"]*)"', o).group(1) for o in chosen if "selected" in o]


def checked(html: str, name: str) -> list[str]:
    boxes = re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    return [re.search(r'value="([^"]*)"', b).group(1) for b in boxes if " checked" in b]


def held_token(html: str) -> str:
    match = HELD.search(html)
    assert match, "no held CV token on the page"
    value = re.search(r'value="([^"]+)"', match.group(0))
    assert value, match.group(0)
    return value.group(1)


def held_files(uploads: Path) -> list[Path]:
    folder = uploads / "cv" / "held"
    return sorted(folder.iterdir()) if folder.exists() else []


def register(client, token: str, **overrides):
    csrf = csrf_token(client, "/roster/new")
    data = expert_form(**{"full_name": "Joseph Mensah", "email": "j.m@example.org", **overrides})
    return client.post("/roster/new/with-cv", data={"csrf_token": csrf, "held_cv": token, **data})


@pytest.mark.parametrize(
    "content", [pytest.param(docx_of(*CV.splitlines()), id="docx"),
                pytest.param(make_pdf(*CV.splitlines()), id="pdf")]
)  # fmt: skip
def test_a_new_experts_form_comes_back_filled_with_each_values_sentence(
    app, focal, uploads, content
):
    response = read_new(focal, content)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="Joseph Mensah"' in html and 'value="Court Administrator"' in html
    assert selected(html, "nationality") == ["GH"]
    assert selected(html, "languages-0-code") == ["en"]
    assert selected(html, "languages-0-level") == ["C2"]
    assert selected(html, "languages-1-code") == ["fr"]
    assert selected(html, "languages-1-level") == ["B2"]
    assert selected(html, "countries_of_experience") == ["SS"]
    assert checked(html, "areas") == ["justice"]
    assert re.search(r'<input[^>]*name="years_experience"[^>]*value="14"', html)
    assert "<q>French: working knowledge</q>" in html
    assert "<q>Nationality: Ghanaian</q>" in html
    summary = re.search(r'<textarea[^>]*name="summary"[^>]*>(.*?)</textarea>', html, re.S)
    assert summary and "court case management" in summary.group(1)
    assert 'action="/roster/new/with-cv"' in html
    # Nothing is saved; the file is held (not yet anyone's CV).
    assert count(Expert) == 0
    assert len(held_files(uploads)) == 1


def test_registering_the_filled_form_keeps_the_cv_as_theirs(app, focal, uploads):
    token = held_token(read_new(focal, docx_of(*CV.splitlines())).get_data(as_text=True))
    response = register(focal, token)
    assert response.status_code == 302
    expert = db.session.scalars(db.select(Expert)).one()
    assert expert.cv_filename == "Mensah CV.docx" and expert.cv_content_type.endswith("document")
    kept = cv_service.stored_path(expert)
    assert kept is not None and kept.is_file() and held_files(uploads) == []
    assert "court case management" in cv_service.text_of(expert).text
    # A token works once: the held file is gone, so a replay registers without a CV.
    again = register(focal, token, email="other@example.org", full_name="Another Person")
    assert again.status_code == 302
    page = focal.get(again.headers["Location"]).get_data(as_text=True)
    assert "The CV file was not kept" in page


def test_the_filled_form_is_validated_as_typed_and_keeps_the_held_cv(app, focal, uploads):
    token = held_token(read_new(focal, docx_of(*CV.splitlines())).get_data(as_text=True))
    response = register(focal, token, years_experience="-3")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html and held_token(html) == token
    assert count(Expert) == 0 and len(held_files(uploads)) == 1


def test_another_persons_or_a_forged_token_registers_without_the_file(app, client, ghana, uploads):
    first = login(app, focal_point_of(ghana, "first@gh.example").email)
    token = held_token(read_new(first, docx_of(*CV.splitlines())).get_data(as_text=True))
    second = login(client, focal_point_of(ghana, "second@gh.example").email)
    for forged in (token, token[:-4] + "AAAA"):
        response = register(second, forged, email=f"{len(forged)}{forged[-3:]}@example.org")
        assert response.status_code == 302
    assert all(e.cv_file is None for e in db.session.scalars(db.select(Expert)))
    assert len(held_files(uploads)) == 1  # still the first person's


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"GIF89a not a cv", "is not a PDF or a Word", id="image"),
        pytest.param(docx_bomb(), "would unpack to more than 50 MB", id="zip-bomb"),
    ],
)
def test_a_file_that_is_no_cv_is_refused_and_nothing_is_held(app, focal, uploads, content, message):
    response = read_new(focal, content)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "Nothing was read." in html
    assert '<details class="card intake" open>' in html
    assert held_files(uploads) == [] and count(Expert) == 0


def test_civcap_purge_deletes_held_cvs_nobody_registered(app, runner, focal, uploads):
    read_new(focal, docx_of(*CV.splitlines()))
    (held,) = held_files(uploads)
    result = runner.invoke(cli, ["purge"])
    assert result.exit_code == 0 and "CV file" not in result.output  # not a day old yet
    day_old = time.time() - (cv_service.HELD_HOURS * 3600 + 60)
    os.utime(held, (day_old, day_old))
    result = runner.invoke(cli, ["purge", "--dry-run"])
    assert "Would delete 1 CV file(s) read more than 24 hours ago" in result.output
    assert held_files(uploads) == [held]
    result = runner.invoke(cli, ["purge"])
    assert "Deleted 1 CV file(s)" in result.output and held_files(uploads) == []


# An existing expert ---------------------------------------------------------------------------


def upload_cv(client, expert_id: int, content: bytes) -> None:
    token = csrf_token(client, f"/roster/{expert_id}")
    file = FileStorage(io.BytesIO(content), "cv.docx")
    response = client.post(
        f"/roster/{expert_id}/cv/upload", **multipart({"csrf_token": token, "cv": file})
    )
    assert response.status_code == 302


def test_an_existing_experts_form_gets_the_cv_over_the_record(app, focal, ghana, uploads):
    expert = make_expert(
        ghana, full_name="Joseph K. Mensah", title="Registrar", skills=["Records management"]
    )
    upload_cv(focal, expert.id, docx_of(*CV.splitlines()))
    version = db.session.get(Expert, expert.id).version
    response = focal.get(f"/roster/{expert.id}/cv/profile")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="Joseph K. Mensah"' in html  # the record's name stays
    assert 'value="Court Administrator"' in html  # the CV's current post replaces the title
    skills = re.search(r'<textarea[^>]*name="skills"[^>]*>(.*?)</textarea>', html, re.S)
    assert skills, "no skills field"
    assert skills.group(1).strip().lower().startswith("records management")
    assert "court case management" in skills.group(1)
    assert "<q>French: working knowledge</q>" in html
    assert f'action="/roster/{expert.id}/edit"' in html
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).version == version  # nothing saved


def test_the_profile_reading_needs_a_cv_and_the_experts_own_focal_point(
    app, client, focal, ghana, senegal, uploads
):
    expert = make_expert(ghana)
    response = focal.get(f"/roster/{expert.id}/cv/profile")
    assert response.status_code == 302  # no CV file yet: back to the expert's page
    upload_cv(focal, expert.id, docx_of(*CV.splitlines()))
    other = login(app, focal_point_of(senegal).email)
    assert other.get(f"/roster/{expert.id}/cv/profile").status_code == 404
