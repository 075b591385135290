"""A person's basic job in each role, in a real headless Chromium driven by Playwright."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask_migrate import upgrade
from playwright.sync_api import Page, expect, sync_playwright

from app import create_app
from app.extensions import db
from app.models import OrganisationKind, Role
from tests.browser import CHROMIUM_FLAGS, require_chromium, serve
from tests.conftest import PASSWORD, empty_database
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("CIVCAP_ENV", "testing")
    url = "sqlite:///" + str(tmp_path_factory.mktemp("browser") / "civcap.sqlite3")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade()
        ghana = make_organisation(OrganisationKind.MEMBER_STATE, "Government of GH", "GH")
        mission = make_organisation(OrganisationKind.MISSION, "UNMISS", "SS")
        hr = make_organisation(OrganisationKind.UN_HR, "UN HR", None)
        make_user(Role.FOCAL_POINT, ghana, email="fp@gh.example")
        make_user(Role.REQUESTER, mission, email="req@unmiss.example")
        make_user(Role.HR_REVIEWER, hr, email="hr@un.example")
    yield app
    with app.app_context():
        empty_database()
        db.engine.dispose()
    mp.undo()


@pytest.fixture(scope="module")
def base_url(live_app) -> Iterator[str]:
    with serve(live_app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    executable = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_focal_point_registers_an_expert_and_sees_the_error_on_a_bad_field(page: Page):
    log_in(page, "fp@gh.example")
    nav(page, "Register an expert")
    page.get_by_label("Full name").fill("Ama Owusu")
    page.get_by_label("Nationality").select_option("GH")
    page.get_by_label("Title", exact=True).fill("Court administrator")
    page.get_by_label("CV summary").fill("Fifteen years running court registries in West Africa.")
    page.get_by_label("Skills").fill("manage court cases\nlegislative drafting")
    page.get_by_label("Justice and corrections").check()
    page.locator("select[name='languages-0-code']").select_option("en")
    page.locator("select[name='languages-0-level']").select_option("C1")
    page.locator("select[name='languages-1-code']").select_option("fr")
    page.locator("select[name='languages-1-level']").select_option("B2")
    page.get_by_label("Years of professional experience").fill("15")
    page.get_by_label("Available from").fill("2027-03-01")
    # A bad field: the window ends before it starts.
    page.get_by_label("Available until").fill("2027-01-01")
    page.get_by_label("Consultant").check()
    page.get_by_label("The expert consents to be on the roster").check()
    page.get_by_role("button", name="Register the expert").click()

    expect(page.get_by_text("must not be before available_from")).to_be_visible()
    expect(page.get_by_text("Nothing was saved")).to_be_visible()
    # What the person typed is still there; they fix the one field and send again.
    expect(page.get_by_label("Full name")).to_have_value("Ama Owusu")
    page.get_by_label("Available until").fill("2028-03-01")
    page.get_by_role("button", name="Register the expert").click()

    expect(page.get_by_role("heading", name=re.compile("Ama Owusu"))).to_be_visible()
    nav(page, "Our experts")
    expect(page.get_by_role("link", name="Ama Owusu")).to_be_visible()


def test_requester_writes_and_submits_a_request(page: Page):
    log_in(page, "req@unmiss.example")
    nav(page, "New request")
    page.get_by_label("Title").fill("Rule of law adviser")
    page.get_by_label("Terms of reference").fill(
        "Advise the Ministry of Justice on court administration and case management."
    )
    page.get_by_label("Core area").select_option("justice")
    page.get_by_label("Required skills").fill("manage court cases")
    page.locator("select[name='languages-0-code']").select_option("en")
    page.locator("select[name='languages-0-level']").select_option("B2")
    page.get_by_label("Minimum years of experience").fill("10")
    page.get_by_label("Start date").fill("2099-03-01")
    page.get_by_label("Duration (months)").fill("12")
    page.get_by_label("Duty station").fill("Juba")
    page.get_by_label("Modality").select_option("consultant")
    page.get_by_label("Number of positions").fill("1")
    page.get_by_role("button", name="Save and submit").click()

    expect(page.get_by_role("heading", name=re.compile("Rule of law adviser"))).to_be_visible()
    expect(page.get_by_text("submitted").first).to_be_visible()


def test_hr_reviewer_finds_both_through_the_filters(page: Page):
    log_in(page, "hr@un.example")
    nav(page, "Requests")
    page.get_by_label("Core area").select_option("justice")
    page.get_by_role("button", name=re.compile("Filter|Search|Apply")).click()
    expect(page.get_by_role("link", name="Rule of law adviser")).to_be_visible()
    page.get_by_label("Core area").select_option("security")
    page.get_by_role("button", name=re.compile("Filter|Search|Apply")).click()
    expect(page.get_by_role("link", name="Rule of law adviser")).to_have_count(0)

    nav(page, "Experts")
    page.get_by_label("Language").select_option("fr")
    page.get_by_label(re.compile("Minimum level|At least")).select_option("B2")
    page.get_by_role("button", name=re.compile("Filter|Search|Apply")).click()
    expect(page.get_by_role("link", name="Ama Owusu")).to_be_visible()
    page.get_by_label(re.compile("Minimum level|At least")).select_option("C1")
    page.get_by_role("button", name=re.compile("Filter|Search|Apply")).click()
    expect(page.get_by_role("link", name="Ama Owusu")).to_have_count(0)
