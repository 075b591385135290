"""Dashboards in a real headless Chromium: each role's page draws its SVG charts (under the
app's CSP, with no errors), and a focal point sees their own member state's figures only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import (
    AuditEvent,
    Candidate,
    CandidateState,
    OrganisationKind,
    RequestPublication,
    RequestStatus,
    Role,
)
from tests.browser import live_app_for, log_in, new_page
from tests.cast import focal_point_of, member_state
from tests.factories import make_expert, make_organisation, make_request, make_user

pytestmark = pytest.mark.browser

S = CandidateState


def candidate(request, expert, moves: list[str], state: CandidateState) -> None:
    row = Candidate(request=request, expert=expert, state=state)
    db.session.add(row)
    db.session.flush()
    for i, move in enumerate(moves):
        db.session.add(
            AuditEvent(
                at=datetime(2027, 1, 10 + i, tzinfo=UTC), action=f"candidate.{move}",
                entity_type="candidate", entity_id=row.id, actor_label="test",
            )
        )  # fmt: skip
    db.session.commit()


def seed() -> None:
    ghana, france = member_state("GH"), member_state("FR")
    mission = make_organisation(OrganisationKind.MISSION, "UNMISS", "SS")
    hr = make_organisation(OrganisationKind.UN_HR, "UN HR", None)
    focal_point_of(ghana)
    focal_point_of(france)
    make_user(Role.REQUESTER, mission, email="req@unmiss.example")
    make_user(Role.HR_REVIEWER, hr, email="hr@un.example")
    open_window = {"available_from": date(2026, 1, 1), "available_until": None}
    ama = make_expert(ghana, full_name="Ama Owusu", gender="female", **open_window)
    kofi = make_expert(ghana, full_name="Kofi Mensah", gender="male", **open_window)
    jean = make_expert(france, full_name="Jean Dupont", gender="male", nationality="FR",
                       areas=["justice", "security"], **open_window)  # fmt: skip
    court = make_request(mission, RequestStatus.OPEN, title="Court adviser", area="justice",
                         languages=[("en", "B2")], start_date=date(2027, 3, 1))  # fmt: skip
    police = make_request(mission, RequestStatus.OPEN, title="Police adviser",
                          area="security", languages=[("fr", "C1")],
                          start_date=date(2027, 3, 1))  # fmt: skip
    for r in (court, police):
        r.submitted_at = datetime(2027, 1, 5, tzinfo=UTC)
    db.session.add(RequestPublication(request_id=court.id, organisation_id=ghana.id))
    db.session.commit()
    candidate(court, ama, ["suggested", "shortlisted", "consultation", "released"], S.RELEASED)
    candidate(court, kofi, ["suggested", "dismissed"], S.DISMISSED)
    candidate(court, jean, ["suggested", "shortlisted", "dismissed"], S.DISMISSED)
    candidate(police, jean, ["suggested", "shortlisted"], S.SHORTLISTED)


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    with live_app_for(tmp_path_factory.mktemp("browser-dashboard"), seed) as app:
        yield app


@pytest.fixture
def page(browser, base_url) -> Iterator[Page]:
    page = new_page(browser, base_url)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Security Policy" in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    page.context.close()
    # No style or script was refused by the CSP, and no script failed.
    assert errors == []


def expect_drawn(page: Page, figure_id: str, title: str) -> None:
    """The figure's SVG chart is on screen, named by its title, with its table beside it."""
    figure = page.locator(f"figure#{figure_id}")
    chart = figure.get_by_role("img", name=title)
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 20
    expect(figure.locator("rect").first).to_be_visible()
    expect(figure.locator("table")).to_be_visible()


def stage_count(page: Page, figure_id: str, stage: str) -> str:
    row = page.locator(
        f"figure#{figure_id} table tr", has=page.get_by_role("rowheader", name=stage, exact=True)
    )
    return row.locator("td").first.inner_text()


def test_hr_dashboard_draws_its_charts_and_leads_to_an_outreach_list(page: Page):
    log_in(page, "hr@un.example")
    page.goto("/dashboard")
    expect(page.get_by_role("heading", name="Supply, demand and gaps")).to_be_visible()
    for figure_id, title in [
        ("supply-areas", "Supply and demand per core area"),
        ("supply-languages", "Supply and demand per language"),
        ("gaps", "Gaps per core area"),
        ("funnel", "Candidate funnel"),
        ("timing", "Median days from submission"),
    ]:
        expect_drawn(page, figure_id, title)
    assert stage_count(page, "funnel", "Suggested or nominated") == "4"
    assert stage_count(page, "funnel", "Released") == "1"
    # The filters narrow the figures: only the security request's candidate is left.
    page.get_by_label("Core area", exact=True).select_option("security")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"area=security"))
    assert stage_count(page, "funnel", "Suggested or nominated") == "1"
    # Police adviser needs French at C1: nobody is deployable, a gap with its outreach list.
    page.locator("figure#gaps").get_by_role("link", name="Police adviser").click()
    expect(page.get_by_role("heading", name=re.compile("Outreach"))).to_be_visible()
    expect_drawn(page, "outreach", "Member states whose experts come closest")
    expect(page.get_by_role("rowheader", name=re.compile("Government of FR"))).to_be_visible()


def test_focal_point_sees_their_own_figures_only(page: Page):
    log_in(page, "fp@gh.example")
    page.goto("/dashboard/member-state")
    expect(page.get_by_role("heading", name=re.compile("Government of GH"))).to_be_visible()
    expect_drawn(page, "roster-areas", "Our experts per core area")
    expect_drawn(page, "our-funnel", "Our experts' candidacies")
    # Ama and Kofi are Ghana's candidates; Jean (France) is not counted.
    assert stage_count(page, "our-funnel", "Suggested or nominated") == "2"
    assert stage_count(page, "our-funnel", "Released") == "1"
    expect(page.get_by_role("link", name="Court adviser")).to_be_visible()
    expect(page.get_by_text("Government of FR")).to_have_count(0)
    expect(page.get_by_text("Police adviser")).to_have_count(0)
    # HR's dashboard is not theirs.
    assert page.goto("/dashboard").status == 403

    page.get_by_role("button", name="Log out").click()
    log_in(page, "fp@fr.example")
    page.goto("/dashboard/member-state")
    expect(page.get_by_role("heading", name=re.compile("Government of FR"))).to_be_visible()
    expect(page.get_by_text("Government of GH")).to_have_count(0)
    assert stage_count(page, "our-funnel", "Suggested or nominated") == "2"
    assert stage_count(page, "our-funnel", "Shortlisted") == "2"
    assert stage_count(page, "our-funnel", "Released") == "0"
    expect(page.get_by_role("link", name="Court adviser")).to_have_count(0)


def test_requester_sees_each_request_along_the_funnel(page: Page):
    log_in(page, "req@unmiss.example")
    page.goto("/dashboard/requests")
    charts = page.locator("figure svg.chart")
    expect(charts).to_have_count(2)
    court = page.locator("figure", has=page.get_by_role("img", name="Court adviser"))
    expect_drawn(page, court.get_attribute("id") or "", "Court adviser")
    assert (
        court.locator("tr", has=page.get_by_role("rowheader", name="Shortlisted", exact=True))
        .locator("td")
        .inner_text()
        == "2"
    )
    assert page.goto("/dashboard/member-state").status == 403
