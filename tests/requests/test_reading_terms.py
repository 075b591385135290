"""A requester pastes terms of reference and gets the new-request form back filled, each value
beside the sentence it came from; nothing is saved until they save the form."""

from __future__ import annotations

import io
import re

import pytest
from werkzeug.datastructures import FileStorage

from app.models import ExpertiseRequest
from tests.conftest import count, csrf_token, submit_form
from tests.documents import docx_bomb, docx_of, encrypted_pdf, make_pdf, multipart, zipped

TERMS = """Terms of Reference
Job Title: Corrections Adviser
Duty Station: Bangui, Central African Republic
Expected start date: 1 March 2099
Duration: twelve (12) months
Category: Government-Provided Personnel

Responsibilities
Advise the national prison administration on prison management and the treatment of
detainees.

Experience
A minimum of eight (8) years of progressively responsible experience in corrections.

Languages
Fluency in French is required. Working knowledge of English is desirable.
"""


def read(client, text: str):
    return submit_form(client, "/requests/new", {"document": text}, action="/requests/new/read")


def upload(client, content: bytes, filename: str, pasted: str = ""):
    """Choose a file in the new-request page's reader (the browser claims it is a PDF)."""
    token = csrf_token(client, "/requests/new")
    file = FileStorage(io.BytesIO(content), filename, content_type="application/pdf")
    return client.post(
        "/requests/new/read",
        **multipart({"csrf_token": token, "document": pasted, "file": file}),
    )


def selected(html: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    chosen = re.search(
        r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select.group(1)
    )
    return (chosen.group(1) or chosen.group(2)) if chosen else None


def test_the_form_comes_back_filled_with_each_values_sentence_and_nothing_saved(
    client, auth, requester
):
    auth.login(requester.email)
    response = read(client, TERMS)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="Corrections Adviser"' in html
    assert selected(html, "area") == "justice"
    assert selected(html, "country") == "CF"
    assert selected(html, "modality") == "government_provided"
    assert selected(html, "languages-0-code") == "fr"
    assert selected(html, "languages-0-level") == "C1"
    assert selected(html, "preferred_languages-0-code") == "en"
    assert selected(html, "preferred_languages-0-level") == "B2"
    assert 'value="8"' in html and 'value="12"' in html and 'value="2099-03-01"' in html
    # Each value with its sentence, and the document itself in the terms of reference.
    assert "<q>Duty Station: Bangui, Central African Republic</q>" in html
    assert "Fluency in French is required." in html
    assert "nothing is saved until you save the draft" in html
    assert count(ExpertiseRequest) == 0


def test_the_filled_form_is_saved_as_typed_with_the_same_validation(client, auth, requester):
    auth.login(requester.email)
    html = read(client, TERMS).get_data(as_text=True)
    assert 'name="save_draft"' in html
    response = submit_form(
        client,
        "/requests/new",
        {
            "title": "Corrections Adviser",
            "area": "justice",
            "languages-0-code": "fr",
            "languages-0-level": "C1",
            "preferred_languages-0-code": "fr",  # both required and preferred: refused
            "preferred_languages-0-level": "B2",
            "start_date": "2099-03-01",
            "duration_months": "12",
            "modality": "government_provided",
            "positions": "1",
            "save_draft": "Save draft",
        },
    )
    assert response.status_code == 422
    assert count(ExpertiseRequest) == 0


def test_an_empty_or_oversized_document_says_what_is_wrong(client, auth, requester):
    auth.login(requester.email)
    for text, why in (
        ("", "Paste the terms of reference or choose their file."),
        ("x" * 50_001, "50000"),
    ):
        response = read(client, text)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert why in html and 'aria-invalid="true"' in html
    assert count(ExpertiseRequest) == 0


def test_only_requesters_read_terms_of_reference(client, auth, focal):
    auth.login(focal.email)
    response = submit_form(
        client, "/account/password", {"document": TERMS}, action="/requests/new/read"
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        pytest.param(lambda: make_pdf(*TERMS.splitlines()), "tor.pdf", id="pdf"),
        pytest.param(lambda: docx_of(*TERMS.splitlines()), "ToR final.docx", id="docx"),
    ],
)
def test_an_uploaded_pdf_or_word_file_fills_the_form_and_is_not_kept(
    client, auth, requester, app, tmp_path, content, filename
):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    auth.login(requester.email)
    response = upload(client, content(), filename, pasted="ignored when a file is chosen")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="Corrections Adviser"' in html
    assert selected(html, "country") == "CF"
    assert selected(html, "languages-0-code") == "fr"
    assert "<q>Duty Station: Bangui, Central African Republic</q>" in html
    # The file's text is the request's terms of reference; the file itself is not stored.
    terms = re.search(r'<textarea[^>]*name="terms_of_reference"[^>]*>(.*?)</textarea>', html, re.S)
    assert terms and "prison management" in terms.group(1)
    assert "ignored when a file is chosen" not in terms.group(1)
    assert not (tmp_path / "uploads").exists()
    assert count(ExpertiseRequest) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(lambda: b"MZ\x90\x00 not a document", "is not a PDF or a Word", id="exe"),
        pytest.param(docx_bomb, "would unpack to more than 50 MB", id="zip-bomb"),
        pytest.param(lambda: zipped({"a.txt": b"hi"}), "a zip archive, not a Word", id="zip"),
        pytest.param(
            lambda: encrypted_pdf(user_password="secret"), "password protected", id="locked"
        ),
        pytest.param(lambda: make_pdf("x")[:300], "could not be read", id="damaged"),
    ],
)
def test_a_hostile_or_unreadable_file_is_refused_on_its_field(
    client, auth, requester, content, message
):
    auth.login(requester.email)
    response = upload(client, content(), "tor.pdf")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "Nothing was read." in html
    assert re.search(
        r'<input[^>]*aria-invalid="true"[^>]*name="file"|name="file"[^>]*aria-invalid', html
    )
    assert count(ExpertiseRequest) == 0


def test_a_file_over_the_size_limit_is_refused(client, auth, requester, app):
    app.config["MAX_UPLOAD_MB"] = 1
    auth.login(requester.email)
    response = upload(client, make_pdf("x") + b"%" + bytes(1024 * 1024), "tor.pdf")
    assert response.status_code == 422
    assert "larger than 1 MB" in response.get_data(as_text=True)
