"""A person changes their own password: the current one is asked, every other login ends."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, OutboxMessage
from tests.conftest import PASSWORD, AuthActions, submit_form
from tests.pages import field_errors

NEW = "a new passphrase for the roster"


def change(client, current: str, new: str, confirm: str | None = None):
    data = {"current_password": current, "new_password": new, "confirm": confirm or new}
    return submit_form(client, "/account/password", data)


def logged_in(client) -> bool:
    return client.get("/roster/").status_code == 200


def test_changing_the_password_ends_every_other_login(app, client, auth, focal):
    elsewhere = app.test_client()
    AuthActions(elsewhere).login(focal.email)
    auth.login(focal.email)
    response = change(client, PASSWORD, NEW)
    assert response.status_code == 302
    assert logged_in(client) and not logged_in(elsewhere)
    auth.logout()
    assert "not right" in auth.login(focal.email, PASSWORD).get_data(as_text=True)
    assert auth.login(focal.email, NEW).status_code == 302
    [event] = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "user.password_changed")
    )
    assert event.actor_id == focal.id and NEW not in str(event.after)
    [notice] = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.event == "account.password_changed")
    )
    assert notice.recipient == focal.email and "was changed just now" in notice.body


def test_the_current_password_is_asked(client, auth, focal):
    auth.login(focal.email)
    response = change(client, "not my password", NEW)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "current_password") == ["is not your current password"]
    db.session.expire_all()
    assert focal.check_password(PASSWORD)


def test_the_new_password_follows_the_password_rules(client, auth, focal):
    auth.login(focal.email)
    for new, why in [
        ("password1234", "is too easy to guess: This is a very common password."),
        ("short one", "must be at least 12 characters"),
        (PASSWORD, "is your current password; choose another"),
    ]:
        html = change(client, PASSWORD, new).get_data(as_text=True)
        assert any(e.startswith(why) for e in field_errors(html, "new_password")), new
    html = change(client, PASSWORD, NEW, confirm=NEW + "!").get_data(as_text=True)
    assert field_errors(html, "confirm") == ["Type the same new password twice."]
    db.session.expire_all()
    assert focal.check_password(PASSWORD)


def test_only_a_logged_in_person_changes_a_password(client):
    assert client.get("/account/password").status_code == 302
