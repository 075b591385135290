"""A person's basic job in each role, in a real headless Chromium driven by Playwright."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.models import OrganisationKind, Role
from tests.browser import live_app_for, log_in, nav, new_page
from tests.cast import focal_point_of, member_state
from tests.factories import make_expert, make_organisation, make_user

pytestmark = pytest.mark.browser


def seed() -> None:
    ghana = member_state("GH")
    mission = make_organisation(OrganisationKind.MISSION, "UNMISS", "SS")
    hr = make_organisation(OrganisationKind.UN_HR, "UN HR", None)
    focal_point_of(ghana)
    make_user(Role.REQUESTER, mission, email="req@unmiss.example")
    make_user(Role.HR_REVIEWER, hr, email="hr@un.example")
    make_user(Role.HR_REVIEWER, hr, email="hr2@un.example")
    make_expert(ghana, full_name="Kwame Asante", title="legislative drafter",
                languages=[("en", "C2"), ("fr", "B2")])  # fmt: skip


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    with live_app_for(tmp_path_factory.mktemp("browser"), seed) as app:
        yield app


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
    page.get_by_label("Terms of reference", exact=True).fill(
        "Advise the Ministry of Justice on court administration and case management."
    )
    page.get_by_label("Core area").select_option("justice")
    page.get_by_label("Required skills").fill("manage court cases")
    page.locator("select[name='languages-0-code']").select_option("en")
    page.locator("select[name='languages-0-level']").select_option("B2")
    page.get_by_label("Minimum years of experience").fill("10")
    page.get_by_label("Start date").fill("2099-03-01")
    page.get_by_label("Duration (months)").fill("12")
    page.get_by_label("Duty station", exact=True).fill("Juba")
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
    page.get_by_label("Language", exact=True).select_option("fr")
    page.get_by_label(re.compile("Minimum level|At least")).select_option("B2")
    page.get_by_role("button", name=re.compile("Filter|Search|Apply")).click()
    expect(page.get_by_role("link", name="Ama Owusu")).to_be_visible()
    page.get_by_label(re.compile("Minimum level|At least")).select_option("C1")
    page.get_by_role("button", name=re.compile("Filter|Search|Apply")).click()
    expect(page.get_by_role("link", name="Ama Owusu")).to_have_count(0)


def test_the_whole_selection_path_with_four_logins(browser, base_url):
    """Requester submits; HR accepts and publishes; the focal point nominates; HR shortlists and
    consults; the focal point releases; HR recommends; a second HR reviewer selects; the
    requester sees who was selected."""

    def person(email: str) -> Page:
        page = new_page(browser, base_url)
        log_in(page, email)
        return page

    title = "Legislative drafting adviser"
    requester = person("req@unmiss.example")
    nav(requester, "New request")
    requester.get_by_label("Title").fill(title)
    requester.get_by_label("Terms of reference", exact=True).fill(
        "Draft the penal procedure code with the Ministry of Justice; legislative drafting."
    )
    requester.get_by_label("Core area").select_option("justice")
    requester.get_by_label("Required skills").fill("legislative drafting")
    requester.locator("select[name='languages-0-code']").select_option("en")
    requester.locator("select[name='languages-0-level']").select_option("B2")
    requester.get_by_label("Minimum years of experience").fill("5")
    requester.get_by_label("Start date").fill("2099-03-01")
    requester.get_by_label("Duration (months)").fill("6")
    requester.get_by_label("Modality").select_option("government_provided")
    requester.get_by_label("Number of positions").fill("1")
    requester.get_by_role("button", name="Save and submit").click()
    expect(requester.get_by_role("heading", name=re.compile(title))).to_be_visible()

    hr = person("hr@un.example")
    nav(hr, "Requests")
    hr.get_by_role("link", name=title).click()
    hr.get_by_role("button", name="Accept").click()
    expect(hr.get_by_text("Accepted: the request is open")).to_be_visible()
    hr.get_by_label("Member states by name").select_option(label="Government of GH")
    hr.get_by_role("button", name="Publish").click()
    expect(hr.get_by_role("cell", name="Government of GH")).to_be_visible()

    focal_point = person("fp@gh.example")
    nav(focal_point, "Requests for us")
    focal_point.get_by_role("link", name=title).click()
    focal_point.get_by_label("Kwame Asante").check()
    focal_point.get_by_role("button", name="Nominate the chosen experts").click()
    expect(focal_point.get_by_text("1 expert nominated")).to_be_visible()

    def shortlist(page: Page) -> None:
        nav(page, "Requests")
        page.get_by_role("link", name=title).click()
        page.get_by_role("link", name="Shortlist", exact=True).click()

    def hr_move(page: Page, button: str, state: str) -> None:
        page.get_by_role("button", name=button).click()
        expect(page.get_by_text(f"Kwame Asante is now {state}.")).to_be_visible()

    shortlist(hr)
    expect(hr.get_by_text("nominated", exact=True)).to_be_visible()
    hr_move(hr, "Add to shortlist", "shortlisted")
    hr_move(hr, "Ask member state to release", "release consultation")

    nav(focal_point, "Release consultations")
    focal_point.get_by_label("Released", exact=True).check()
    focal_point.get_by_label("Legal basis or return arrangements").fill(
        "Secondment under the Civil Service Act, return guaranteed."
    )
    focal_point.get_by_role("button", name="Send answer").click()
    expect(focal_point.get_by_text("Answer recorded: Kwame Asante released.")).to_be_visible()

    shortlist(hr)
    hr_move(hr, "Interview", "interview")
    hr_move(hr, "Recommend", "recommended")
    expect(hr.get_by_text("Four eyes: a different HR reviewer approves")).to_be_visible()

    second = person("hr2@un.example")
    shortlist(second)
    # The screening items hold the selection until they are recorded.
    second.get_by_role("button", name="Select (approve the recommendation)").click()
    expect(second.get_by_text("Not ready for selection: Human rights screening")).to_be_visible()
    for item in ("Human rights screening certification", "Misconduct screening record check"):
        record = second.locator("details", has_text=f"Record: {item}")
        record.get_by_text(f"Record: {item}").click()
        record.get_by_label("done", exact=True).check()
        record.get_by_label("Done on").fill("2026-11-20")
        record.get_by_role("button", name="Save").click()
        expect(second.get_by_text(f"{item} recorded: done.")).to_be_visible()
    hr_move(second, "Select (approve the recommendation)", "selected")
    expect(second.get_by_text("1 of 1 position selected")).to_be_visible()

    nav(requester, "Our requests")
    requester.get_by_role("link", name=title).click()
    selected = requester.locator("table.selected")
    expect(selected.get_by_role("cell", name="Kwame Asante")).to_be_visible()
    expect(selected.get_by_role("cell", name="Government of GH")).to_be_visible()
    expect(requester.get_by_text("filled").first).to_be_visible()
