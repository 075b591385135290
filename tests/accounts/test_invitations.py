"""Invitations and "forgot password": signed, single-use, expiring links, received through a
real SMTP server on loopback and followed as a person would."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts import links
from app.cli import cli
from app.extensions import db
from app.models import AccountLink, LinkPurpose, Role, SecurityEvent, User, UserSession
from app.models._types import utcnow
from tests.conftest import PASSWORD, AuthActions, login, submit_form
from tests.smtp import PUBLIC_URL

NEW_PASSWORD = "plenty of quiet rivers"
LINK = re.compile(re.escape(PUBLIC_URL) + r"(/account/set-password/\S+)")


def link_in(email) -> str:
    """The path of the set-password link of an email."""
    match = LINK.search(email.get_content())
    assert match, email.get_content()
    return match.group(1)


def invite(admin_client, mission, email="ana@unmiss.example", role="requester") -> None:
    data = {"email": email, "full_name": "Ana Requester", "role": role, "organisation": mission.id}
    response = submit_form(admin_client, "/admin/", data, action="/admin/users")
    assert response.status_code == 302, response.get_data(as_text=True)


def kinds() -> list[str]:
    return list(db.session.scalars(sa.select(SecurityEvent.kind).order_by(SecurityEvent.id)))


def test_an_invited_person_sets_their_password_through_the_emailed_link(app, smtp, admin, mission):
    invite(login(app, admin.email), mission)
    [email] = smtp.emails()
    assert email["To"] == "ana@unmiss.example"
    assert "your account is ready" in email["Subject"]
    path = link_in(email)

    person = app.test_client()
    page = person.get(path)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "ana@unmiss.example" in page.get_data(as_text=True)
    weak = submit_form(person, path, {"password": "password1234", "confirm": "password1234"})
    assert weak.status_code == 422
    assert "too easy to guess" in weak.get_data(as_text=True)

    done = submit_form(person, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert person.get("/").headers["Location"].endswith("/requests/")  # logged in, at work
    user = db.session.scalar(sa.select(User).where(User.email == "ana@unmiss.example"))
    assert user.check_password(NEW_PASSWORD)
    assert {"invitation.sent", "invitation.accepted", "login.succeeded"} <= set(kinds())

    again = app.test_client().get(path)  # single use
    assert again.status_code == 410 and "used already" in again.get_data(as_text=True)
    assert kinds()[-1] == "link.refused"


def test_an_invitation_expires_and_a_newer_one_replaces_it(app, smtp, admin, mission):
    admin_client = login(app, admin.email)
    invite(admin_client, mission)
    user = db.session.scalar(sa.select(User).where(User.email == "ana@unmiss.example"))
    first = link_in(smtp.emails()[0])
    response = submit_form(admin_client, "/admin/", {}, action=f"/admin/users/{user.id}/invitation")
    assert response.status_code == 302
    second = link_in(smtp.emails()[1])
    replaced = app.test_client().get(first)
    assert replaced.status_code == 410 and "newer link" in replaced.get_data(as_text=True)
    assert app.test_client().get(second).status_code == 200

    row = db.session.scalars(sa.select(AccountLink).order_by(AccountLink.id.desc())).first()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    expired = app.test_client().get(second)
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)


def test_a_tampered_link_is_refused_and_shown_to_no_one(app, smtp, admin, mission):
    invite(login(app, admin.email), mission)
    path = link_in(smtp.emails()[0])
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    response = app.test_client().get(tampered)
    assert response.status_code == 400 and "not valid" in response.get_data(as_text=True)
    # the admin's outbox shows there was a link, never its token
    message_page = login(app, admin.email).get("/admin/outbox/1").get_data(as_text=True)
    assert path.rsplit("/", 1)[1] not in message_page
    assert "token hidden" in message_page


def test_an_invited_hr_reviewer_sets_up_the_authenticator_before_the_first_login(
    app, smtp, admin, un_hr
):
    import pyotp

    invite(login(app, admin.email), un_hr, email="rev@un.example", role="hr_reviewer")
    path = link_in(smtp.emails()[0])
    person = app.test_client()
    done = submit_form(person, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.headers["Location"] == "/login/second-factor"
    assert person.get("/").status_code == 302  # not logged in before the second factor
    enrol_page = person.get("/login/second-factor").get_data(as_text=True)
    assert "<svg" in enrol_page  # the QR code, drawn here
    user = db.session.scalar(sa.select(User).where(User.email == "rev@un.example"))
    assert user.totp_secret and user.totp_secret in enrol_page and not user.has_second_factor
    wrong = submit_form(person, "/login/second-factor", {"code": "000000"})
    assert "not right" in wrong.get_data(as_text=True)
    code = pyotp.TOTP(user.totp_secret).now()
    shown = submit_form(person, "/login/second-factor", {"code": code})
    codes = re.findall(r"<li>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})</li>", shown.get_data(as_text=True))
    assert len(codes) == 10
    assert person.get("/").headers["Location"].endswith("/review/requests")
    db.session.refresh(user)
    assert user.has_second_factor
    notices = [e["Subject"] for e in smtp.emails()]
    assert "civcap: the second factor of your account changed" in notices


def test_forgot_password_answers_the_same_for_known_and_unknown_emails(
    app, smtp, focal, monkeypatch
):
    app.config["RECOVERY_ANSWER_MS"] = 300
    answers, times = [], []
    for email in (focal.email, "nobody@nowhere.example"):
        client = app.test_client()
        started = time.perf_counter()
        response = submit_form(client, "/login/forgot", {"email": email}, follow_redirects=True)
        times.append(time.perf_counter() - started)
        page = response.get_data(as_text=True).split("<main", 1)[-1]
        answers.append(re.sub(r'name="csrf_token"[^>]*>', "", page))
    assert answers[0] == answers[1]
    assert "If an account has this email" in answers[0]
    assert min(times) >= 0.3  # both wait out the fixed answer time
    [email] = smtp.emails()  # only the real account got a link
    assert email["To"] == focal.email
    reset = link_in(email)

    other_browser = login(app, focal.email)
    person = app.test_client()
    done = submit_form(person, reset, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.headers["Location"] == "/"
    assert other_browser.get("/").headers["Location"].startswith("/login")  # its login ended
    db.session.refresh(focal)
    assert focal.check_password(NEW_PASSWORD) and not focal.check_password(PASSWORD)
    assert [e["Subject"] for e in smtp.emails()][-1] == "civcap: your password was changed"
    assert app.test_client().get(reset).status_code == 410  # single use


def test_a_reset_link_does_not_skip_the_second_factor(app, smtp, hr):
    submit_form(app.test_client(), "/login/forgot", {"email": hr.email})
    reset = link_in(smtp.emails()[0])
    person = app.test_client()
    done = submit_form(person, reset, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.headers["Location"] == "/login/code"
    assert person.get("/").status_code == 302  # not logged in yet
    assert AuthActions(person).enter_code(hr.email).headers["Location"] == "/"
    assert person.get("/").headers["Location"].endswith("/review/requests")


def test_create_user_can_print_an_invitation_link(app, runner, mission):
    result = runner.invoke(
        cli,
        [
            "create-user",
            "--email",
            "cli@unmiss.example",
            "--name",
            "Cli Person",
            "--role",
            "requester",
            "--organisation",
            "UNMISS",
            "--invite",
        ],
    )
    assert result.exit_code == 0, result.output
    match = re.search(r"(/account/set-password/\S+)", result.output)
    assert match, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "cli@unmiss.example"))
    assert user.role is Role.REQUESTER and user.password_hash is None
    assert app.test_client().get(match.group(1)).status_code == 200
    [row] = db.session.scalars(sa.select(AccountLink))
    assert row.purpose is LinkPurpose.INVITATION


def test_setting_a_password_by_link_ends_every_login_of_the_account(app, focal):
    browser = login(app, focal.email)
    address = links._new_link(focal, LinkPurpose.RESET, None)
    path = links.PATH + address.rsplit("/", 1)[1]
    submit_form(app.test_client(), path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert browser.get("/").headers["Location"].startswith("/login")
    reasons = set(db.session.scalars(sa.select(UserSession.ended_reason)))
    assert "password set by link" in reasons


@pytest.mark.parametrize("payload", ["x", "a" * 5000])
def test_garbage_links_are_refused_plainly(app, payload):
    response = app.test_client().get("/account/set-password/" + payload)
    assert response.status_code == 400


def test_asking_again_within_a_minute_sends_no_second_email(app, smtp, focal):
    for _ in range(3):
        submit_form(app.test_client(), "/login/forgot", {"email": focal.email})
    assert len(smtp.emails()) == 1
    details = db.session.scalars(
        sa.select(SecurityEvent.detail).where(SecurityEvent.kind == "password.reset_asked")
    ).all()
    assert details.count("no link: one was emailed less than a minute ago") == 2
