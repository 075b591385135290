"""Recent re-authentication before the most sensitive acts."""

from __future__ import annotations

import pyotp
import sqlalchemy as sa

from app.extensions import db
from app.models import SecurityEvent, User
from tests.conftest import PASSWORD, TOTP_SECRET, age_logins, login, submit_form


def test_an_old_login_confirms_with_the_password_before_adding_a_user(app, admin, mission):
    client = login(app, admin.email)
    age_logins(admin)
    data = {"email": "new@unmiss.example", "full_name": "New", "role": "requester",
            "organisation": mission.id}  # fmt: skip
    from_page = {"Referer": "http://localhost/admin/"}  # the page the form is on
    response = submit_form(client, "/admin/", data, action="/admin/users", headers=from_page)
    assert response.headers["Location"] == "/account/confirm?next=/admin/"
    assert db.session.scalar(sa.select(User).where(User.email == "new@unmiss.example")) is None

    page = "/account/confirm?next=/admin/"
    wrong = submit_form(client, page, {"password": PASSWORD, "code": "000000"})
    assert wrong.status_code == 422 and "not right" in wrong.get_data(as_text=True)
    admin.totp_last_step = None
    db.session.commit()
    code = pyotp.TOTP(TOTP_SECRET).now()
    right = submit_form(client, page, {"password": PASSWORD, "code": code})
    assert right.headers["Location"] == "/admin/"
    assert submit_form(client, "/admin/", data, action="/admin/users").status_code == 302
    assert db.session.scalar(sa.select(User).where(User.email == "new@unmiss.example"))
    kinds = set(db.session.scalars(sa.select(SecurityEvent.kind)))
    assert {"reauthentication.failed", "reauthenticated"} <= kinds


def test_a_fresh_login_needs_no_second_confirmation(app, admin, mission):
    client = login(app, admin.email)
    data = {"email": "new@unmiss.example", "full_name": "New", "role": "requester",
            "organisation": mission.id}  # fmt: skip
    assert submit_form(client, "/admin/", data, action="/admin/users").status_code == 302


def test_the_erase_page_asks_an_old_login_to_confirm_first(app, focal):
    from tests.factories import make_expert

    expert = make_expert(focal.organisation)
    client = login(app, focal.email)
    age_logins(focal)
    page = f"/roster/{expert.id}/erase"
    response = client.get(page)
    assert response.headers["Location"] == f"/account/confirm?next={page}"
    confirmed = submit_form(client, f"/account/confirm?next={page}", {"password": PASSWORD})
    assert confirmed.headers["Location"] == page
    assert client.get(page).status_code == 200


def test_confirming_goes_back_only_to_this_site(app, focal):
    client = login(app, focal.email)
    response = submit_form(
        client, "/account/confirm?next=https://evil.example/", {"password": PASSWORD}
    )
    assert response.headers["Location"] == "/"
