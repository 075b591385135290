"""``civcap bench-dashboard``: generated data in a database, every dashboard query timed."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sized
from dataclasses import dataclass
from datetime import date
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.common.transaction import transaction
from app.extensions import db
from app.models import Candidate, Expert, ExpertiseRequest, Organisation, OrganisationKind


@dataclass
class Timing:
    query: str
    median_ms: float
    max_ms: float
    rows: int
    error: str | None = None  # the query failed: what it raised


def _rows(result: Any) -> int:
    """Rows a query function returned: its length, or 1 for a single summary object."""
    return len(result) if isinstance(result, Sized) and not isinstance(result, str) else 1


def _time(name: str, query: Callable[[], Any], runs: int) -> Timing:
    seconds, result = [], None
    for _ in range(runs):
        db.session.expire_all()  # every run reads the database, not objects of the last one
        started = time.perf_counter()
        try:
            result = query()
        except Exception as exc:  # one failing query must not hide the others
            db.session.rollback()
            return Timing(name, 0.0, 0.0, 0, error=f"{type(exc).__name__}: {exc}"[:300])
        seconds.append(time.perf_counter() - started)
        db.session.rollback()  # end the read transaction, as a web request would
    return Timing(name, statistics.median(seconds) * 1000, max(seconds) * 1000, _rows(result))


def _biggest(column: sa.ColumnElement[int], kind: OrganisationKind) -> int | None:
    """The organisation of ``kind`` with the most rows grouped by ``column`` (the worst case)."""
    return db.session.scalar(
        sa.select(column)
        .join(Organisation, Organisation.id == column)
        .where(Organisation.kind == kind)
        .group_by(column)
        .order_by(sa.func.count().desc(), column)
        .limit(1)
    )


def _queries() -> list[tuple[str, Callable[[], Any]]]:
    """The dashboard's query functions, as each page calls them with no filter set.

    Imported here, not at the top: the command exists before (and without) the dashboards.
    """
    from app.dashboards.figures import funnel, gaps, member_state, requester, supply, timing
    from app.dashboards.figures.filters import DashboardFilters

    f = DashboardFilters()
    today = date.today()
    member = _biggest(Expert.organisation_id, OrganisationKind.MEMBER_STATE)
    mission = _biggest(ExpertiseRequest.organisation_id, OrganisationKind.MISSION)

    try:  # the first gap request, found before its outreach list is timed
        found = gaps.gap_requests(f)
        first_gap, problem = (found[0].request_id if found else None), None
    except Exception as exc:  # reported with gaps.gap_requests' own timing
        first_gap, problem = None, exc
    db.session.rollback()

    def outreach() -> Any:
        if problem is not None:
            raise RuntimeError("no gap request to look at: gaps.gap_requests failed")
        if first_gap is None:
            return []
        return gaps.outreach(db.session.get(ExpertiseRequest, first_gap))

    return [
        ("supply.by_area(f)", lambda: supply.by_area(f)),
        ("supply.by_language(f)", lambda: supply.by_language(f)),
        ("gaps.gap_requests(f)", lambda: gaps.gap_requests(f)),
        ("gaps.outreach(first gap)", outreach),
        ("funnel.stages(f)", lambda: funnel.stages(f)),
        ("timing.by_area_month(f)", lambda: timing.by_area_month(f)),
        ("member_state.overview(org, today)", lambda: member_state.overview(member, today)),
        ("requester.progress(org)", lambda: requester.progress(mission)),
    ]


def _analyze() -> float:
    """Refresh the planner's statistics after a bulk load, as autovacuum would in time."""
    started = time.perf_counter()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.execute(sa.text("ANALYZE"))
            connection.commit()
    else:
        with transaction():
            db.session.execute(sa.text("ANALYZE"))
    return time.perf_counter() - started


def _count(model: type) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


@click.command("bench-dashboard")
@click.option("--experts", "n_experts", type=click.IntRange(min=1), required=True,
              help="Experts to generate.")  # fmt: skip
@click.option("--requests", "n_requests", type=click.IntRange(min=1), required=True,
              help="Requests to generate.")  # fmt: skip
@click.option("--candidates", "n_candidates", type=click.IntRange(min=0),
              help="Candidates to generate  [default: 3 per request]")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True,
              help="The same seed generates the same data (on the same day).")  # fmt: skip
@click.option("--runs", type=click.IntRange(min=1), default=5, show_default=True,
              help="Times each query is run.")  # fmt: skip
@click.option("--yes", "add", is_flag=True,
              help="Add the generated rows to a database that holds data already.")  # fmt: skip
@click.option("--no-generate", is_flag=True,
              help="Generate nothing: time the queries on the data already there.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@with_appcontext
def bench_dashboard(
    n_experts: int, n_requests: int, n_candidates: int | None, seed: int, runs: int, add: bool,
    no_generate: bool, as_json: bool,
) -> None:  # fmt: skip
    """Fill the CONFIGURED database with generated data, then time each dashboard query.

    Generated: member states, missions, logins, experts, requests with publications, and
    candidates with the audit events of each move (bulk inserts, one transaction). Refused in
    production, and on a database that holds data already unless --yes is given. Then each
    dashboard query function runs --runs times (no filter set); prints the median and the
    slowest run in milliseconds and the rows returned. Run it on PostgreSQL with
    DATABASE_URL=postgresql://... for the figures that matter.
    """
    # Imported here: the rest of the ``civcap`` command never depends on the dashboards.
    from app.devtools.bench_data import generate as bench

    if current_app.config["CIVCAP_ENV"] == "production":
        click.echo(f"civcap: {bench.refusal(True)}", err=True)
        raise SystemExit(1)
    figures: dict[str, Any] = {"database": db.engine.dialect.name}
    if not no_generate:
        candidates = n_requests * 3 if n_candidates is None else n_candidates
        started = time.perf_counter()
        try:
            made = bench.generate(n_experts, n_requests, candidates, seed, allow_existing=add)
        except bench.BenchRefused as exc:
            click.echo(f"civcap: {exc}", err=True)
            raise SystemExit(1) from exc
        figures["generation_s"] = time.perf_counter() - started
        figures["generated"] = made.as_json()
        figures["analyze_s"] = _analyze()
    figures["experts"], figures["requests"] = _count(Expert), _count(ExpertiseRequest)
    figures["candidates"] = _count(Candidate)
    try:
        queries = _queries()
    except ImportError as exc:
        figures["error"] = f"the dashboard queries cannot be imported yet ({exc})"
        _report(figures, [], as_json)
        raise SystemExit(1) from exc
    timings = [_time(name, query, runs) for name, query in queries]
    figures["runs"] = runs
    _report(figures, timings, as_json)
    failed = [t.query for t in timings if t.error]
    if failed:
        click.echo(
            f"civcap: {len(failed)} dashboard query(ies) failed: {', '.join(failed)}", err=True
        )
        raise SystemExit(1)


def _report(figures: dict[str, Any], timings: list[Timing], as_json: bool) -> None:
    timed = [t for t in timings if not t.error]
    slowest = max(timed, key=lambda t: t.median_ms) if timed else None
    if as_json:
        figures["queries"] = [t.__dict__ for t in timings]
        figures["slowest"] = slowest.query if slowest else None
        click.echo(json.dumps(figures))
        return
    click.echo(
        f"Dashboard bench on {figures['database']}: {figures['experts']:,} experts, "
        f"{figures['requests']:,} requests, {figures['candidates']:,} candidates"
    )
    if "generation_s" in figures:
        made = figures["generated"]
        click.echo(
            f"Generated in {figures['generation_s']:.1f} s ({made['audit_events']:,} audit "
            f"events, {made['publications']:,} publications); ANALYZE {figures['analyze_s']:.1f} s"
        )
    if "error" in figures:
        click.echo(f"civcap: {figures['error']}; only the generation was measured.", err=True)
        return
    width = max(len(t.query) for t in timings)
    click.echo(f"\n{'query'.ljust(width)}  {'median ms':>10}  {'max ms':>10}  {'rows':>7}")
    for t in timings:
        if t.error:
            click.echo(f"{t.query.ljust(width)}  FAILED: {t.error}")
        else:
            click.echo(
                f"{t.query.ljust(width)}  {t.median_ms:10.1f}  {t.max_ms:10.1f}  {t.rows:7,}"
            )
    if slowest:
        click.echo(
            f"\nslowest: {slowest.query}, {slowest.median_ms:.1f} ms median "
            f"({figures['runs']} runs)"
        )
