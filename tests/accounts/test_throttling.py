"""Failed logins slow down and then lock, per account and per address, for every worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import close_all_sessions

from app import create_app
from app.accounts import authentication, throttling
from app.extensions import db
from app.models import AuditEvent, LoginThrottle, OutboxMessage
from tests.conftest import PASSWORD, AuthActions, _test_config, submit_form

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
ADDRESS = "192.0.2.7"


def fail(email: str, times: int, now: datetime = T0, address: str = ADDRESS) -> None:
    for _ in range(times):
        outcome = authentication.attempt(email, "not the password", address, now)
        assert outcome.user is None


def fail_patiently(email: str, times: int, start: datetime = T0) -> datetime:
    """Fail ``times``, each an hour after the last (after any wait); the time of the last."""
    for i in range(times):
        fail(email, 1, now=start + timedelta(hours=i))
    return start + timedelta(hours=times - 1)


def test_five_failures_make_the_next_try_wait_then_longer(app, focal):
    fail(focal.email, 4)
    assert authentication.attempt(focal.email, PASSWORD, ADDRESS, T0).user == focal  # 4: free
    fail(focal.email, 5)
    refused = authentication.attempt(focal.email, PASSWORD, ADDRESS, T0 + timedelta(seconds=29))
    assert refused.user is None
    assert refused.refusal.startswith("Too many failed logins for this account or from this")
    assert "Try again after 09:00 UTC" in refused.refusal
    assert authentication.attempt(focal.email, PASSWORD, ADDRESS, T0 + timedelta(seconds=31)).user
    throttling.record_success(focal.email)  # the login completes (authentication.finish)
    # the success started the count anew: failures 5, 6 and 7 wait 30 s, 60 s and 120 s
    last = fail_patiently(focal.email, 7, start=T0 + timedelta(minutes=1))
    assert throttling.blocked_until(focal.email, ADDRESS, last) == last + timedelta(seconds=120)
    fail(focal.email, 3, now=last + timedelta(seconds=119))  # refused untried: not counted
    assert throttling.blocked_until(focal.email, ADDRESS, last) == last + timedelta(seconds=120)


def test_ten_failures_lock_the_account_and_tell_its_owner(app, focal):
    last = fail_patiently(focal.email, 10)  # each try after its wait, as a patient attacker
    [row] = [t for t in db.session.scalars(sa.select(LoginThrottle)) if t.kind == "account"]
    assert row.locked and row.failures == 10
    assert row.blocked_until == last + throttling.ACCOUNT.lock_for
    right = authentication.attempt(
        focal.email, PASSWORD, "198.51.100.1", last + timedelta(hours=23)
    )
    assert right.user is None and "Too many failed logins" in right.refusal
    [notice] = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.event == "account.locked")
    ).all()
    assert notice.recipient == focal.email
    assert "10 logins to your civcap account failed in a row" in notice.body
    assert ADDRESS in notice.body


def test_an_unknown_email_is_throttled_like_a_known_one(app, focal):
    fail("nobody@example.org", 5)
    unknown = authentication.attempt("nobody@example.org", "x", ADDRESS, T0)
    fail(focal.email, 5, address="203.0.113.9")
    known = authentication.attempt(focal.email, "x", "203.0.113.9", T0)
    assert unknown.refusal == known.refusal
    assert not db.session.scalars(sa.select(OutboxMessage)).all()  # nobody to tell


def test_one_address_trying_many_accounts_is_slowed_down(app, focal):
    for i in range(20):
        fail(f"guess{i}@example.org", 1)
    refused = authentication.attempt(focal.email, PASSWORD, ADDRESS, T0)
    assert refused.user is None and "Too many failed logins" in refused.refusal
    assert authentication.attempt(focal.email, PASSWORD, "198.51.100.1", T0).user == focal


def test_the_counts_are_shared_by_every_worker(app, database_url, focal, monkeypatch):
    """Two app instances on one database: what one counts, the other refuses."""
    monkeypatch.setenv("CIVCAP_ENV", "testing")
    other = create_app(_test_config(database_url))
    first, second = app.test_client(), other.test_client()
    for _ in range(5):
        AuthActions(first).login(focal.email, "not the password")
    with other.app_context():
        try:
            page = AuthActions(second).login(focal.email, PASSWORD).get_data(as_text=True)
            assert "Too many failed logins" in page
            assert second.get("/roster/").status_code == 302  # not logged in
        finally:  # the second worker's connections close with it
            db.session.remove()
            close_all_sessions()  # its requests' sessions too
            db.engine.dispose()


def test_the_login_page_says_when_to_retry(client, auth, focal):
    for _ in range(4):
        page = auth.login(focal.email, "not the password").get_data(as_text=True)
        assert authentication.wrong() in page and "Too many" not in page
    page = auth.login(focal.email, "not the password").get_data(as_text=True)
    assert "Too many failed logins" in page and "Try again after" in page
    page = auth.login(focal.email, PASSWORD).get_data(as_text=True)
    assert "Too many failed logins" in page
    assert client.get("/roster/").status_code == 302


def test_an_admin_sees_and_lifts_a_lock(client, auth, admin, focal):
    fail_patiently(focal.email, 10, start=datetime.now(UTC) - timedelta(hours=10))
    auth.login(admin.email)
    page = client.get("/admin/").get_data(as_text=True)
    assert f"account {focal.email}" in page and "locked" in page
    row = db.session.scalar(sa.select(LoginThrottle).where(LoginThrottle.locked))
    response = submit_form(client, "/admin/", {}, action=f"/admin/locks/{row.id}/lift")
    assert response.status_code == 302
    assert db.session.get(LoginThrottle, row.id) is None
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "login.unlocked"))
    assert event.actor_id == admin.id and event.before["key"] == f"account:{focal.email}"
    auth.logout()
    auth.login(focal.email)
    assert client.get("/roster/").status_code == 200


def test_other_roles_cannot_lift_a_lock(client, auth, focal, hr):
    fail_patiently(focal.email, 10, start=datetime.now(UTC) - timedelta(hours=10))
    row = db.session.scalar(sa.select(LoginThrottle).where(LoginThrottle.locked))
    auth.login(hr.email)
    token_page = "/review/requests"
    response = submit_form(client, token_page, {}, action=f"/admin/locks/{row.id}/lift")
    assert response.status_code == 403
    assert db.session.get(LoginThrottle, row.id) is not None
