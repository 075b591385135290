"""Logins end on the server: logout, switching a user off, timeouts and the person's own choice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import UserSession
from tests.conftest import PASSWORD, AuthActions, submit_form


def logged_in(client) -> bool:
    return client.get("/", follow_redirects=False).headers["Location"] != "/login?next=%2F"


def cookie(client, name: str) -> str:
    found = client.get_cookie(name)
    assert found is not None, name
    return found.value


def replay(app, **cookies: str):
    """A new browser that sends only these cookies."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def remembered_login(client, email: str):
    data = {"email": email, "password": PASSWORD, "remember": "y"}
    response = submit_form(client, "/login", data)
    if response.headers.get("Location") == "/login/code":
        return AuthActions(client).enter_code(email)
    return response


def rows(user) -> list[UserSession]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)))


def test_a_session_cookie_replayed_after_logout_logs_nobody_in(app, client, auth, focal):
    auth.login(focal.email)
    stolen = cookie(client, "session")
    assert logged_in(replay(app, session=stolen))
    auth.logout()
    assert not logged_in(replay(app, session=stolen))
    [row] = rows(focal)
    assert row.ended_reason == "logged out"


def test_a_remember_me_token_replayed_after_logout_logs_nobody_in(app, client, focal):
    remembered_login(client, focal.email)
    token = cookie(client, "remember_token")
    assert logged_in(replay(app, remember_token=token))  # it works while the login lives
    AuthActions(client).logout()
    assert not logged_in(replay(app, remember_token=token))


def test_each_login_gets_a_fresh_token(app, client, auth, focal):
    remembered_login(client, focal.email)
    first = cookie(client, "remember_token")
    auth.logout()
    remembered_login(client, focal.email)
    second = cookie(client, "remember_token")
    assert first != second
    assert len({row.token_hash for row in rows(focal)}) == 2


def test_switching_a_user_off_ends_every_login_of_theirs(app, client, auth, focal, admin):
    browsers = [app.test_client(), app.test_client()]
    for browser in browsers:
        AuthActions(browser).login(focal.email)
        assert logged_in(browser)
    auth.login(admin.email)
    submit_form(client, "/admin/", {}, action=f"/admin/users/{focal.id}/active")
    assert not any(logged_in(browser) for browser in browsers)
    assert {row.ended_reason for row in rows(focal)} == {"account switched off"}
    submit_form(client, "/admin/", {}, action=f"/admin/users/{focal.id}/active")  # on again
    assert not any(logged_in(browser) for browser in browsers)  # the old logins stay ended


def test_a_login_idle_too_long_ends(app, client, auth, focal):
    auth.login(focal.email)
    assert logged_in(client)
    [row] = rows(focal)
    row.last_seen_at = datetime.now(UTC) - timedelta(
        minutes=app.config["SESSION_IDLE_MINUTES"], seconds=5
    )
    db.session.commit()
    assert not logged_in(client)


def test_a_remembered_login_outlives_idleness_but_not_its_end(app, client, focal):
    remembered_login(client, focal.email)
    [row] = rows(focal)
    assert row.remember and row.expires_at - row.created_at == timedelta(days=30)
    row.last_seen_at = datetime.now(UTC) - timedelta(hours=5)
    db.session.commit()
    assert logged_in(client)
    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert not logged_in(client)


def test_hr_and_admins_are_never_remembered_beyond_the_session_hours(app, client, hr):
    response = remembered_login(client, hr.email)
    assert response.status_code == 302
    assert client.get_cookie("remember_token") is None
    [row] = rows(hr)
    assert not row.remember
    assert row.expires_at - row.created_at == timedelta(hours=app.config["SESSION_HOURS"])


def test_a_person_sees_their_logins_and_ends_another(app, focal):
    here, there = app.test_client(), app.test_client()
    AuthActions(here).login(focal.email)
    AuthActions(there).login(focal.email)
    first, second = sorted(rows(focal), key=lambda row: row.id)  # here's, then there's
    page = here.get("/account/sessions").get_data(as_text=True)
    assert page.count("<tr>") == 3  # the header and two logins
    assert page.count("this login") == 1
    assert f"/account/sessions/{second.id}/end" in page  # the other one can be ended
    assert f"/account/sessions/{first.id}/end" not in page  # this one is ended by logging out
    submit_form(here, "/account/sessions", {}, action=f"/account/sessions/{second.id}/end")
    assert logged_in(here) and not logged_in(there)
    assert {row.id: row.ended_reason for row in rows(focal)} == {
        first.id: None,
        second.id: "ended by the user",
    }


def test_ending_all_other_logins_keeps_this_one(app, focal):
    here, there, third = app.test_client(), app.test_client(), app.test_client()
    for browser in (there, third, here):
        AuthActions(browser).login(focal.email)
    submit_form(here, "/account/sessions", {}, action="/account/sessions/end-others")
    assert logged_in(here) and not logged_in(there) and not logged_in(third)


def test_nobody_ends_another_persons_login(app, focal, focal_sn):
    theirs = app.test_client()
    AuthActions(theirs).login(focal_sn.email)
    [row] = rows(focal_sn)
    mine = app.test_client()
    AuthActions(mine).login(focal.email)
    response = submit_form(mine, "/account/sessions", {}, action=f"/account/sessions/{row.id}/end")
    assert response.status_code == 404
    assert logged_in(theirs)
