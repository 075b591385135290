"""Response headers that keep personal data where it belongs."""

from __future__ import annotations


def test_every_page_of_a_logged_in_person_is_not_stored(client, auth, focal):
    anonymous = client.get("/login")
    assert "no-store" not in anonymous.headers.get("Cache-Control", "")
    auth.login(focal.email)
    for page in ("/roster/", "/outreach/requests", "/skills/suggest?q=dra"):
        response = client.get(page)
        assert response.status_code == 200, page
        assert response.headers["Cache-Control"] == "no-store", page
    static = client.get("/static/civcap.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


def test_production_asks_browsers_for_https_only(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    app.config["HSTS"] = True  # what the production configuration sets
    hsts = client.get("/login").headers["Strict-Transport-Security"]
    assert hsts == "max-age=31536000; includeSubDomains"
