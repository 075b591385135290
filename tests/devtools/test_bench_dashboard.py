"""`civcap bench-dashboard`: the generated data (counts, consistency, refusals) and the timing
table. Runs on SQLite and PostgreSQL like every test taking ``app``."""

from __future__ import annotations

import json
import sys
from collections import defaultdict

import pytest
import sqlalchemy as sa

from app.candidates.workflow import TRANSITIONS
from app.cli import cli
from app.common.reference import CEFR_LEVELS
from app.devtools.bench_data import generate as bench
from app.extensions import db
from app.models import (
    AuditEvent,
    Candidate,
    CandidateState,
    Expert,
    ExpertiseRequest,
    ExpertLanguage,
    Organisation,
    OrganisationKind,
    RequestPublication,
    RequestStatus,
    User,
)
from app.models.expert import expert_areas
from tests.conftest import count
from tests.factories import make_organisation

SMALL = ["--experts", "300", "--requests", "60", "--candidates", "200", "--runs", "1"]
QUERIES = (
    "supply.by_area(f)",
    "supply.by_language(f)",
    "gaps.gap_requests(f)",
    "gaps.outreach(first gap)",
    "funnel.stages(f)",
    "timing.by_area_month(f)",
    "member_state.overview(org, today)",
    "requester.progress(org)",
)


def bench_cli(runner, *args: str):
    return runner.invoke(cli, ["bench-dashboard", *args])


@pytest.fixture
def generated(app) -> bench.Generated:
    return bench.generate(300, 60, 200, seed=7)


def test_generates_exactly_what_was_asked(generated):
    assert (count(Expert), count(ExpertiseRequest), count(Candidate)) == (300, 60, 200)
    assert (generated.experts, generated.requests, generated.candidates) == (300, 60, 200)
    assert generated.audit_events == count(AuditEvent) > 200
    assert generated.publications == count(RequestPublication) > 0
    assert generated.users == count(User)
    assert generated.organisations == count(Organisation)


def test_organisations_are_real_countries_north_and_south(generated):
    states = db.session.scalars(
        sa.select(Organisation).where(Organisation.kind == OrganisationKind.MEMBER_STATE)
    ).all()
    assert len(states) >= 4
    assert all(s.country and s.region for s in states)
    assert {s.global_south for s in states} == {True, False}
    assert {s.name for s in states} >= {"Government of GH", "Government of FR"}


def test_experts_are_complete_and_varied(generated):
    experts = db.session.scalars(sa.select(Expert)).all()
    assert all(e.areas and e.languages and e.modalities for e in experts)
    assert all(lang.level in CEFR_LEVELS for e in experts for lang in e.languages)
    assert {e.gender for e in experts} >= {"female", "male"}
    assert len({e.nationality for e in experts}) >= 4
    assert sum(e.consent_given_at is not None for e in experts) > 0.9 * len(experts)
    confirmed = [e.availability_confirmed_at for e in experts]
    assert all(c is not None for c in confirmed)
    newest = max(confirmed)
    ages = [(newest - c).days for c in confirmed]
    assert min(ages) < 30 and max(ages) > 200  # some fresh, some stale
    assert any(e.available_until is None for e in experts)
    assert any(e.available_until is not None for e in experts)


def test_requests_have_a_realistic_mix(generated):
    requests = db.session.scalars(sa.select(ExpertiseRequest)).all()
    statuses = {r.status for r in requests}
    assert {RequestStatus.OPEN, RequestStatus.SELECTION, RequestStatus.FILLED} <= statuses
    assert {RequestStatus.CLOSED_UNFILLED, RequestStatus.CANCELLED} <= statuses
    filled = sum(r.status is RequestStatus.FILLED for r in requests)
    assert filled > len(requests) / 3
    for request in requests:
        assert (request.submitted_at is None) == (request.status is RequestStatus.DRAFT)
        assert request.languages
        assert request.organisation.kind is OrganisationKind.MISSION
        assert request.created_by.organisation_id == request.organisation_id


def test_foreign_keys_hold(generated):
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(sa.text("PRAGMA foreign_key_check")).all() == []
    orphans = {
        "candidate expert": sa.select(Candidate.id).outerjoin(Expert).where(Expert.id.is_(None)),
        "candidate request": sa.select(Candidate.id)
        .outerjoin(ExpertiseRequest)
        .where(ExpertiseRequest.id.is_(None)),
        "event candidate": sa.select(AuditEvent.id)
        .outerjoin(Candidate, Candidate.id == AuditEvent.entity_id)
        .where(AuditEvent.entity_type == "candidate", Candidate.id.is_(None)),
        "area expert": sa.select(expert_areas.c.expert_id)
        .outerjoin(Expert, Expert.id == expert_areas.c.expert_id)
        .where(Expert.id.is_(None)),
        "language expert": sa.select(ExpertLanguage.expert_id)
        .outerjoin(Expert, Expert.id == ExpertLanguage.expert_id)
        .where(Expert.id.is_(None)),
    }
    for what, query in orphans.items():
        assert db.session.execute(query).all() == [], what


def test_candidates_walk_the_workflow_in_time(generated):
    events = defaultdict(list)
    moves = sa.select(AuditEvent).where(AuditEvent.entity_type == "candidate")
    for event in db.session.scalars(moves.order_by(AuditEvent.id)):
        assert event.action.startswith("candidate.")
        events[event.entity_id].append(event)
    candidates = db.session.scalars(sa.select(Candidate)).all()
    assert set(events) == {c.id for c in candidates}
    states = {c.state for c in candidates}
    assert {CandidateState.DISMISSED, CandidateState.SHORTLISTED} <= states
    assert states & {CandidateState.SELECTED, CandidateState.DEPLOYED, CandidateState.COMPLETED}
    for candidate in candidates:
        trail = events[candidate.id]
        first = "candidate.nominated" if candidate.nominated_by_id else "candidate.suggested"
        assert trail[0].action == first
        if candidate.nominated_by_id:
            assert candidate.nominated_by_id == candidate.expert.organisation_id
        # The current state is the last move, and every move is one the workflow allows.
        assert trail[-1].after["state"] == candidate.state.value
        for before, after in zip(trail, trail[1:], strict=False):
            to = CandidateState(after.after["state"])
            assert CandidateState(before.after["state"]) in TRANSITIONS[to][0], candidate.id
            assert after.action == f"candidate.{to.value}"
            assert after.at >= before.at
        submitted = candidate.request.submitted_at
        assert submitted is not None and trail[0].at >= submitted
        assert candidate.request.status is not RequestStatus.DRAFT


def test_the_audit_trail_holds_more_than_candidate_moves(generated):
    def events(action: str) -> dict[int, AuditEvent]:
        query = sa.select(AuditEvent).where(AuditEvent.action == action)
        return {e.entity_id: e for e in db.session.scalars(query)}

    registered = events("expert.registered")
    assert set(registered) == set(db.session.scalars(sa.select(Expert.id)))
    submitted = events("request.submitted")
    published = events("request.published")
    for request in db.session.scalars(sa.select(ExpertiseRequest)):
        if request.submitted_at is None:
            assert request.id not in submitted
            continue
        assert submitted[request.id].at == request.submitted_at
        if request.status in (RequestStatus.DRAFT, RequestStatus.SUBMITTED):
            assert request.id not in published
        else:
            assert published[request.id].at >= request.submitted_at
            assert published[request.id].after["member_states"] == count_where(
                RequestPublication, RequestPublication.request_id == request.id
            )


def count_where(model: type, condition: sa.ColumnElement[bool]) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(condition))


def test_filled_requests_select_no_more_than_their_positions(generated):
    taken = (CandidateState.SELECTED, CandidateState.DEPLOYED, CandidateState.COMPLETED)
    rows = db.session.execute(
        sa.select(ExpertiseRequest.status, ExpertiseRequest.positions, sa.func.count())
        .join(Candidate, Candidate.request_id == ExpertiseRequest.id)
        .where(Candidate.state.in_(taken))
        .group_by(ExpertiseRequest.id, ExpertiseRequest.status, ExpertiseRequest.positions)
    ).all()
    assert rows
    for status, positions, selected in rows:
        assert status is RequestStatus.FILLED and selected <= positions


def test_adds_to_a_database_only_when_asked(app, runner):
    make_organisation(OrganisationKind.MEMBER_STATE, name="Government of GH", country="GH")
    result = bench_cli(runner, *SMALL)
    assert result.exit_code == 1
    assert "holds data already" in result.output and "--yes" in result.output
    assert count(Expert) == 0
    with pytest.raises(bench.BenchRefused):
        bench.generate(10, 5, 5)
    made = bench.generate(40, 10, 20, allow_existing=True)
    assert (count(Expert), count(ExpertiseRequest), count(Candidate)) == (40, 10, 20)
    assert made.organisations == count(Organisation)  # the existing Ghana was reused


def test_refuses_production(app, runner):
    app.config["CIVCAP_ENV"] = "production"
    result = bench_cli(runner, *SMALL)
    assert result.exit_code == 1
    assert "never in production" in result.output
    with pytest.raises(bench.BenchRefused, match="production"):
        bench.generate(10, 5, 5)
    assert count(Organisation) == count(Expert) == 0


def test_more_candidates_than_experts_saves_nothing(app):
    with pytest.raises(bench.BenchRefused, match="different experts"):
        bench.generate(3, 1, 10)
    assert count(Organisation) == count(User) == count(Expert) == count(ExpertiseRequest) == 0


def test_without_the_dashboard_queries_it_says_so(app, runner, monkeypatch):
    import app.dashboards.figures as package

    # As if gaps.py were not written yet: importing it fails.
    monkeypatch.setitem(sys.modules, "app.dashboards.figures.gaps", None)
    monkeypatch.delattr(package, "gaps", raising=False)
    result = bench_cli(runner, *SMALL)
    assert result.exit_code == 1
    assert "dashboard queries cannot be imported" in result.output
    assert "only the generation was measured" in result.output
    assert "Generated in" in result.output
    assert count(Expert) == 300


def test_times_every_dashboard_query(app, runner):
    result = bench_cli(runner, *SMALL)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Dashboard bench on ")
    assert "300 experts, 60 requests, 200 candidates" in lines[0]
    for query in QUERIES:
        [line] = [line for line in lines if line.startswith(query + " ")]
        median, slowest, rows = line[len(query) :].split()
        assert float(median) <= float(slowest)
        assert int(rows.replace(",", "")) >= 0
    assert any(line.startswith("slowest: ") for line in lines)


def test_json_and_timing_again_without_generating(app, runner):
    bench.generate(300, 60, 200)
    result = bench_cli(runner, *SMALL, "--no-generate", "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert (figures["experts"], figures["requests"], figures["candidates"]) == (300, 60, 200)
    assert "generation_s" not in figures
    assert [q["query"] for q in figures["queries"]] == list(QUERIES)
    assert figures["slowest"] in QUERIES
