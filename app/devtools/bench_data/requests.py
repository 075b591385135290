"""Generated requests over two years, their languages and their publications.

Most requests are history (filled, closed unfilled, cancelled: submitted four months to two
years ago), some open or in selection (submitted in the last months), a few drafts and just
submitted. Missions in French-speaking countries ask for French more often; one request in ten
needs a rarer language (Arabic, Russian, Portuguese, Chinese), and now and then a mission needs
its country's language (Sango, Lingala, Pashto…), which few experts hold: the dashboard's gaps.
Requests HR accepted are published to every member state (four in ten) or to a few.
"""

from __future__ import annotations

import random
from datetime import datetime

from app.common.reference import MODALITIES
from app.devtools.bench_data import days, insert, trail
from app.devtools.bench_data.roster import TITLES
from app.devtools.bench_data.shortlists import CLOSED, HAS_CANDIDATES, Req
from app.models import (
    AuditEvent,
    ExpertiseRequest,
    RequestLanguage,
    RequestPublication,
    RequestStatus,
)

# Missions and the country they serve.
MISSIONS = (
    "UNMISS SS, MINUSCA CF, MONUSCO CD, MINUSMA ML, UNIFIL LB, UNSOM SO, UNAMA AF, UNAMI IQ, "
    "UNSMIL LY, BINUH HT, UNVMC CO, UNFICYP CY, UNISFA SD, UNMHA YE"
)
FRANCOPHONE = {"CF", "CD", "ML", "HT", "LB"}
# The local language a mission now and then needs (few experts hold it: the hardest gaps).
LOCAL = {"CF": "sg", "CD": "ln", "ML": "bm", "AF": "ps", "SO": "so", "HT": "ht"}
# Shares of request statuses; what is left over is filled.
REQUEST_MIX = (
    (RequestStatus.DRAFT, 0.02), (RequestStatus.SUBMITTED, 0.03), (RequestStatus.OPEN, 0.18),
    (RequestStatus.SELECTION, 0.07), (RequestStatus.CLOSED_UNFILLED, 0.15),
    (RequestStatus.CANCELLED, 0.10),
)  # fmt: skip
# How long ago requests of each status were submitted (days); the rest are history.
SUBMITTED_DAYS_AGO = {
    RequestStatus.SUBMITTED: (0, 10), RequestStatus.OPEN: (5, 150),
    RequestStatus.SELECTION: (60, 200),
}  # fmt: skip
HISTORICAL_DAYS_AGO = (120, 730)


def missions(n_requests: int) -> list[tuple[str, str]]:
    """(name, country) of the missions asking for ``n_requests``: 2 to 14."""
    names = [tuple(pair.split()) for pair in MISSIONS.split(", ")]
    return [(n, c) for n, c in names[: max(2, min(len(names), n_requests // 50))]]


def _statuses(rng: random.Random, n: int) -> list[RequestStatus]:
    statuses = [status for status, share in REQUEST_MIX for _ in range(int(n * share))]
    statuses += [RequestStatus.FILLED] * (n - len(statuses))
    rng.shuffle(statuses)
    return statuses


def _languages(rng: random.Random, country: str) -> dict[str, str]:
    french = country in FRANCOPHONE and rng.random() < 0.7
    need = {"fr": rng.choice(("B2", "C1"))} if french else {}
    if not french or rng.random() < 0.6:
        need["en"] = rng.choice(("B2", "B2", "C1"))
    if rng.random() < 0.1:  # a rarer need: the gaps of the dashboard
        need[rng.choice(("ar", "ru", "pt", "zh"))] = rng.choice(("B2", "C1"))
    if country in LOCAL and rng.random() < 0.1:
        need[LOCAL[country]] = "B2"
    return need


def requests(
    rng: random.Random, n: int, askers: list[tuple[int, str, list[int]]], areas: list[str],
    now: datetime,
) -> tuple[list[Req], dict[str, int]]:  # fmt: skip
    """Add ``n`` requests of ``askers`` (mission id, country, requester ids) with their
    languages and audit events; returns the requests and the other rows added per kind."""
    rows, needs = [], []
    area_weights = [max(1, 30 - 5 * i) for i in range(len(areas))]  # the first areas ask more
    for status in _statuses(rng, n):
        org, country, requesters = rng.choice(askers)
        area = rng.choices(areas, area_weights)[0]
        ago = SUBMITTED_DAYS_AGO.get(status, HISTORICAL_DAYS_AGO)
        submitted = None if status is RequestStatus.DRAFT else now - days(rng, *ago)
        created = (submitted or now) - days(rng, 0, 10)
        rows.append({
            "organisation_id": org, "created_by_id": rng.choice(requesters),
            "title": rng.choice(TITLES.get(area, ("adviser",))), "area_code": area,
            "terms_of_reference": "Generated for the dashboard bench.",
            "min_years_experience": rng.choice((0, 3, 5, 5, 7, 10, 15)),
            "start_date": ((submitted or now) + days(rng, 45, 150)).date(),
            "duration_months": rng.choice((3, 6, 6, 12, 12, 24)), "country": country,
            "modality": rng.choice(list(MODALITIES)),
            "positions": rng.choices((1, 2, 3), (80, 15, 5))[0],
            "status": status, "submitted_at": submitted, "created_at": created,
            "updated_at": submitted or created,
            "closed_reason": "Generated: closed." if status in CLOSED else None,
        })  # fmt: skip
        needs.append(_languages(rng, country))
    ids = insert(ExpertiseRequest.__table__, rows, ids=True)
    language_rows = [
        {"request_id": request_id, "code": code, "min_level": level}
        for request_id, need in zip(ids, needs, strict=True)
        for code, level in need.items()
    ]
    insert(RequestLanguage.__table__, language_rows)
    events = [e for request_id, row in zip(ids, rows, strict=True)
              for e in trail.of_request(request_id, row)]  # fmt: skip
    insert(AuditEvent.__table__, events)
    made = [
        Req(request_id, row["status"], row["positions"], row["area_code"], row["submitted_at"],
            row["start_date"], row["duration_months"])
        for request_id, row in zip(ids, rows, strict=True)
    ]  # fmt: skip
    return made, {"request_languages": len(language_rows), "request_events": len(events)}


def publications(
    rng: random.Random, made: list[Req], state_ids: list[int], hr: list[int], now: datetime
) -> tuple[int, int]:
    """Publish the requests HR accepted; sets each one's ``published_at``. Returns the
    publications and the audit events added."""
    rows, events = [], []
    for request in made:
        if request.status not in HAS_CANDIDATES or request.submitted_at is None:
            continue
        reached = state_ids  # 40% to every member state, else to a few
        if rng.random() >= 0.4:
            low, high = min(2, len(state_ids)), min(10, len(state_ids))
            reached = rng.sample(state_ids, rng.randint(low, high))
        request.published_at = min(request.submitted_at + days(rng, 1, 5), now)
        by = rng.choice(hr)
        rows += [
            {"request_id": request.id, "organisation_id": org, "published_by_id": by,
             "published_at": request.published_at}
            for org in reached
        ]  # fmt: skip
        events += trail.of_publication(request.id, request.published_at, len(reached))
    insert(RequestPublication.__table__, rows)
    insert(AuditEvent.__table__, events)
    return len(rows), len(events)
