"""Dashboards: every figure checked against numbers computed by hand on a small roster, the
filters, the CSV exports, and who may see which page.

The roster, on TODAY = 2027-01-10 (supply counts experts available from no later than
2027-02-09, until today or later):

| expert    | member state (region)  | areas            | languages    | window            | yrs |
|-----------|------------------------|------------------|--------------|-------------------|-----|
| Ama F     | Ghana (Western Africa) | justice          | en C1, fr B2 | 2027-01-01…12-31  | 10  |
| Kofi M    | Ghana                  | justice          | en B2        | 2027-06-01…       | 8   |
| Efua F    | Ghana                  | justice, security| en C2        | 2026-12-01…       | 3   |
| Jean M    | France (W. Europe)     | justice          | fr C2, en B1 | 2027-01-01…       | 12  |
| Marie F   | France                 | security         | fr C1        | 2027-01-01…       | 9   |
| Luc M     | France, NO CONSENT     | justice          | en C2        | 2027-01-01…       | 20  |
| Otieno M  | Kenya (Eastern Africa) | security         | en C1, sw B1 | 2026-11-01…       | 9   |
| Wanjiru F | Kenya                  | security         | en B2, sw C1 | 2026-11-01…       | 9   |
| Yaw M     | Ghana, WITHDRAWN       | justice          | en C2        | 2027-01-01…       | 15  |

Requests of UNMISS: r1 justice open→selection (3 positions, en B2, start 2027-03-01, 6 months:
deployable if available from ≤ 2027-03-31 until ≥ 2027-06-01, min 7 years), r2 justice open
(1 position, fr C1, 12 months), r3 security open (1 position, en B2), r4 justice filled,
r5 justice submitted; plus a draft, and another mission's open request.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from app.candidates import workflow as candidates
from app.dashboards.figures import (
    DashboardFilters,
    by_area,
    by_area_month,
    by_language,
    gap_requests,
    outreach,
    overview,
    progress,
    stages,
)
from app.extensions import db
from app.models import (
    AuditEvent,
    Candidate,
    CandidateState,
    ExpertStatus,
    RequestPublication,
    RequestStatus,
)
from app.models.suggestion import SuggestionRun
from tests.cast import focal_point_of, member_state
from tests.factories import make_expert, make_ready, make_request
from tests.pages import page_html

S = CandidateState
TODAY = date(2027, 1, 10)


def at(day: str, hour: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def record_moves(candidate: Candidate, moves: list[tuple[str, datetime]]) -> None:
    """Audit events of a candidate's moves, at given times (as the workflow records them)."""
    for state, moment in moves:
        db.session.add(
            AuditEvent(
                at=moment, action=f"candidate.{state}", entity_type="candidate",
                entity_id=candidate.id, actor_label="test", after={"state": state},
            )
        )  # fmt: skip


def add_candidate(request, expert, state: CandidateState, moves=(), nominated_by=None):
    candidate = Candidate(
        request=request, expert=expert, state=state,
        nominated_by_id=nominated_by.id if nominated_by else None,
    )  # fmt: skip
    db.session.add(candidate)
    db.session.flush()
    record_moves(candidate, list(moves))
    db.session.commit()
    return candidate


def filters(**values) -> DashboardFilters:
    return DashboardFilters(today=TODAY, **values)


@pytest.fixture
def world(ghana, mission, other_mission, un_hr, hr1, hr2, focal, requester, other_requester, admin):
    france, kenya = member_state("FR"), member_state("KE")
    users = {
        "hr1": hr1, "hr2": hr2, "fp_gh": focal, "fp_fr": focal_point_of(france),
        "req": requester, "req_other": other_requester, "admin": admin,
    }  # fmt: skip

    def expert(org, name, gender, nationality, areas, languages, start, until, years, **kw):
        return make_expert(
            org, full_name=name, gender=gender, nationality=nationality, areas=areas,
            languages=languages, available_from=date.fromisoformat(start),
            available_until=date.fromisoformat(until) if until else None, years_experience=years,
            **kw,
        )  # fmt: skip

    e = {
        "ama": expert(ghana, "Ama", "female", "GH", ["justice"], [("en", "C1"), ("fr", "B2")],
                      "2027-01-01", "2027-12-31", 10),
        "kofi": expert(ghana, "Kofi", "male", "GH", ["justice"], [("en", "B2")],
                       "2027-06-01", None, 8),
        "efua": expert(ghana, "Efua", "female", "GH", ["justice", "security"], [("en", "C2")],
                       "2026-12-01", None, 3),
        "jean": expert(france, "Jean", "male", "FR", ["justice"], [("fr", "C2"), ("en", "B1")],
                       "2027-01-01", None, 12),
        "marie": expert(france, "Marie", "female", "FR", ["security"], [("fr", "C1")],
                        "2027-01-01", None, 9),
        "luc": expert(france, "Luc", "male", "FR", ["justice"], [("en", "C2")],
                      "2027-01-01", None, 20),
        "otieno": expert(kenya, "Otieno", "male", "KE", ["security"], [("en", "C1"), ("sw", "B1")],
                         "2026-11-01", None, 9),
        "wanjiru": expert(kenya, "Wanjiru", "female", "KE", ["security"],
                          [("en", "B2"), ("sw", "C1")], "2026-11-01", None, 9),
        "yaw": expert(ghana, "Yaw", "male", "GH", ["justice"], [("en", "C2")],
                      "2027-01-01", None, 15, status=ExpertStatus.WITHDRAWN),
    }  # fmt: skip
    e["luc"].consent_given_at = None
    # Ghana's availability confirmations: Ama recently, Kofi long ago, Efua never.
    e["ama"].availability_confirmed_at = at("2027-01-01")
    e["kofi"].availability_confirmed_at = at("2026-06-01")
    e["efua"].availability_confirmed_at = None

    def request(status, title, area, languages, start, months, positions, submitted, **kw):
        r = make_request(
            kw.pop("org", mission), status, title=title, area=area, languages=languages,
            start_date=date.fromisoformat(start), duration_months=months, positions=positions,
            **kw,
        )  # fmt: skip
        r.submitted_at = at(submitted) if submitted else None
        return r

    r = {
        "r1": request(RequestStatus.OPEN, "Court adviser", "justice", [("en", "B2")],
                      "2027-03-01", 6, 3, "2027-01-02", min_years_experience=7),
        "r2": request(RequestStatus.OPEN, "Legal drafter", "justice", [("fr", "C1")],
                      "2027-03-01", 12, 1, "2027-01-03", min_years_experience=5),
        "r3": request(RequestStatus.OPEN, "Police adviser", "security", [("en", "B2")],
                      "2027-03-01", 6, 1, "2027-01-20", min_years_experience=5),
        "r4": request(RequestStatus.FILLED, "Judge", "justice", [("en", "B2")],
                      "2027-03-01", 6, 1, "2026-12-01"),
        "r5": request(RequestStatus.SUBMITTED, "Prison adviser", "justice", [("en", "B2")],
                      "2027-03-01", 6, 2, "2027-01-04"),
        "draft": request(RequestStatus.DRAFT, "Draft", "justice", [("en", "B2")],
                         "2027-03-01", 6, 4, None),
        "other": request(RequestStatus.OPEN, "Elections adviser", "political_processes",
                         [("fr", "B2")], "2027-03-01", 6, 2, "2027-01-05", org=other_mission),
    }  # fmt: skip
    db.session.add(RequestPublication(request_id=r["r1"].id, organisation_id=ghana.id))
    db.session.commit()

    # c1: Ama on r1 goes the whole way to selected, through the real workflow.
    hr1, hr2 = users["hr1"], users["hr2"]
    c1 = candidates.add(r["r1"], e["ama"], hr1)
    for to, actor in [
        (S.SHORTLISTED, hr1), (S.CONSULTATION, hr1), (S.RELEASED, users["fp_gh"]),
        (S.INTERVIEW, hr1), (S.RECOMMENDED, hr1), (S.SELECTED, hr2),
    ]:  # fmt: skip
        if to is S.SELECTED:
            make_ready(c1)
        candidates.move(c1, to, actor)
    # c2: Jean on r2, shortlisted then dismissed.
    add_candidate(r["r2"], e["jean"], S.DISMISSED,
                  [("suggested", at("2027-01-04")), ("shortlisted", at("2027-01-05")),
                   ("dismissed", at("2027-01-06"))])  # fmt: skip
    # c3: Efua on r1, nominated by Ghana, dismissed straight away.
    add_candidate(r["r1"], e["efua"], S.DISMISSED,
                  [("nominated", at("2027-01-04")), ("dismissed", at("2027-01-05"))],
                  nominated_by=ghana)  # fmt: skip
    # c4: Otieno on r3, released, loaded without any history: the state tells how far he went.
    add_candidate(r["r3"], e["otieno"], S.RELEASED)
    # c5: Marie on r3, released then dismissed.
    add_candidate(r["r3"], e["marie"], S.DISMISSED,
                  [("suggested", at("2027-01-21")), ("shortlisted", at("2027-01-22")),
                   ("consultation", at("2027-01-23")), ("released", at("2027-01-24")),
                   ("dismissed", at("2027-01-25"))])  # fmt: skip
    db.session.commit()
    organisations = {"gh": ghana, "fr": france, "ke": kenya, "mission": mission,
                     "other_mission": other_mission}  # fmt: skip
    return {"org": organisations, "users": users, "experts": e, "requests": r}


# ---- supply --------------------------------------------------------------------------------


def test_supply_by_area_counts_available_experts_against_open_positions(world):
    rows = {row.area_code: row for row in by_area(filters())}
    assert [row.area_code for row in by_area(filters())][:2] == ["security", "justice"]
    justice, security = rows["justice"], rows["security"]
    # Ama, Kofi, Efua, Jean (Luc has no consent, Yaw withdrew); Kofi is not available yet.
    assert (justice.experts, justice.available) == (4, 3)
    # r1 (3 positions, 1 selected) and r2 (1); not the filled, submitted or draft ones.
    assert (justice.open_requests, justice.open_positions) == (2, 3)
    assert (security.experts, security.available) == (4, 4)
    assert (security.open_requests, security.open_positions) == (1, 1)
    politics = rows["political_processes"]
    assert (politics.experts, politics.available, politics.open_requests) == (0, 0, 1)
    assert politics.open_positions == 2


def test_supply_by_area_follows_the_filters(world):
    west_africa = {r.area_code: r for r in by_area(filters(region="Western Africa"))}
    assert (west_africa["justice"].experts, west_africa["justice"].available) == (3, 2)
    assert (west_africa["security"].experts, west_africa["security"].available) == (1, 1)
    # Demand is not narrowed by region.
    assert west_africa["justice"].open_positions == 3
    (only,) = by_area(filters(area="security"))
    assert only.area_code == "security"
    # Requests submitted from 2027-01-15: only r3 (security) is still in demand.
    later = {r.area_code: r for r in by_area(filters(period_from=date(2027, 1, 15)))}
    assert later["justice"].open_requests == 0 and later["security"].open_requests == 1
    assert later["justice"].available == 3  # supply is today's, whatever the period
    # Availability is judged on "today": on 2027-05-15 Kofi is available too (from 2027-06-01).
    may = {r.area_code: r for r in by_area(DashboardFilters(today=date(2027, 5, 15)))}
    assert may["justice"].available == 4


def test_supply_by_language_counts_b2_or_above(world):
    rows = [
        (r.code, r.available, r.open_requests, r.open_positions) for r in by_language(filters())
    ]
    # en: Ama C1, Efua C2, Otieno C1, Wanjiru B2 (Jean only B1); fr: Ama, Jean, Marie;
    # sw: Wanjiru C1 (Otieno only B1). Demand: r1 (2 open) + r3 (1) need en, r2 fr,
    # MINUSCA's request fr (2).
    assert rows == [("en", 4, 2, 3), ("fr", 3, 2, 3), ("sw", 1, 0, 0)]
    justice = [(r.code, r.available, r.open_requests) for r in by_language(filters(area="justice"))]
    assert justice == [("en", 2, 1), ("fr", 2, 1)]
    east_africa = {r.code: r.available for r in by_language(filters(region="Eastern Africa"))}
    assert east_africa == {"en": 2, "sw": 1, "fr": 0}


# ---- gaps and outreach ---------------------------------------------------------------------


def test_gaps_are_requests_with_fewer_than_three_deployable_experts(world):
    r = world["requests"]
    gaps = gap_requests(filters())
    # r2 (fr C1): only Jean. r1 (en B2, from ≤ 2027-03-31): Ama and Efua (Kofi starts in June,
    # Jean's English is B1). r3: Efua, Otieno, Wanjiru: not a gap. MINUSCA's: nobody.
    assert [(g.request_id, g.deployable) for g in gaps] == [
        (r["other"].id, 0), (r["r2"].id, 1), (r["r1"].id, 2),
    ]  # fmt: skip
    r1_gap = gaps[-1]
    assert (r1_gap.title, r1_gap.organisation, r1_gap.area_code) == (
        "Court adviser",
        "UNMISS",
        "justice",
    )
    assert r1_gap.open_positions == 2  # 3 positions, Ama selected


def test_gaps_follow_the_filters(world):
    r = world["requests"]
    west_africa = gap_requests(filters(region="Western Africa"))
    assert [(g.request_id, g.deployable) for g in west_africa] == [
        (r["r2"].id, 0), (r["other"].id, 0), (r["r3"].id, 1), (r["r1"].id, 2),
    ]  # fmt: skip
    assert gap_requests(filters(area="security")) == []
    assert [
        g.request_id for g in gap_requests(filters(area="security", region="Western Africa"))
    ] == [r["r3"].id]
    assert [g.request_id for g in gap_requests(filters(period_to=date(2027, 1, 2)))] == [r["r1"].id]


def test_outreach_lists_the_closest_member_states_and_why_the_others_miss(world):
    rows = outreach(world["requests"]["r1"])
    states = [r for r in rows if r.kind == "member state"]
    regions = [r for r in rows if r.kind == "region"]
    ghana, france = states
    assert ghana.name == "Government of GH" and ghana.region == "Western Africa"
    # Ama meets everything; Kofi misses the dates only; Efua the seniority only (3 < 7 years).
    assert (ghana.in_area, ghana.deployable, ghana.meet_all, ghana.one_short) == (3, 2, 1, 2)
    assert (ghana.short_language, ghana.short_dates, ghana.short_seniority) == (0, 1, 1)
    assert ghana.global_south is True
    # Jean's English is B1: the language only. Luc (no consent) is not counted.
    assert (france.in_area, france.deployable, france.meet_all, france.one_short) == (1, 0, 0, 1)
    assert france.why == "language level (1)"
    assert [(r.name, r.in_area, r.meet_all) for r in regions] == [
        ("Western Africa", 3, 1), ("Western Europe", 1, 0),
    ]  # fmt: skip
    # Kenya has no justice expert: not on the list for a justice request.
    assert all(r.name != "Government of KE" for r in states)


def test_outreach_for_a_request_nobody_can_meet(world):
    rows = outreach(world["requests"]["other"])
    assert rows == []


# ---- funnel --------------------------------------------------------------------------------


def test_funnel_counts_how_far_candidates_went_with_women_and_global_south(world):
    got = [(s.key, s.count, s.women, s.global_south) for s in stages(filters())]
    # c1 Ama (F, GH) selected; c2 Jean (M, FR) shortlisted; c3 Efua (F, GH) suggested;
    # c4 Otieno (M, KE) released (no history); c5 Marie (F, FR) released.
    assert got == [
        ("suggested", 5, 3, 3),
        ("shortlisted", 4, 2, 2),
        ("consultation", 3, 2, 2),
        ("released", 3, 2, 2),
        ("recommended", 1, 1, 1),
        ("selected", 1, 1, 1),
        ("deployed", 0, 0, 0),
    ]
    first, *_, last = stages(filters())
    assert first.share_women == pytest.approx(3 / 5) and first.share_global_south == pytest.approx(
        3 / 5
    )
    assert last.share_women is None


def test_funnel_follows_the_filters(world):
    def counts(**values):
        return [s.count for s in stages(filters(**values))]

    assert counts(area="security") == [2, 2, 2, 2, 0, 0, 0]
    assert counts(period_from=date(2027, 1, 15)) == [2, 2, 2, 2, 0, 0, 0]
    west_europe = stages(filters(region="Western Europe"))
    assert [s.count for s in west_europe] == [2, 2, 1, 1, 0, 0, 0]
    assert [(s.women, s.global_south) for s in west_europe[:3]] == [(1, 0), (1, 0), (1, 0)]


# ---- timing --------------------------------------------------------------------------------


@pytest.fixture
def timeline(mission, ghana):
    people = [make_expert(ghana, full_name=f"Expert {i}") for i in range(3)]

    def submitted(area, when, moves_per_candidate):
        request = make_request(mission, RequestStatus.OPEN, area=area)
        request.submitted_at = when
        for expert, moves in zip(people, moves_per_candidate, strict=False):
            add_candidate(request, expert, S.SUGGESTED, moves)
        db.session.commit()

    submitted("justice", at("2027-01-05"), [[("shortlisted", at("2027-01-07")),
                                             ("selected", at("2027-01-15"))]])  # fmt: skip
    submitted("justice", at("2027-01-10"), [[("shortlisted", at("2027-01-14"))]])
    # The first shortlist counts (day 9), not the second (day 12); selection on day 20.
    submitted("justice", at("2027-01-20"), [[("shortlisted", at("2027-01-29"))],
                                            [("shortlisted", at("2027-02-01")),
                                             ("selected", at("2027-02-09"))]])  # fmt: skip
    submitted("justice", at("2027-02-03"), [])
    submitted("security", at("2027-01-12", 12), [[("shortlisted", at("2027-01-13"))]])


def test_timing_is_the_median_days_per_area_and_month(timeline):
    got = [
        (t.area_code, t.month, t.submitted, t.shortlisted, t.days_to_shortlist, t.selected,
         t.days_to_selection)
        for t in by_area_month(filters())
    ]  # fmt: skip
    assert got == [
        ("security", "2027-01", 1, 1, 0.5, 0, None),
        # shortlist after 2, 4, 9 days: median 4; selection after 10 and 20: median 15.
        ("justice", "2027-01", 3, 3, 4.0, 2, 15.0),
        ("justice", "2027-02", 1, 0, None, 0, None),
    ]


def test_timing_follows_the_filters(timeline):
    got = [
        (t.area_code, t.month, t.days_to_shortlist, t.days_to_selection)
        for t in by_area_month(filters(period_from=date(2027, 1, 8), period_to=date(2027, 1, 31)))
    ]
    assert got == [("security", "2027-01", 0.5, None), ("justice", "2027-01", 6.5, 20.0)]
    assert [t.area_code for t in by_area_month(filters(area="security"))] == ["security"]


# ---- a member state's and a mission's own figures ------------------------------------------


def test_member_state_overview_has_only_its_own_figures(world):
    ghana = overview(world["org"]["gh"].id, TODAY)
    # Ama, Kofi, Efua on the roster (Yaw withdrew); Ama and Efua available now; Kofi confirmed
    # more than 90 days ago and Efua never: stale.
    assert (ghana.on_roster, ghana.in_pool, ghana.available, ghana.stale) == (3, 3, 2, 2)
    assert ghana.nominated == 1
    # Ama (selected) and Efua (suggested) are Ghana's candidates.
    assert [s.count for s in ghana.funnel] == [2, 1, 1, 1, 1, 1, 0]
    assert (ghana.reached("shortlisted"), ghana.reached("selected")) == (1, 1)
    areas = {a.area_code: (a.experts, a.available) for a in ghana.areas}
    assert areas["justice"] == (3, 2) and areas["security"] == (1, 1)
    # r1 (Ama, Efua deployable) is published to Ghana; r3 (Efua) is not: only counted.
    assert [(m.request_id, m.deployable) for m in ghana.requests] == [
        (world["requests"]["r1"].id, 2)
    ]
    assert ghana.other_requests == 1

    france = overview(world["org"]["fr"].id, TODAY)
    # Jean, Marie, Luc on the roster; Luc without consent is not in the pool.
    assert (france.on_roster, france.in_pool, france.available) == (3, 2, 2)
    assert [s.count for s in france.funnel] == [2, 2, 1, 1, 0, 0, 0]
    assert france.nominated == 0
    # Jean is deployable for r2, Marie for nothing (r3 needs English): r2 is not published.
    assert france.requests == [] and france.other_requests == 1


def test_requester_sees_each_request_along_the_funnel(world):
    r = world["requests"]
    rows = progress(world["org"]["mission"].id)
    # Newest submission first; the draft and MINUSCA's request are not there.
    assert [p.request_id for p in rows] == [
        r["r3"].id, r["r5"].id, r["r2"].id, r["r1"].id, r["r4"].id,
    ]  # fmt: skip
    by_id = {p.request_id: [s.count for s in p.stages] for p in rows}
    assert by_id[r["r1"].id] == [2, 1, 1, 1, 1, 1, 0]
    assert by_id[r["r2"].id] == [1, 1, 0, 0, 0, 0, 0]
    assert by_id[r["r3"].id] == [2, 2, 2, 2, 0, 0, 0]
    assert by_id[r["r4"].id] == [0] * 7
    assert [p.title for p in progress(world["org"]["other_mission"].id)] == ["Elections adviser"]


# ---- pages, CSV exports and who sees what --------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def assert_csp_safe(html: str) -> None:
    assert " style=" not in html and "<script" not in html


def test_hr_dashboard_draws_every_chart_with_its_table_and_csv(world, client, auth):
    auth.login("hr1@un.example")
    html = page_html(client.get("/dashboard"))
    assert_csp_safe(html)
    for key in ("supply-areas", "supply-languages", "gaps", "funnel", "timing", "readiness"):
        assert f'<figure class="chart-figure" id="{key}">' in html
        assert f'href="/dashboard/{key}.csv"' in html
    assert html.count('<svg class="chart" role="img"') == 6
    assert html.count("<figcaption>") == 6
    assert '<title id="funnel-svg-title">Candidate funnel</title>' in html
    # Every gap links to its outreach page.
    for key in ("r1", "r2", "other"):
        assert f'href="/dashboard/gaps/{world["requests"][key].id}"' in html
    assert f'href="/dashboard/gaps/{world["requests"]["r3"].id}"' not in html


def test_hr_csv_exports_have_the_numbers_of_the_page(world, client, auth):
    auth.login("hr1@un.example")
    r = world["requests"]
    areas = {row[0]: row for row in read_csv(client.get("/dashboard/supply-areas.csv"))[1:]}
    # Experts in the pool and the demand do not depend on the day the test runs.
    justice = areas["justice"]
    assert (justice[2], justice[4], justice[5]) == ("4", "2", "3")
    gaps = read_csv(client.get("/dashboard/gaps.csv"))
    assert gaps[0][0] == "request id"
    assert [(row[0], row[7]) for row in gaps[1:]] == [
        (str(r["other"].id), "0"), (str(r["r2"].id), "1"), (str(r["r1"].id), "2"),
    ]  # fmt: skip
    funnel = read_csv(client.get("/dashboard/funnel.csv"))
    assert funnel[0] == [
        "stage",
        "candidates",
        "women",
        "women %",
        "global South",
        "global South %",
    ]
    assert funnel[1] == ["suggested", "5", "3", "60.0", "3", "60.0"]
    assert funnel[2] == ["shortlisted", "4", "2", "50.0", "2", "50.0"]
    assert funnel[7] == ["deployed", "0", "0", "", "0", ""]
    languages = read_csv(client.get("/dashboard/supply-languages.csv"))
    assert [(row[0], row[3], row[4]) for row in languages[1:3]] == [
        ("en", "2", "3"),
        ("fr", "2", "3"),
    ]
    assert client.get("/dashboard/nothing.csv").status_code == 404


def test_the_filters_narrow_the_page_and_its_csv_links(world, client, auth):
    auth.login("hr1@un.example")
    html = page_html(client.get("/dashboard?area=security&region=Western+Africa"))
    assert 'href="/dashboard/funnel.csv?area=security&amp;region=Western+Africa"' in html
    assert f'href="/dashboard/gaps/{world["requests"]["r3"].id}"' in html
    assert f'href="/dashboard/gaps/{world["requests"]["r1"].id}"' not in html
    funnel = read_csv(client.get("/dashboard/funnel.csv?area=security"))
    assert [row[1] for row in funnel[1:]] == ["2", "2", "2", "2", "0", "0", "0"]
    gaps = read_csv(client.get("/dashboard/gaps.csv?period_to=2027-01-02"))
    assert [row[0] for row in gaps[1:]] == [str(world["requests"]["r1"].id)]
    # A wrong filter is shown on its field and ignored; the figures stay whole.
    html = page_html(client.get("/dashboard?period_from=2027-02-01&period_to=2027-01-01"))
    assert "must not be before the start of the period" in html
    funnel = read_csv(client.get("/dashboard/funnel.csv?period_from=someday&area=nowhere"))
    assert funnel[1][1] == "5"


def test_csv_cells_that_look_like_formulas_are_quoted(world, client, auth):
    world["requests"]["r2"].title = '=HYPERLINK("http://evil.example")'
    db.session.commit()
    auth.login("hr1@un.example")
    rows = read_csv(client.get("/dashboard/gaps.csv"))
    assert rows[2][1] == '\'=HYPERLINK("http://evil.example")'


def test_gap_page_has_the_outreach_list(world, client, auth):
    r = world["requests"]
    auth.login("hr1@un.example")
    html = page_html(client.get(f"/dashboard/gaps/{r['r1'].id}"))
    assert_csp_safe(html)
    assert '<svg class="chart" role="img"' in html
    assert "Government of GH" in html and "Government of FR" in html
    assert "language level (1)" in html and "Western Europe" in html
    rows = read_csv(client.get(f"/dashboard/gaps/{r['r1'].id}/outreach.csv"))
    assert rows[1] == ["member state", "Government of GH", "Western Africa", "yes", "3", "2", "1",
                       "2", "0", "1", "1"]  # fmt: skip
    assert rows[3][:3] == ["region", "Western Africa", "Western Africa"]
    # HR never sees a draft, nor a request that is not there.
    assert client.get(f"/dashboard/gaps/{r['draft'].id}").status_code == 404
    assert client.get("/dashboard/gaps/999999").status_code == 404
    assert client.get(f"/dashboard/gaps/{r['draft'].id}/outreach.csv").status_code == 404


@pytest.mark.parametrize(
    "email, allowed",
    [
        ("hr1@un.example", "hr"),
        ("fp@gh.example", "member-state"),
        ("req@unmiss.example", "requests"),
        ("admin@un.example", None),
    ],
)
def test_each_role_reaches_only_its_own_dashboard(world, client, auth, email, allowed):
    r1 = world["requests"]["r1"].id
    pages = {
        "hr": ["/dashboard", "/dashboard/funnel.csv", f"/dashboard/gaps/{r1}",
               f"/dashboard/gaps/{r1}/outreach.csv"],
        "member-state": ["/dashboard/member-state", "/dashboard/member-state/funnel.csv"],
        "requests": ["/dashboard/requests", "/dashboard/requests.csv"],
    }  # fmt: skip
    for url in [u for urls in pages.values() for u in urls]:
        assert client.get(url).status_code == 302  # to the login page
    auth.login(email)
    for name, urls in pages.items():
        for url in urls:
            assert client.get(url).status_code == (200 if name == allowed else 403), url


def test_focal_point_sees_only_their_own_member_state(world, client, auth):
    r = world["requests"]
    auth.login("fp@gh.example")
    html = page_html(client.get("/dashboard/member-state"))
    assert_csp_safe(html)
    assert html.count('<svg class="chart" role="img"') == 2
    assert "Government of GH" in html and "Government of FR" not in html
    # r1 is published to Ghana; r3 is not: counted, never named.
    assert f'href="/outreach/requests/{r["r1"].id}"' in html and "Court adviser" in html
    assert "Police adviser" not in html
    assert "1 more open request, not published to us" in html
    funnel = read_csv(client.get("/dashboard/member-state/funnel.csv"))
    assert [row[1] for row in funnel[1:]] == ["2", "1", "1", "1", "1", "1", "0"]
    requests = read_csv(client.get("/dashboard/member-state/requests.csv"))
    assert [(row[0], row[-1]) for row in requests[1:]] == [(str(r["r1"].id), "2")]
    assert client.get("/dashboard/member-state/nothing.csv").status_code == 404

    auth.logout()
    auth.login("fp@fr.example")
    # No organisation in the URL: a forged one is ignored, France sees France.
    ghana = world["org"]["gh"].id
    html = page_html(client.get(f"/dashboard/member-state?organisation_id={ghana}"))
    assert "Government of FR" in html and "Government of GH" not in html
    assert "Court adviser" not in html
    funnel = read_csv(client.get(f"/dashboard/member-state/funnel.csv?organisation_id={ghana}"))
    assert [row[1] for row in funnel[1:]] == ["2", "2", "1", "1", "0", "0", "0"]
    assert read_csv(client.get("/dashboard/member-state/requests.csv"))[1:] == []


def test_requester_sees_their_own_requests_along_the_funnel(world, client, auth):
    r = world["requests"]
    auth.login("req@unmiss.example")
    html = page_html(client.get("/dashboard/requests"))
    assert_csp_safe(html)
    assert html.count('<svg class="chart" role="img"') == 5
    assert "Court adviser" in html and "Elections adviser" not in html and ">Draft<" not in html
    rows = {row[0]: row for row in read_csv(client.get("/dashboard/requests.csv"))[1:]}
    assert rows[str(r["r1"].id)][6:] == ["2", "1", "1", "1", "1", "1", "0"]
    assert set(rows) == {str(r[k].id) for k in ("r1", "r2", "r3", "r4", "r5")}

    auth.logout()
    auth.login("req@minusca.example")
    html = page_html(client.get("/dashboard/requests"))
    assert "Elections adviser" in html and "Court adviser" not in html


# ---- the counting method agrees with the rule, expert by expert ----------------------------


def test_deployable_counts_agree_with_the_rule_on_a_random_roster(app, ghana, mission):
    """The dashboards count deployable experts set by set (see services/dashboard/_deployable);
    on a random roster whose dates sit on and around every request's two limits, each count
    equals the one deployability rule applied to every expert one by one."""
    import random

    from app.dashboards.figures._deployable import deployable_counts, due_of
    from app.models import Expert, ExpertiseRequest
    from app.suggestions import worker_index
    from matching import deployability

    rng = random.Random(6)
    starts = [date(2027, 3, 1), date(2027, 3, 15), date(2027, 1, 31)]
    requests = []
    for i in range(24):
        languages = dict(rng.sample([("en", "B2"), ("fr", rng.choice(["B1", "C1"])),
                                     ("ar", "B2"), ("en", "C1")], rng.randint(0, 2)))  # fmt: skip
        requests.append(
            make_request(
                mission, RequestStatus.OPEN, area=rng.choice(["justice", "security"]),
                languages=list(languages.items()), start_date=rng.choice(starts),
                duration_months=rng.choice([1, 2, 3, 12]), title=f"Request {i}",
            )
        )  # fmt: skip
    dues = [due_of(r) for r in requests]
    limits = sorted({d.start_by for d in dues} | {d.until for d in dues})
    for i in range(70):
        edge = rng.choice(limits)
        start = edge + timedelta(days=rng.choice([-40, -1, 0, 1]))
        until = rng.choice([None, start, edge, edge + timedelta(days=rng.choice([-1, 1, 20]))])
        if until is not None and until < start:
            until = start
        held = [
            ("en", rng.choice(["B1", "B2", "C2"])),
            ("fr", rng.choice(["B1", "C1"])),
            ("ar", "C1"),
        ]
        make_expert(
            ghana, full_name=f"Expert {i}", languages=rng.sample(held, rng.randint(0, 2)),
            areas=rng.sample(["justice", "security"], rng.randint(1, 2)),
            available_from=start, available_until=until,
        )  # fmt: skip
    profiles, _ = worker_index.load_profiles()
    counts = deployable_counts(dues)
    for request in requests:
        profile = worker_index.request_profile(request)
        expected = sum(
            1
            for p in profiles
            if request.area_code in p.areas and deployability(p, profile).deployable
        )
        assert counts[request.id] == expected, request.title
    assert any(counts.values()) and not all(counts.values())
    assert (
        db.session.query(Expert).count() == 70 and db.session.query(ExpertiseRequest).count() == 24
    )


def test_a_request_whose_last_ranking_held_no_strong_match_is_a_gap(world, client, auth):
    """r3 has deployable experts enough; ranked with no strong match among them it is a gap,
    a filtered ranking does not count, and a later ranking with a strong match ends the gap."""
    r3 = world["requests"]["r3"]

    def ranked(strong: int | None, filters: dict | None = None) -> None:
        db.session.add(
            SuggestionRun(
                request_id=r3.id, matcher_version="test", parameters={}, filters=filters or {},
                roster_size=10, deployable_count=5, strong_deployable=strong,
            )
        )  # fmt: skip
        db.session.commit()

    def gap_rows() -> dict[str, list[str]]:
        return {row[0]: row for row in read_csv(client.get("/dashboard/gaps.csv"))[1:]}

    auth.login("hr1@un.example")
    assert str(r3.id) not in gap_rows()
    ranked(0)
    assert gap_rows()[str(r3.id)][8] == "0"
    html = client.get("/dashboard").get_data(as_text=True)
    assert f'href="/dashboard/gaps/{r3.id}"' in html
    ranked(None, {"genders": ["female"]})  # a filtered view: not the whole roster
    assert gap_rows()[str(r3.id)][8] == "0"
    ranked(2)
    assert str(r3.id) not in gap_rows()
