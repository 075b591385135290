"""The second factor: real TOTP codes computed here, recovery codes, replay refused, the admin's
reset, optional enrolment for the other roles."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import sqlalchemy as sa

from app.accounts import second_factor
from app.accounts.login_steps import PENDING
from app.extensions import db
from app.models import AuditEvent, RecoveryCode, SecurityEvent, UserSession
from app.models._types import utcnow
from tests.conftest import PASSWORD, TOTP_SECRET, AuthActions, login, submit_form


def password_step(client, email: str):
    return submit_form(client, "/login", {"email": email, "password": PASSWORD})


def code_step(client, code: str):
    return submit_form(client, "/login/code", {"code": code})


def logged_in(client) -> bool:
    return not client.get("/").headers["Location"].startswith("/login")


def test_an_hr_reviewer_logs_in_with_password_then_code(app, client, hr):
    response = password_step(client, hr.email)
    assert response.headers["Location"] == "/login/code"
    assert not logged_in(client)  # the password alone opens nothing
    wrong = code_step(client, "123456" if pyotp.TOTP(TOTP_SECRET).now() != "123456" else "654321")
    assert "That code is not right" in wrong.get_data(as_text=True)
    assert not logged_in(client)
    right = code_step(client, pyotp.TOTP(TOTP_SECRET).now())
    assert right.headers["Location"] == "/"
    assert logged_in(client)
    kinds = db.session.scalars(sa.select(SecurityEvent.kind).order_by(SecurityEvent.id)).all()
    assert kinds[-2:] == ["second_factor.failed", "login.succeeded"]


def test_a_code_is_accepted_once(app, hr):
    first, second = app.test_client(), app.test_client()
    AuthActions(first).login(hr.email)  # uses the code of now
    password_step(second, hr.email)
    replayed = code_step(second, pyotp.TOTP(TOTP_SECRET).now())
    assert "used already" in replayed.get_data(as_text=True)
    assert not logged_in(second)


def test_a_code_from_the_step_before_is_accepted_but_not_two_steps_away(app, client, hr):
    totp = pyotp.TOTP(TOTP_SECRET)
    now = utcnow()
    hr.totp_last_step = None
    db.session.commit()
    assert not second_factor.check(hr, totp.at(now - timedelta(seconds=65)), now)
    assert second_factor.check(hr, totp.at(now - timedelta(seconds=30)), now)


def test_the_code_step_waits_ten_minutes_at_most(app, client, hr):
    password_step(client, hr.email)
    with client.session_transaction() as session:
        session[PENDING] = {**session[PENDING], "at": session[PENDING]["at"] - 601}
    response = code_step(client, pyotp.TOTP(TOTP_SECRET).now())
    assert response.headers["Location"] == "/login"
    assert not logged_in(client)


def test_knowing_the_password_buys_no_extra_guesses_at_the_code(app, client, hr):
    for _ in range(5):
        password_step(client, hr.email)  # right password each time
        code_step(client, "000000")
    password_step(client, hr.email)
    refused = code_step(client, pyotp.TOTP(TOTP_SECRET).now())
    assert "Too many failed logins" in refused.get_data(as_text=True)
    assert not logged_in(client)


def test_a_recovery_code_logs_in_once_and_the_owner_is_told(app, smtp, hr):
    codes = second_factor.new_recovery_codes(hr)
    assert db.session.scalar(sa.select(RecoveryCode.code_hash)) not in codes  # kept hashed
    client = app.test_client()
    password_step(client, hr.email)
    assert code_step(client, codes[0].upper()).headers["Location"] == "/"  # any case
    other = app.test_client()
    password_step(other, hr.email)
    assert "not right" in code_step(other, codes[0]).get_data(as_text=True)
    assert second_factor.recovery_codes_left(hr) == 9
    assert "A recovery code was used" in smtp.emails()[-1].get_content()


def test_the_admin_resets_a_lost_second_factor(app, smtp, admin, hr):
    hr_browser = login(app, hr.email)
    admin_browser = login(app, admin.email)
    page = f"/admin/users/{hr.id}/second-factor"
    response = submit_form(admin_browser, page, {"reason": "phone lost; called back on file"})
    assert response.status_code == 302
    db.session.refresh(hr)
    assert not hr.has_second_factor and hr.totp_secret is None
    assert not logged_in(hr_browser)  # every login of theirs ended
    assert (
        db.session.scalar(sa.select(UserSession.ended_reason).where(UserSession.user_id == hr.id))
        == "second factor reset"
    )
    event = db.session.scalar(
        sa.select(SecurityEvent).where(SecurityEvent.kind == "second_factor.reset")
    )
    assert event.user_id == hr.id and event.actor_id == admin.id
    assert "phone lost" in event.detail
    assert db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "user.second_factor_reset")
    )
    assert "removed the second factor" in smtp.emails()[-1].get_content()
    # the next login of the HR reviewer sets up the app again
    assert password_step(app.test_client(), hr.email).headers["Location"] == "/login/second-factor"


def test_a_focal_point_may_turn_on_a_second_factor_and_off_again(app, smtp, focal):
    client = login(app, focal.email)
    page = client.get("/account/second-factor").get_data(as_text=True)
    assert "<svg" in page
    db.session.refresh(focal)
    secret = focal.totp_secret
    assert secret and not focal.has_second_factor
    shown = submit_form(client, "/account/second-factor", {"code": pyotp.TOTP(secret).now()})
    assert len(re.findall(r"<li>[a-z2-7-]{19}</li>", shown.get_data(as_text=True))) == 10
    db.session.refresh(focal)
    assert focal.has_second_factor
    assert password_step(app.test_client(), focal.email).headers["Location"] == "/login/code"

    off = submit_form(client, "/account/second-factor", {}, action="/account/second-factor/off")
    assert off.headers["Location"] == "/login"
    db.session.refresh(focal)
    assert not focal.has_second_factor
    assert "You turned off the second factor" in smtp.emails()[-1].get_content()


def test_hr_and_admins_cannot_turn_theirs_off(app, hr):
    client = login(app, hr.email)
    response = submit_form(
        client, "/account/second-factor", {}, action="/account/second-factor/off",
        follow_redirects=True,
    )  # fmt: skip
    assert "must keep a second factor" in response.get_data(as_text=True)
    db.session.refresh(hr)
    assert hr.has_second_factor
