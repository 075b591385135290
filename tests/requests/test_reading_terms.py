"""A requester pastes terms of reference and gets the new-request form back filled, each value
beside the sentence it came from; nothing is saved until they save the form."""

from __future__ import annotations

import re

from app.models import ExpertiseRequest
from tests.conftest import count, submit_form

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
    for text, why in (("", "is required"), ("x" * 50_001, "50000")):
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
