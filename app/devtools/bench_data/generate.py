"""Generated data for ``civcap bench-dashboard``: a roster, requests and shortlists at scale.

``generate`` fills the configured database with rows shaped like a live roster: real member
states (region and global South follow from the country), missions with requesters, HR
reviewers, experts (``bench_data.roster``), requests over two years with their languages and
publications (``bench_data.requests``), and candidates who went some way along the workflow,
each move an audit event ``candidate.<state>`` at a plausible time (``bench_data.shortlists``).

Rows go in by bulk Core inserts, a chunk at a time, in one transaction: all or nothing. It
refuses production, and a database holding data already unless asked to add to it.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import generate_password_hash

from app.accounts import organisations
from app.common.transaction import transaction
from app.devtools.bench_data import insert, roster, shortlists
from app.devtools.bench_data import requests as requests_data
from app.devtools.demo import UN_HR
from app.extensions import db
from app.models import (
    AuditEvent,
    Candidate,
    CoreArea,
    Expert,
    ExpertiseRequest,
    Organisation,
    OrganisationKind,
    Role,
    User,
)

HR_REVIEWERS = 6
REQUESTERS_PER_MISSION = 2


class BenchRefused(Exception):
    """The bench does not run here (production, or data that is not its own)."""


@dataclass
class Generated:
    """How many rows of each kind were added."""

    organisations: int = 0
    users: int = 0
    experts: int = 0
    requests: int = 0
    publications: int = 0
    candidates: int = 0
    audit_events: int = 0
    other: dict[str, int] = field(default_factory=dict)  # areas, languages, modalities

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def is_empty() -> bool:
    """True when no organisation, login, expert, request or candidate exists yet."""
    models = (Organisation, User, Expert, ExpertiseRequest, Candidate)
    return not any(
        db.session.scalar(sa.select(sa.literal(1)).select_from(m).limit(1)) for m in models
    )


def refusal(allow_existing: bool) -> str | None:
    """Why the bench must not fill this database, or None."""
    if current_app.config["CIVCAP_ENV"] == "production":
        return (
            "the bench fills the database with generated people; it runs only with "
            "CIVCAP_ENV=development or testing, never in production."
        )
    if not allow_existing and not is_empty():
        return (
            "the database holds data already; the bench needs an empty database "
            "(run `civcap db upgrade` on a new one), or --yes to add its rows to this one."
        )
    return None


@transaction("generated data")
def generate(
    n_experts: int, n_requests: int, n_candidates: int, seed: int = 0, allow_existing: bool = False
) -> Generated:
    """Add ``n_experts`` experts, ``n_requests`` requests and ``n_candidates`` candidates.

    Raises BenchRefused (and adds nothing) in production, on a database holding data unless
    ``allow_existing``, or when the candidates cannot all be different experts per request.
    """
    problem = refusal(allow_existing)
    if problem:
        raise BenchRefused(problem)
    rng = random.Random(seed)  # noqa: S311 - reproducible generated data, not secrets
    now = datetime.now(UTC).replace(microsecond=0)
    areas = list(db.session.scalars(sa.select(CoreArea.code).order_by(CoreArea.position)))
    made = Generated()
    states, missions, hr_org = _organisations(n_experts, n_requests, made)
    logins = _users(states, missions, hr_org, made)
    experts = roster.experts(rng, n_experts, states, areas, now)
    askers = [(org, country, logins.requesters[org]) for org, country in missions]
    requests, request_rows = requests_data.requests(rng, n_requests, askers, areas, now)
    hr_ids = [user_id for user_id, _ in logins.hr]
    state_ids = [org for org, _, _ in states]
    made.publications, published = requests_data.publications(rng, requests, state_ids, hr_ids, now)
    plan = shortlists.Plan(rng, now, experts, logins.hr, logins.focal_points)
    try:
        candidates, events = plan.shortlists(requests, n_candidates)
    except ValueError as exc:
        raise BenchRefused(str(exc)) from exc
    ids = insert(Candidate.__table__, candidates, ids=True)
    insert(AuditEvent.__table__, shortlists.with_candidate_ids(events, ids))
    made.experts, made.requests = len(experts.everyone), len(requests)
    made.other = experts.rows | request_rows | {"publication_events": published}
    made.candidates = len(ids)
    made.audit_events = len(events) + sum(n for k, n in made.other.items() if k.endswith("events"))
    return made


# ---- organisations and logins ----------------------------------------------------------------


def _organisation(name: str, kind: OrganisationKind, country: str | None) -> Organisation:
    """The organisation of that name if it exists (adding to a database), else a new one."""
    existing = organisations.by_name(name)
    return existing or organisations.new_organisation(name, kind, country)


def _organisations(
    n_experts: int, n_requests: int, made: Generated
) -> tuple[list[roster.State], list[tuple[int, str]], int]:
    """Member states (id, country, language), missions (id, country) and UN HR's id."""
    codes = roster.member_states(n_experts)
    names = requests_data.missions(n_requests)
    state_orgs = [
        _organisation(f"Government of {c}", OrganisationKind.MEMBER_STATE, c) for c, _ in codes
    ]
    mission_orgs = [_organisation(n, OrganisationKind.MISSION, c) for n, c in names]
    hr_org = _organisation(UN_HR, OrganisationKind.UN_HR, None)
    db.session.flush()
    made.organisations = len(state_orgs) + len(mission_orgs) + 1
    states = [(o.id, c, lang) for o, (c, lang) in zip(state_orgs, codes, strict=True)]
    missions = [(o.id, c) for o, (_, c) in zip(mission_orgs, names, strict=True)]
    return states, missions, hr_org.id


@dataclass
class Logins:
    hr: list[tuple[int, str]]  # (user id, email)
    focal_points: dict[int, tuple[int, str]]  # member state id -> (user id, email)
    requesters: dict[int, list[int]]  # mission id -> user ids


def _users(
    states: list[roster.State], missions: list[tuple[int, str]], hr_org: int, made: Generated
) -> Logins:
    """HR reviewers, a focal point per member state, requesters per mission."""
    # One scrypt hash of a password nobody knows: these logins are for figures, not for use.
    password_hash = generate_password_hash(secrets.token_urlsafe(24))
    base = db.session.scalar(sa.select(sa.func.max(User.id))) or 0
    plan = [(Role.HR_REVIEWER, hr_org)] * HR_REVIEWERS
    plan += [(Role.FOCAL_POINT, org) for org, _, _ in states]
    plan += [(Role.REQUESTER, org) for org, _ in missions for _ in range(REQUESTERS_PER_MISSION)]
    rows = [
        {"email": f"bench{base + i}.{role.value}@example.org", "role": role,
         "full_name": f"Bench {role.label} {base + i}", "organisation_id": org,
         "password_hash": password_hash, "active": True}
        for i, (role, org) in enumerate(plan, start=1)
    ]  # fmt: skip
    ids = insert(User.__table__, rows, ids=True)
    made.users = len(ids)
    logins = Logins([], {}, {})
    for user_id, row in zip(ids, rows, strict=True):
        if row["role"] is Role.HR_REVIEWER:
            logins.hr.append((user_id, row["email"]))
        elif row["role"] is Role.FOCAL_POINT:
            logins.focal_points[row["organisation_id"]] = (user_id, row["email"])
        else:
            logins.requesters.setdefault(row["organisation_id"], []).append(user_id)
    return logins
