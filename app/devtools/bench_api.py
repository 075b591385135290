"""``civcap bench-api``: the median latency of the roster upsert and of the suggestions read,
on a temporary database filled with a generated roster (10,000 experts by default).

The calls go in process through Flask's test client into the real WSGI app, each with a
personal access token (``Authorization: Bearer``): the figures are the server's own work
(routing, the token check and throttle count, the schema's validation, the services, the
database, the JSON answer), not the network, an HTTP server or a proxy in front.

1. ``PUT /api/v1/experts/by-external-id/<id>`` by the focal point of the member state with the
   most experts: half register new experts (fresh references, 201), half update existing ones
   of that member state (their version read first, untimed, and sent as ``If-Match``; 200).
2. ``GET /api/v1/requests/<id>/suggestions`` by an HR reviewer on submitted, open and selection
   requests: the first call builds the matching index (reported apart), the others cycle over
   a few requests. Each reading is saved as a suggestion run, as the page's are.

Every answer must have the status expected, or the bench stops and says what came back. It
refuses production, as ``bench-dashboard``'s generated data does.
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.accounts import tokens
from app.api import PREFIX
from app.common.reference import GENDERS, MODALITIES
from app.common.transaction import transaction
from app.devtools.bench_data import roster
from app.extensions import db
from app.models import (
    Expert,
    ExpertiseRequest,
    ExpertStatus,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from app.suggestions.ranking import MATCHABLE_STATUSES
from config import ConfigurationError

EXPERTS = f"{PREFIX}/experts/by-external-id"
NEW_PREFIX = "API-NEW-"  # the references of the experts the bench registers
OLD_PREFIX = "API-OLD-"  # those it gives to generated experts, to update them by reference
MARK = "Updated by the API bench."  # added to each updated expert's summary
# Far above what the bench sends: the throttle still counts every call, but refuses none.
RATE_LIMIT = "1000000 per second"
SUGGESTED_REQUESTS = 10  # the suggestions reads cycle over at most this many requests
SKILLS = (
    "case management", "legislative drafting", "public financial management", "mediation",
    "electoral administration", "community policing", "budget planning", "project management",
    "report writing", "training of trainers", "prison management", "land registration",
)  # fmt: skip
EXPERIENCE = ("LR", "SS", "CD", "ML", "HT", "SO", "AF", "CF")
# The fields of a record that the upsert takes back (ExpertInSchema's, bar consent).
WRITTEN = (
    "full_name", "email", "phone", "gender", "nationality", "birth_year", "title", "summary",
    "skills", "areas", "languages", "years_experience", "available_from", "available_until",
    "modalities", "countries_of_experience", "status",
)  # fmt: skip


@dataclass(frozen=True)
class Spread:
    """Latencies of one kind of call, in milliseconds."""

    median_ms: float
    p95_ms: float
    calls: int

    def as_json(self) -> dict[str, float | int]:
        return {"median_ms": round(self.median_ms, 2), "p95_ms": round(self.p95_ms, 2),
                "calls": self.calls}  # fmt: skip


def spread(values: list[float]) -> Spread:
    """Median and 95th percentile (inclusive method) of ``values`` (at least one)."""
    if len(values) == 1:
        return Spread(values[0], values[0], 1)
    p95 = statistics.quantiles(values, n=20, method="inclusive")[-1]
    return Spread(statistics.median(values), p95, len(values))


@dataclass(frozen=True)
class Figures:
    experts: int
    runs: int
    seed: int
    requests: int  # generated
    generation_s: float
    create: Spread
    update: Spread
    upsert: Spread  # create and update together
    created: int  # new experts found in the database afterwards
    updated: int  # existing experts found updated in the database afterwards
    first_ms: float  # the first suggestions read, which builds the matching index
    suggestions: Spread
    suggested_requests: int  # the requests the reads cycled over

    def as_json(self) -> dict[str, Any]:
        return {
            "experts": self.experts,
            "runs": self.runs,
            "seed": self.seed,
            "requests": self.requests,
            "generation_s": round(self.generation_s, 1),
            "upsert": {
                "create": self.create.as_json(),
                "update": self.update.as_json(),
                "all": self.upsert.as_json(),
                "created": self.created,
                "updated": self.updated,
            },
            "suggestions": {
                "first_ms": round(self.first_ms, 2),
                **self.suggestions.as_json(),
                "requests": self.suggested_requests,
            },
        }


@dataclass(frozen=True)
class Setup:
    """What the timed calls need, read from the generated data."""

    focal_token: str  # write token of the focal point of the biggest member state
    hr_token: str  # read token of an HR reviewer
    organisation_id: int
    country: str  # the member state's, the nationality of the experts registered
    to_update: list[str]  # references given to existing experts of that member state
    request_ids: list[int]  # matchable requests, for the suggestions reads
    requests: int
    generation_s: float


# ---- the app and its data ---------------------------------------------------------------------


def _app(url: str) -> Flask:
    """The app on the temporary database ``url``; refused in production."""
    overrides = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "API_RATE_LIMIT": RATE_LIMIT,
    }
    try:
        app = create_app(overrides)
    except ConfigurationError as exc:
        raise click.ClickException(f"configuration error: {exc}") from exc
    if app.config["CIVCAP_ENV"] == "production":
        raise click.ClickException(
            "bench-api fills a database with generated people; it runs only with "
            "CIVCAP_ENV=development or testing, never in production."
        )
    if app.config["SQLALCHEMY_DATABASE_URI"] != url:  # never touch the real roster
        raise click.ClickException("the benchmark app is not on its temporary database")
    return app


def _analyze() -> None:
    """The planner's statistics after the bulk load, as a live database has them."""
    with transaction():
        db.session.execute(sa.text("ANALYZE"))


def _biggest_member_state() -> int:
    organisation_id = db.session.scalar(
        sa.select(Expert.organisation_id)
        .join(Organisation, Organisation.id == Expert.organisation_id)
        .where(Organisation.kind == OrganisationKind.MEMBER_STATE)
        .group_by(Expert.organisation_id)
        .order_by(sa.func.count().desc(), Expert.organisation_id)
        .limit(1)
    )
    if organisation_id is None:
        raise click.ClickException("the generated data holds no member state with experts")
    return int(organisation_id)


def _user(role: Role, organisation_id: int | None = None) -> User:
    """The first active generated login of ``role`` (of ``organisation_id`` if given)."""
    query = sa.select(User).where(User.role == role, User.active.is_(True))
    if organisation_id is not None:
        query = query.where(User.organisation_id == organisation_id)
    user = db.session.scalars(query.order_by(User.id).limit(1)).first()
    if user is None:
        raise click.ClickException(f"the generated data holds no {role.value} login")
    return user


@transaction("bench references")
def _give_references(organisation_id: int, n: int) -> list[str]:
    """Give ``n`` active experts of the member state a reference, as a national roster's sync
    would know them by; returns the references."""
    ids = list(
        db.session.scalars(
            sa.select(Expert.id)
            .where(
                Expert.organisation_id == organisation_id,
                Expert.status == ExpertStatus.ACTIVE,
                Expert.erased_at.is_(None),
                Expert.merged_into_id.is_(None),
            )
            .order_by(Expert.id)
            .limit(n)
        )
    )
    if len(ids) < n:
        raise click.ClickException(
            f"the biggest member state has {len(ids)} active experts, fewer than the {n} "
            "updates asked: use fewer --runs or more --experts"
        )
    for expert_id in ids:
        db.session.execute(
            sa.update(Expert)
            .where(Expert.id == expert_id)
            .values(external_id=f"{OLD_PREFIX}{expert_id}")
        )
    return [f"{OLD_PREFIX}{expert_id}" for expert_id in ids]


def _matchable_requests() -> list[int]:
    ids = list(
        db.session.scalars(
            sa.select(ExpertiseRequest.id)
            .where(ExpertiseRequest.status.in_(sorted(MATCHABLE_STATUSES)))
            .order_by(ExpertiseRequest.id)
            .limit(SUGGESTED_REQUESTS)
        )
    )
    if not ids:
        raise click.ClickException("the generated data holds no submitted or open request")
    return ids


def _prepare(app: Flask, n_experts: int, n_updates: int, seed: int) -> Setup:
    """Migrate, generate, and pick the callers, the experts to update and the requests."""
    from app.devtools.bench_data import generate as bench

    n_requests = max(50, n_experts // 100)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        try:
            bench.generate(n_experts, n_requests, n_requests * 3, seed)
        except bench.BenchRefused as exc:
            raise click.ClickException(str(exc)) from exc
        _analyze()
        generation_s = time.perf_counter() - started
        organisation_id = _biggest_member_state()
        organisation = db.session.get(Organisation, organisation_id)
        assert organisation is not None and organisation.country
        focal = _user(Role.FOCAL_POINT, organisation_id)
        hr = _user(Role.HR_REVIEWER)
        setup = Setup(
            focal_token=tokens.create(focal, "bench-api upserts", "write", 1).secret,
            hr_token=tokens.create(hr, "bench-api suggestions", "read", 1).secret,
            organisation_id=organisation_id,
            country=organisation.country,
            to_update=_give_references(organisation_id, n_updates),
            request_ids=_matchable_requests(),
            requests=n_requests,
            generation_s=generation_s,
        )
        db.session.remove()
    return setup


# ---- the timed calls --------------------------------------------------------------------------


def _call(
    client: FlaskClient,
    method: str,
    path: str,
    token: str,
    expect: int,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[float, Any, dict[str, str]]:
    """One API call as a program makes it: milliseconds, the JSON answer and its headers.

    Made outside any app context, so that each call starts afresh, as on a server. A status
    other than ``expect`` stops the bench with the answer."""
    sent = {"Authorization": f"Bearer {token}", **(headers or {})}
    started = time.perf_counter()
    response = client.open(path, method=method, json=body, headers=sent)
    data = response.get_data()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != expect:
        raise click.ClickException(
            f"{method} {path} answered {response.status_code} (expected {expect}): "
            f"{data.decode(errors='replace')[:1000]}"
        )
    return elapsed, response.get_json(silent=True), dict(response.headers)


def _new_expert(rng: random.Random, country: str) -> dict[str, Any]:
    """A new expert of the member state, as a national roster sends them."""
    area = rng.choice(sorted(roster.TITLES))
    title = rng.choice(roster.TITLES[area])
    gender = rng.choice(sorted(GENDERS))
    first = rng.choice(roster.FIRST["female" if gender == "female" else "male"])
    years = rng.randint(3, 25)
    start = date.today() + timedelta(days=rng.randint(0, 120))
    languages = [{"code": "en", "level": rng.choice(("B2", "C1", "C2"))}]
    if rng.random() < 0.4:
        languages.append({"code": "fr", "level": rng.choice(("B1", "B2", "C1"))})
    return {
        "full_name": f"{first} {rng.choice(roster.LAST)}",
        "email": f"api-bench-{rng.getrandbits(40):x}@bench.example.org",
        "gender": gender,
        "nationality": country,
        "birth_year": rng.randint(1960, 1995),
        "title": title.capitalize(),
        "summary": f"{title.capitalize()} with {years} years of experience.",
        "skills": rng.sample(SKILLS, rng.randint(2, 4)),
        "areas": [area],
        "languages": languages,
        "years_experience": years,
        "available_from": start.isoformat(),
        "available_until": (start + timedelta(days=rng.randint(180, 720))).isoformat(),
        "modalities": rng.sample(sorted(MODALITIES), rng.randint(1, 2)),
        "countries_of_experience": rng.sample(EXPERIENCE, rng.randint(0, 3)),
        "consent": True,
    }


def _changed(record: dict[str, Any], n: int) -> dict[str, Any]:
    """The record as read, sent back with a changed summary and years of experience."""
    body = {name: record[name] for name in WRITTEN if name in record}
    body["summary"] = f"{record['summary']} {MARK} ({n})".strip()
    body["years_experience"] = min(70, int(record["years_experience"]) + 1)
    body["consent"] = True
    return body


def _upserts(
    client: FlaskClient, setup: Setup, n_creates: int, seed: int
) -> tuple[list[float], list[float]]:
    """Registrations and updates by reference, interleaved: their milliseconds."""
    rng = random.Random(seed)  # noqa: S311 - reproducible bodies, not secrets
    created: list[float] = []
    updated: list[float] = []
    to_update = list(setup.to_update)
    for n in range(n_creates + len(to_update)):
        if to_update and (n % 2 == 0 or len(created) == n_creates):
            reference = to_update.pop(0)
            path = f"{EXPERTS}/{reference}"
            _ms, record, headers = _call(client, "GET", path, setup.focal_token, 200)
            elapsed, _, _ = _call(client, "PUT", path, setup.focal_token, 200,
                                  _changed(record, n), {"If-Match": headers["ETag"]})  # fmt: skip
            updated.append(elapsed)
        else:
            path = f"{EXPERTS}/{NEW_PREFIX}{seed}-{len(created) + 1:06d}"
            body = _new_expert(rng, setup.country)
            elapsed, _, _ = _call(client, "PUT", path, setup.focal_token, 201, body)
            created.append(elapsed)
    return created, updated


def _suggestions(client: FlaskClient, setup: Setup, runs: int) -> tuple[float, list[float]]:
    """The first read (it builds the index), then ``runs`` reads over the requests."""

    def read(request_id: int) -> float:
        path = f"{PREFIX}/requests/{request_id}/suggestions"
        return _call(client, "GET", path, setup.hr_token, 200)[0]

    first = read(setup.request_ids[0])
    ids = setup.request_ids
    return first, [read(ids[n % len(ids)]) for n in range(runs)]


def _landed(app: Flask, setup: Setup) -> tuple[int, int]:
    """The new experts and the updated ones, as the database holds them afterwards."""
    with app.app_context():
        mine = sa.select(sa.func.count()).where(Expert.organisation_id == setup.organisation_id)
        created = db.session.scalar(mine.where(Expert.external_id.like(f"{NEW_PREFIX}%")))
        updated = db.session.scalar(
            mine.where(Expert.external_id.in_(setup.to_update), Expert.summary.contains(MARK))
        )
        db.session.remove()
    return int(created or 0), int(updated or 0)


def run(n_experts: int, runs: int, seed: int = 0) -> Figures:
    """Generate ``n_experts`` on a temporary database, then time ``runs`` upserts (half new,
    half updates) and ``runs`` suggestions reads after the first."""
    n_updates = runs // 2
    with tempfile.TemporaryDirectory(prefix="civcap-bench-api-") as tmp:
        url = "sqlite:///" + str(Path(tmp) / "bench.sqlite3")
        app = _app(url)
        try:
            setup = _prepare(app, n_experts, n_updates, seed)
            client = app.test_client()
            created, updated = _upserts(client, setup, runs - n_updates, seed)
            first, reads = _suggestions(client, setup, runs)
            landed = _landed(app, setup)
        finally:
            with app.app_context():
                db.engine.dispose()
    if landed != (len(created), len(updated)):
        raise click.ClickException(
            f"the database holds {landed[0]} new and {landed[1]} updated experts after "
            f"{len(created)} registrations and {len(updated)} updates answered"
        )
    return Figures(
        experts=n_experts, runs=runs, seed=seed, requests=setup.requests,
        generation_s=setup.generation_s, create=spread(created), update=spread(updated),
        upsert=spread(created + updated), created=landed[0], updated=landed[1],
        first_ms=first, suggestions=spread(reads), suggested_requests=len(setup.request_ids),
    )  # fmt: skip


# ---- the report -------------------------------------------------------------------------------


def report(f: Figures) -> str:
    rows = [
        ("upsert: create (201)", f.create),
        ("upsert: update (200)", f.update),
        ("upsert: all", f.upsert),
        (f"suggestions ({f.suggested_requests} requests)", f.suggestions),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [
        f"API bench on SQLite: {f.experts:,} experts, {f.requests:,} requests "
        f"(generated in {f.generation_s:.1f} s, seed {f.seed})",
        "In process (Flask's test client into the WSGI app): the server's work only (routing, "
        "token, validation, services, database, JSON), no network.",
        "",
        f"{'call'.ljust(width)}  {'calls':>5}  {'median ms':>10}  {'p95 ms':>10}",
    ]
    lines += [
        f"{name.ljust(width)}  {s.calls:5}  {s.median_ms:10.1f}  {s.p95_ms:10.1f}"
        for name, s in rows
    ]
    lines += [
        "",
        f"PUT {EXPERTS}/<id>, found in the database afterwards: {f.created} registered, "
        f"{f.updated} updated.",
        f"GET {PREFIX}/requests/<id>/suggestions: the first call, which builds the matching "
        f"index, took {f.first_ms:,.0f} ms (not in the figures above).",
    ]
    return "\n".join(lines)


@click.command("bench-api")
@click.option("--experts", "n_experts", type=click.IntRange(min=1), default=10_000,
              show_default=True, help="Experts to generate.")  # fmt: skip
@click.option("--runs", type=click.IntRange(min=2), default=200, show_default=True,
              help="Upserts (half new, half updates), and suggestions reads.")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True,
              help="The same seed generates the same data (on the same day).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def bench_api(n_experts: int, runs: int, seed: int, as_json: bool) -> None:
    """Time the roster upsert and the suggestions read through the API, on a temporary
    database with generated experts. In process (Flask's test client): the server's work,
    not the network."""
    figures = run(n_experts, runs, seed)
    click.echo(json.dumps(figures.as_json()) if as_json else report(figures))
