"""An account's whole life in a real headless Chromium: the admin's invitation, setting the
password, setting up the authenticator app, logging in with a code, logging out, and resetting
the forgotten password. Emails arrive through a real SMTP server on loopback."""

from __future__ import annotations

import re

import pyotp
import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Page, expect

from app.models import OrganisationKind, Role
from tests.browser import live_app_for, log_in, new_page
from tests.conftest import totp_code
from tests.factories import make_organisation, make_user
from tests.smtp import Inbox, free_port

pytestmark = pytest.mark.browser

PASSWORD = "seven bright lanterns tonight"
NEW_PASSWORD = "another quiet harbour morning"


def seed() -> None:
    hr = make_organisation(OrganisationKind.UN_HR, "UN HR", None)
    make_user(Role.ADMIN, hr, email="admin@un.example")


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    with live_app_for(tmp_path_factory.mktemp("browser-accounts"), seed) as app:
        yield app


@pytest.fixture
def inbox(live_app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    live_app.config.update(
        MAIL_TRANSPORT="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_TIMEOUT=5
    )
    yield inbox
    controller.stop()


def link_in(inbox: Inbox, subject: str) -> str:
    [email] = [e for e in inbox.emails() if subject in e["Subject"]][-1:]
    match = re.search(r"https?://\S+/account/set-password/\S+", email.get_content())
    assert match, email.get_content()
    return match.group(0)


def current_code(live_app, email: str) -> str:
    with live_app.app_context():
        return totp_code(email)


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()


def test_invitation_password_second_factor_logout_and_reset(live_app, base_url, browser, inbox):
    admin = new_page(browser, base_url)
    log_in(admin, "admin@un.example")
    admin.get_by_label("Email").fill("priya@un.example")
    admin.get_by_label("Full name").fill("Priya Raman")
    admin.get_by_label("Role").select_option(label="HR reviewer")
    admin.get_by_label("Organisation").select_option(label="UN HR (UN HR)")
    admin.get_by_role("button", name="Add user and email the invitation").click()
    expect(admin.get_by_text("Added HR reviewer priya@un.example")).to_be_visible()

    # The invited person follows the emailed link and chooses a password.
    person = new_page(browser, base_url)
    person.goto(link_in(inbox, "your account is ready"))
    expect(person.get_by_role("heading", name="Welcome to civcap")).to_be_visible()
    person.get_by_label("New password", exact=True).fill(PASSWORD)
    person.get_by_label("New password again").fill(PASSWORD)
    person.get_by_role("button", name="Set my password").click()

    # An HR reviewer sets up the authenticator app before the first login.
    expect(person.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    expect(person.locator(".qr svg")).to_be_visible()
    secret = person.locator(".secret").inner_text()
    person.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    person.get_by_role("button", name="Turn on the second factor").click()
    expect(person.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(person.locator(".codes li")).to_have_count(10)
    person.get_by_role("link", name="I have kept them: go on").click()
    expect(person.get_by_role("button", name="Log out")).to_be_visible()
    log_out(person)

    # Logging in again asks for the password, then the app's code.
    person.get_by_label("Email").fill("priya@un.example")
    person.get_by_label("Password").fill(PASSWORD)
    person.get_by_role("button", name="Log in").click()
    expect(person.get_by_role("heading", name="Your code")).to_be_visible()
    person.get_by_label("Code").fill(current_code(live_app, "priya@un.example"))
    person.get_by_role("button", name="Log in").click()
    expect(person.get_by_role("button", name="Log out")).to_be_visible()
    log_out(person)

    # Forgotten password: the emailed link sets a new one, then the code step follows.
    person.get_by_role("link", name="Forgot your password?").click()
    person.get_by_label("Email").fill("priya@un.example")
    person.get_by_role("button", name="Email me a link").click()
    expect(person.get_by_text("If an account has this email")).to_be_visible()
    person.goto(link_in(inbox, "choose a new password"))
    person.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    person.get_by_label("New password again").fill(NEW_PASSWORD)
    person.get_by_role("button", name="Set my password").click()
    expect(person.get_by_role("heading", name="Your code")).to_be_visible()
    person.get_by_label("Code").fill(current_code(live_app, "priya@un.example"))
    person.get_by_role("button", name="Log in").click()
    expect(person.get_by_role("button", name="Log out")).to_be_visible()
    subjects = [e["Subject"] for e in inbox.emails()]
    assert "civcap: your password was changed" in subjects
    assert "civcap: the second factor of your account changed" in subjects
