"""HR's dashboard on deployment: the median days from selection to deployment (from the audit
trail, as the other timings), and the readiness items that hold selected candidates up, the
most missing first; both follow the filters, refresh when an item changes, are on the page
and in its CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.dashboards.figures import DashboardFilters
from app.dashboards.figures.cached import hr_figures
from app.dashboards.figures.readiness import holding_up
from app.dashboards.figures.timing import selection_to_deployment
from app.extensions import db
from app.models import (
    AuditEvent,
    Candidate,
    CandidateState,
    ReadinessItem,
    ReadinessStatus,
    RequestStatus,
)
from tests.factories import make_expert, make_ready, make_request
from tests.pages import page_html

S = CandidateState
TODAY = date(2027, 1, 10)


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def candidate(request, expert, state, moves=()):
    row = Candidate(request=request, expert=expert, state=state)
    db.session.add(row)
    db.session.flush()
    for move, moment in moves:
        db.session.add(
            AuditEvent(
                at=moment, action=f"candidate.{move}", entity_type="candidate",
                entity_id=row.id, actor_label="test", after={"state": move},
            )
        )  # fmt: skip
    db.session.commit()
    return row


def item(row: Candidate, code: str) -> ReadinessItem:
    return db.session.scalars(
        sa.select(ReadinessItem).filter_by(candidate_id=row.id, code=code)
    ).one()


@pytest.fixture
def deployments(ghana, mission):
    people = iter(make_expert(ghana, full_name=f"Expert {i}") for i in range(8))
    justice = make_request(mission, RequestStatus.OPEN, area="justice", positions=8)
    security = make_request(mission, RequestStatus.OPEN, area="security", positions=2)
    justice.submitted_at = security.submitted_at = at("2027-01-02")
    # Deployed 2 and 6 days after selection (the median is 4), the second since completed; in
    # security, 30 days; one selected only (no deployment to count).
    candidate(justice, next(people), S.DEPLOYED,
              [("selected", at("2027-01-05")), ("deployed", at("2027-01-07"))])  # fmt: skip
    candidate(justice, next(people), S.COMPLETED,
              [("selected", at("2027-01-05")), ("deployed", at("2027-01-11")),
               ("completed", at("2027-07-11"))])  # fmt: skip
    candidate(security, next(people), S.DEPLOYED,
              [("selected", at("2027-01-01")), ("deployed", at("2027-01-31"))])  # fmt: skip
    # Selected, not deployed: the visa holds two up, the passport one (valid too short), in
    # justice; the medical clearance one in security. A deployed candidate's items do not count.
    waiting = [candidate(justice, next(people), S.SELECTED, [("selected", at("2027-01-06"))])
               for _ in range(2)]  # fmt: skip
    in_security = candidate(security, next(people), S.SELECTED)
    for row in (*waiting, in_security):
        make_ready(row)
    for row in waiting:
        db.session.delete(item(row, "visa"))
    item(waiting[1], "passport").valid_until = date(2027, 6, 1)
    item(in_security, "medical_clearance").status = ReadinessStatus.PENDING
    db.session.commit()
    return {"waiting": waiting, "in_security": in_security}


def test_the_median_from_selection_to_deployment(deployments):
    got = selection_to_deployment(DashboardFilters(today=TODAY))
    assert (got.deployed, got.median_days) == (3, 6.0)
    justice = selection_to_deployment(DashboardFilters(today=TODAY, area="justice"))
    assert (justice.deployed, justice.median_days) == (2, 4.0)
    later = DashboardFilters(today=TODAY, period_from=date(2027, 1, 3))
    assert selection_to_deployment(later) == type(got)(0, None)


def test_the_items_holding_deployments_up_most_missing_first(deployments):
    every = holding_up(DashboardFilters(today=TODAY))
    assert [(h.code, h.label, h.candidates) for h in every] == [
        ("visa", "Visa", 2),
        ("medical_clearance", "Medical clearance", 1),
        ("passport", "Passport", 1),
    ]
    justice = holding_up(DashboardFilters(today=TODAY, area="justice"))
    assert [(h.code, h.candidates) for h in justice] == [("visa", 2), ("passport", 1)]


def test_the_figures_refresh_when_a_readiness_item_changes(deployments):
    f = DashboardFilters(today=TODAY)
    assert hr_figures(f).holdups[0].candidates == 2
    # Changed without an audit event or a candidate's change: the item's own change counts.
    for row in deployments["waiting"]:
        db.session.add(
            ReadinessItem(candidate_id=row.id, code="visa", status=ReadinessStatus.EXCEPTION)
        )
    db.session.commit()
    assert [h.code for h in hr_figures(f).holdups] == ["medical_clearance", "passport"]
    item(deployments["in_security"], "medical_clearance").status = ReadinessStatus.DONE
    db.session.commit()
    assert [h.code for h in hr_figures(f).holdups] == ["passport"]


def test_the_page_and_its_csv_show_them(deployments, hr1, client, auth):
    auth.login(hr1.email)
    html = page_html(client.get("/dashboard"))
    assert '<figure class="chart-figure" id="readiness">' in html
    assert "Median time from selection to deployment: 6 days, over 3 candidates deployed." in html
    assert '<tr><th scope="row">Visa</th><td class="num">2</td></tr>' in html
    justice = page_html(client.get("/dashboard?area=justice"))
    assert (
        "Median time from selection to deployment: 4 days, over 2 candidates deployed." in justice
    )
    assert 'href="/dashboard/readiness.csv?area=justice"' in justice
    response = client.get("/dashboard/readiness.csv?area=justice")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [
        ["figure", "item", "candidates", "median days"],
        ["selection to deployment", "", "2", "4.0"],
        ["selected, missing the item", "visa", "2", ""],
        ["selected, missing the item", "passport", "1", ""],
    ]


@pytest.mark.parametrize("who", ["focal", "requester"])
def test_only_hr_reads_them(deployments, request, client, auth, who):
    assert client.get("/dashboard/readiness.csv").status_code == 302  # to the login page
    auth.login(request.getfixturevalue(who).email)
    assert client.get("/dashboard/readiness.csv").status_code == 403
