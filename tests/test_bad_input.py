"""Numbers and files a person or a script can send: out of range is "not found" or a line error,
never a 500."""

from __future__ import annotations

import pytest

from app import imports as importing
from tests.conftest import login
from tests.factories import make_expert

HUGE = "9" * 25
ENORMOUS = "9" * 5000


@pytest.mark.parametrize("number", [HUGE, ENORMOUS])
def test_a_page_number_beyond_any_list_is_not_found(app, focal, hr, admin, number):
    pages = {
        focal.email: ["/roster/", "/outreach/requests", "/roster/duplicates"],
        hr.email: ["/review/requests", "/review/experts", "/review/duplicates"],
        admin.email: ["/admin/outbox", "/admin/experts?q=a"],
    }
    for email, urls in pages.items():
        client = login(app, email)
        for url in urls:
            separator = "&" if "?" in url else "?"
            assert client.get(f"{url}{separator}page={number}").status_code == 404, url
            assert client.get(f"{url}{separator}page=2").status_code in (200, 404), url


def test_an_id_beyond_what_the_database_holds_is_not_found(app, focal, hr):
    client = login(app, focal.email)
    for url in (f"/roster/{HUGE}", f"/roster/{HUGE}/edit", f"/outreach/requests/{HUGE}"):
        assert client.get(url).status_code == 404, url
    client = login(app, hr.email)
    for url in (f"/review/requests/{HUGE}/suggestions", f"/review/experts/{HUGE}"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/review/experts/{2**31 - 1}").status_code == 404  # the largest id: none


def test_the_admin_search_for_an_impossible_id_finds_nobody(app, admin, ghana):
    ama = make_expert(ghana, full_name="Ama Owusu")
    client = login(app, admin.email)
    for query in (f"%23{HUGE}", f"%23{ENORMOUS}", HUGE):
        response = client.get(f"/admin/experts?q={query}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "No expert matches" in html and "Ama Owusu" not in html
    assert "Ama Owusu" in client.get(f"/admin/experts?q=%23{ama.id}").get_data(as_text=True)


def test_a_json_lines_line_nested_too_deeply_is_a_line_error(app):
    lines = [b"{}", b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"]
    with pytest.raises(importing.ImportFailed) as failed:
        importing.read_experts(lines)
    deep = [e for e in failed.value.errors if e.line == 2]
    assert deep and "nested too deeply" in str(deep[0])


def test_a_number_of_thousands_of_digits_is_a_line_error(app):
    lines = [b'{"external_id": "X1", "years_experience": ' + ENORMOUS.encode() + b"}"]
    with pytest.raises(importing.ImportFailed) as failed:
        importing.read_experts(lines)
    [error] = [e for e in failed.value.errors if e.line == 1]
    assert "not a value civcap can read" in str(error)
