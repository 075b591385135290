"""Logging in and out; password hashing; safe redirects; CSRF; cookie flags."""

from __future__ import annotations

import pytest

from tests.cast import focal_point_of
from tests.conftest import PASSWORD, submit_form


def test_password_is_hashed_with_a_modern_scheme(focal):
    assert PASSWORD not in focal.password_hash
    assert focal.password_hash.startswith("scrypt:")
    assert focal.check_password(PASSWORD)
    assert not focal.check_password(PASSWORD + "x")


def test_login_redirects_to_the_role_home_and_logout_ends_the_session(client, auth, focal):
    response = auth.login("fp@gh.example")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").headers["Location"].endswith("/roster/")
    auth.logout()
    assert client.get("/").headers["Location"].startswith("/login")


def test_wrong_password_shows_one_message_and_does_not_log_in(client, auth, focal):
    response = auth.login("fp@gh.example", "wrong password!")
    assert response.status_code == 200
    assert "Email or password is not right" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    unknown = auth.login("nobody@example.org", "wrong password!")
    assert "Email or password is not right" in unknown.get_data(as_text=True)


def test_inactive_user_cannot_log_in(client, auth, app, senegal):
    focal_point_of(senegal, "off@sn.example", active=False)
    response = auth.login("off@sn.example")
    assert response.status_code == 200
    assert client.get("/").headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/roster/", "/roster/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_redirect_stays_on_this_site(client, focal, target, expected):
    response = submit_form(
        client,
        "/login",
        {"email": "fp@gh.example", "password": PASSWORD},
        action=f"/login?next={target}",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_login_without_csrf_token_is_refused(client, focal):
    response = client.post("/login", data={"email": "fp@gh.example", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_logout_needs_post_with_csrf(client, auth, focal):
    auth.login("fp@gh.example")
    assert client.get("/logout").status_code == 405
    client.post("/logout", data={})
    assert client.get("/").headers["Location"].endswith("/roster/")  # still logged in


def test_session_cookie_is_httponly_and_samesite(client, auth, focal):
    response = auth.login("fp@gh.example")
    cookies = response.headers.getlist("Set-Cookie")
    cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_need_login(client):
    for page in ("/", "/roster/", "/requests/", "/review/requests", "/review/experts", "/admin/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response.headers["Location"].startswith("/login?next="), page
