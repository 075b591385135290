"""From recommendation through readiness to deployment and completion, in a real headless
Chromium driven by Playwright: HR recommends; the sending state's focal point provides the
state's items with their documents; the expert provides theirs through the emailed signed
link, without an account; a second HR reviewer selects once the screening is done; HR deploys
with the assignment's dates and completes with an evaluation; the requesting mission evaluates;
the expert's page shows the deployment and the expert is back on the roster."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.candidates import workflow as candidates
from app.extensions import db
from app.models import Candidate, Expert, OrganisationKind, OutboxMessage, RequestStatus, Role
from tests.browser import live_app_for, log_in, nav, new_page
from tests.cast import focal_point_of, member_state
from tests.documents import make_pdf
from tests.factories import make_expert, make_organisation, make_request, make_user

pytestmark = pytest.mark.browser

TITLE = "Police adviser"
EXPERT = "Ama Owusu"


def seed() -> None:
    ghana = member_state("GH")
    mission = make_organisation(OrganisationKind.MISSION, "UNMISS", "SS")
    hr_office = make_organisation(OrganisationKind.UN_HR, "UN HR", None)
    focal = focal_point_of(ghana)
    make_user(Role.REQUESTER, mission, email="req@unmiss.example")
    hr = make_user(Role.HR_REVIEWER, hr_office, email="hr@un.example")
    make_user(Role.HR_REVIEWER, hr_office, email="hr2@un.example")
    request = make_request(
        mission, RequestStatus.OPEN, title=TITLE, duty_station="Juba", country="SS"
    )  # fmt: skip  (4 Mar 2027, six months, secondment)
    expert = make_expert(ghana, full_name=EXPERT, email="ama@example.org")
    candidate = candidates.add(request, expert, hr)
    for state, who in [("shortlisted", hr), ("consultation", hr), ("released", focal),
                       ("interview", hr)]:  # fmt: skip
        candidates.move(candidate, candidates.S(state), who)


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    with live_app_for(tmp_path_factory.mktemp("browser-deployment"), seed) as app:
        yield app


def emailed_link(live_app, recipient: str, pattern: str) -> str:
    with live_app.app_context():
        bodies = db.session.scalars(
            sa.select(OutboxMessage.body)
            .where(OutboxMessage.recipient == recipient)
            .order_by(OutboxMessage.id.desc())
        ).all()
    for body in bodies:
        match = re.search(pattern, body)
        if match:
            return match.group(0)
    raise AssertionError(f"no email to {recipient} with {pattern}")


def record(page: Page, item: str, done_on: str, valid_until: str | None = None,
           document: Path | None = None, status: str | None = None) -> None:  # fmt: skip
    """Open an item's form, fill it and send it; the page says it was recorded."""
    form = page.locator("details", has_text=f"Record: {item}")
    form.get_by_text(f"Record: {item}").click()
    if status:
        form.get_by_label(status, exact=True).check()
    form.get_by_label("Done on").fill(done_on)
    if valid_until:
        form.get_by_label("Valid until").fill(valid_until)
    if document:
        form.get_by_label(re.compile("^Document")).set_input_files(document)
    form.get_by_role("button", name=re.compile("^(Save|Record as done)$")).click()
    expect(page.get_by_text(f"{item} recorded: done.")).to_be_visible()


def test_from_recommendation_to_completion(live_app, base_url, browser, tmp_path):
    def person(email: str) -> Page:
        page = new_page(browser, base_url)
        log_in(page, email)
        return page

    def shortlist(page: Page) -> None:
        nav(page, "Requests")
        page.get_by_role("link", name=TITLE).click()
        page.get_by_role("link", name="Shortlist", exact=True).click()

    def hr_move(page: Page, button: str, state: str) -> None:
        page.get_by_role("button", name=button).click()
        expect(page.get_by_text(f"{EXPERT} is now {state}.")).to_be_visible()

    letter = tmp_path / "release letter.pdf"
    letter.write_bytes(make_pdf("The Government of Ghana releases Ama Owusu."))
    passport = tmp_path / "passport.pdf"
    passport.write_bytes(make_pdf("Passport of Ama Owusu"))

    hr = person("hr@un.example")
    shortlist(hr)
    hr_move(hr, "Recommend", "recommended")
    expect(hr.get_by_text("0 of 7 items in order.")).to_be_visible()

    # The sending state is told what it must provide, and provides it on its readiness page.
    focal_point = person("fp@gh.example")
    assert "/readiness/" in emailed_link(live_app, "fp@gh.example", r"https?://\S+/readiness/")
    nav(focal_point, "Readiness")
    expect(
        focal_point.get_by_role("heading", name=re.compile(f"{EXPERT} · {TITLE}"))
    ).to_be_visible()
    expect(focal_point.get_by_text("Misconduct screening record check")).to_have_count(0)
    record(focal_point, "Human rights screening certification", "2026-11-20")
    record(focal_point, "Release and nomination letter", "2026-11-21", document=letter)
    expect(focal_point.get_by_role("link", name="release letter.pdf")).to_be_visible()

    # The expert provides theirs through the signed link, without an account.
    expert = new_page(browser, base_url)
    expert.goto(emailed_link(live_app, "ama@example.org", r"https?://\S+/ready/\S+"))
    expect(
        expert.get_by_role("heading", name="Your deployment: what you need to provide")
    ).to_be_visible()
    record(expert, "Security training certificate", "2026-10-01", valid_until="2029-10-01")
    # A passport that expires too soon is recorded, and said to be short.
    form = expert.locator("details", has_text="Record: Passport")
    form.get_by_text("Record: Passport").click()
    form.get_by_label("Done on").fill("2020-05-01")
    form.get_by_label("Valid until").fill("2027-10-01")
    form.get_by_role("button", name="Record as done").click()
    expect(expert.get_by_text("valid until 1 Oct 2027, needed until 4 Mar 2028")).to_be_visible()
    record(expert, "Passport", "2026-06-01", valid_until="2036-06-01", document=passport)

    # The second reviewer selects once HR's own screening is recorded.
    second = person("hr2@un.example")
    shortlist(second)
    second.get_by_role("button", name="Select (approve the recommendation)").click()
    expect(
        second.get_by_text("Not ready for selection: Misconduct screening record check")
    ).to_be_visible()
    record(second, "Misconduct screening record check", "2026-11-22", status="done")
    hr_move(second, "Select (approve the recommendation)", "selected")

    # HR deploys once the rest is in, with the assignment's own dates.
    shortlist(hr)
    hr.get_by_role("button", name="Mark deployed").click()
    expect(
        hr.get_by_text(re.compile("Not ready for deployment: Medical clearance"))
    ).to_be_visible()
    record(hr, "Medical clearance", "2026-12-01", status="done")
    record(hr, "Visa", "2026-12-02", status="done")
    expect(hr.get_by_text("7 of 7 items in order.")).to_be_visible()
    hr.get_by_label("Starts on").fill("2027-03-15")
    hr.get_by_label("Ends on").fill("2027-09-15")
    hr_move(hr, "Mark deployed", "deployed")

    # Completion with HR's evaluation.
    for competency in ("Technical expertise", "Teamwork", "Communication", "Adaptability",
                       "Integrity"):  # fmt: skip
        hr.locator("form.move-completed").get_by_label(competency).select_option("4")
    hr.locator("form.move-completed").get_by_label("Comment").fill("Built the unit's trust.")
    hr_move(hr, "Complete", "completed")

    # The requesting mission evaluates the assignment too; HR reads both.
    requester = person("req@unmiss.example")
    nav(requester, "Our requests")
    requester.get_by_role("link", name=TITLE).click()
    requester.get_by_role("link", name=f"Evaluate the assignment of {EXPERT}").click()
    for competency in ("Technical expertise", "Teamwork", "Communication", "Adaptability",
                       "Integrity"):  # fmt: skip
        requester.get_by_label(competency).select_option("5")
    requester.get_by_label("Comment").fill("Trusted by the district's police.")
    requester.get_by_role("button", name=re.compile("Save")).click()
    expect(requester.get_by_text(f"Your evaluation of {EXPERT} is saved.")).to_be_visible()
    shortlist(hr)
    expect(hr.get_by_text("Trusted by the district's police.")).to_be_visible()

    # The expert's page shows the deployment; the expert is back on the roster after it.
    nav(hr, "Experts")
    hr.get_by_role("link", name=EXPERT).click()
    deployments = hr.locator("#deployments")
    expect(deployments.get_by_role("cell", name=TITLE)).to_be_visible()
    expect(deployments.get_by_role("cell", name="15 Mar 2027 to 15 Sept 2027")).to_be_visible()
    expect(deployments.get_by_text("completed")).to_be_visible()
    with live_app.app_context():
        back = db.session.scalar(sa.select(Expert).where(Expert.email == "ama@example.org"))
        assert back is not None and back.available_from.isoformat() == "2027-09-16"
        state = db.session.scalar(sa.select(Candidate.state).where(Candidate.expert_id == back.id))
        assert state is not None and state.value == "completed"
    assert "/confirm/" in emailed_link(live_app, "ama@example.org", r"https?://\S+/confirm/\S+")
