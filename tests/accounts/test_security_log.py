"""The security log: what is kept, what never is, the admin's page and CSV, append-only."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa

from app.common import security_log
from app.extensions import db
from app.models import SecurityEvent
from app.models.security_event import SecurityLogIsAppendOnly
from tests.conftest import PASSWORD, AuthActions, login, submit_form
from tests.factories import make_expert


def entries(kind: str | None = None) -> list[SecurityEvent]:
    query = sa.select(SecurityEvent).order_by(SecurityEvent.id)
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    return list(db.session.scalars(query))


def test_logins_and_failures_are_logged_without_the_password(app, client, focal):
    AuthActions(client).login(focal.email, "not my password at all")
    AuthActions(client).login("nobody@nowhere.example", "guess guess guess")
    AuthActions(client).login(focal.email)
    failed, unknown = entries("login.failed")
    assert (failed.user_id, failed.subject, failed.detail) == (
        focal.id,
        focal.email,
        "wrong password",
    )
    assert failed.address == "127.0.0.1"
    assert unknown.user_id is None and unknown.subject == "nobody@nowhere.example"
    [success] = entries("login.succeeded")
    assert success.user_id == focal.id
    everything = " ".join(f"{e.subject} {e.detail}" for e in entries())
    assert "not my password" not in everything and PASSWORD not in everything


def test_a_foreign_id_is_refused_and_logged(app, focal, focal_sn):
    expert = make_expert(focal.organisation)
    client = login(app, focal_sn.email)
    assert client.get(f"/roster/{expert.id}").status_code == 404
    [denied] = entries("access.denied")
    assert denied.user_id == focal_sn.id
    assert denied.subject == f"/roster/{expert.id}" and denied.detail == f"expert {expert.id}"
    assert client.get("/roster/999999").status_code == 404  # no such record: nothing to log
    assert len(entries("access.denied")) == 1


def test_a_wrong_role_is_logged(app, focal):
    client = login(app, focal.email)
    assert client.get("/admin/").status_code == 403
    [denied] = entries("access.denied")
    assert denied.subject == "/admin/" and "focal_point" in denied.detail


def test_admin_reads_of_the_outbox_are_logged(app, admin, focal):
    client = login(app, admin.email)
    client.get("/admin/outbox")
    [read] = entries("personal_data.read")
    assert read.user_id == admin.id and read.subject == "/admin/outbox"


def test_the_admin_filters_the_log_and_downloads_it(app, admin, focal):
    AuthActions(app.test_client()).login(focal.email, "wrong wrong wrong")
    client = login(app, admin.email)
    page = client.get("/admin/security-log?kind=login.failed").get_data(as_text=True)
    assert "Login failed" in page and focal.email in page
    assert "Logged in</td>" not in page
    page = client.get("/admin/security-log?who=admin%40un").get_data(as_text=True)
    assert focal.email not in page.split("<tbody>", 1)[-1]
    response = client.get("/admin/security-log.csv?kind=login.failed")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["when", "kind", "what"]
    assert [row[1] for row in rows[1:]] == ["login.failed"]
    assert rows[1][3] == focal.email
    bad_dates = client.get("/admin/security-log?since=yesterday&until=2026-13-40")
    assert bad_dates.status_code == 200  # ignored, with the field's error shown


def test_other_roles_cannot_read_the_log(app, hr):
    assert login(app, hr.email).get("/admin/security-log").status_code == 403


def test_the_log_is_append_only(app, focal):
    event = security_log.record("logout", user=focal, subject=focal.email)
    event.detail = "rewritten"
    with pytest.raises(SecurityLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(SecurityEvent, event.id))
    with pytest.raises(SecurityLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":  # the database itself refuses too
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(sa.text("UPDATE security_events SET detail = 'x'"))
        db.session.rollback()
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(sa.text("DELETE FROM security_events"))
        db.session.rollback()
    assert db.session.get(SecurityEvent, event.id).detail == ""


def test_behind_a_proxy_the_clients_address_is_the_forwarded_one(app, database_url, focal):
    from sqlalchemy.orm import close_all_sessions

    from app import create_app
    from tests.conftest import _test_config

    forwarded = {"X-Forwarded-For": "203.0.113.5"}
    plain = app.test_client()  # no proxy trusted: the header is anybody's to send
    submit_form(
        plain, "/login", {"email": focal.email, "password": "wrong wrong"}, headers=forwarded
    )
    proxied = create_app(_test_config(database_url) | {"PROXY_HOPS": 1})
    client = proxied.test_client()
    token_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', token_page).group(1)
    data = {"csrf_token": token, "email": focal.email, "password": "wrong again wrong"}
    client.post("/login", data=data, headers=forwarded)
    with proxied.app_context():
        db.engine.dispose()
    close_all_sessions()
    addresses = [e.address for e in entries("login.failed")]
    assert addresses == ["127.0.0.1", "203.0.113.5"]
