"""Generated experts: member states' rosters as the dashboards see them.

Experts come from real member states (a few big contributors, many small), mostly of that
nationality; a gender mix; one to three core areas; their own language at C2 and others at
CEFR levels; modalities; availability windows, some past, some open-ended; consent for nearly
all; availability confirmed over the last year (nearly half of it stale); a few unavailable,
withdrawn or (withdrawn over a year ago) erased. Women and global-South nationals are a little
less likely to go on after release (``Roster.odds``): a drop for the funnel to show.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.common.reference import CEFR_LEVELS, MODALITIES, countries
from app.devtools.bench_data import days, insert, trail
from app.extensions import db
from app.models import AuditEvent, Expert, ExpertLanguage, ExpertStatus
from app.models.expert import ExpertModality, expert_areas

# Member states, interleaving global North and South, with the language most experts speak.
STATES = (
    "GH en, FR fr, IN hi, SE sv, BR pt, DE de, SN fr, CA en, KE sw, NO no, ID id, GB en, NG en, "
    "NL nl, BD bn, IE en, EG ar, JP ja, RW rw, AU en, PK ur, IT it, ET am, FI fi, MX es, ES es, "
    "NP ne, DK da, ZA en, NZ en, CO es, PT pt, UG en, KR ko, JO ar, CH de, TN ar, AT de, PH tl, "
    "BE fr, CM fr, UY es, TZ sw, AR es, BF fr, CL es, ZM en, MA ar, FJ en, CN zh"
)
TITLES = {
    "security": ("security sector reform adviser", "police adviser", "DDR officer",
                 "border management specialist"),
    "justice": ("court administrator", "corrections officer", "rule of law adviser",
                "legislative drafter"),
    "core_government": ("public finance adviser", "civil service reform specialist",
                        "local governance adviser", "aid coordination officer"),
    "political_processes": ("electoral adviser", "mediation specialist",
                            "constitutional adviser", "political affairs officer"),
    "economic_revitalization": ("natural resources adviser", "employment programme specialist",
                                "private sector development adviser", "infrastructure planner"),
}  # fmt: skip
FIRST = {
    "female": ("Amina", "Grace", "Fatou", "Priya", "Sofia", "Akosua", "Mariam", "Ingrid", "Lucia",
               "Mei", "Aisha", "Nadia", "Claire", "Yuki", "Elena", "Zainab", "Ana", "Hanna"),
    "male": ("Kwame", "Lucas", "Omar", "Rahul", "Jonas", "Mamadou", "Diego", "Kenji", "Ahmed",
             "Pierre", "Tomas", "Samuel", "Ivan", "Joao", "Erik", "Bilal", "Daniel", "Chen"),
}  # fmt: skip
LAST = ("Mensah", "Sarr", "Diallo", "Okafor", "Kariuki", "Raman", "Khan", "Silva", "Moreau",
        "Schmidt", "Larsen", "Tanaka", "Kim", "Haddad", "Mwangi", "Nguyen", "Garcia", "Lopez",
        "Hansen", "Murphy", "Rossi", "Bekele", "Uwase", "Santos", "Cohen", "Ali", "Banda",
        "Mahmoud", "Costa", "Virtanen")  # fmt: skip
OTHER_LANGUAGES = (("en", 0.85), ("fr", 0.3), ("es", 0.12), ("ar", 0.08), ("ru", 0.04),
                   ("pt", 0.05), ("zh", 0.02))  # fmt: skip
LEVEL_WEIGHTS = (3, 6, 14, 28, 32, 17)  # A1 … C2 of a language learnt, not native
# Languages of the countries missions serve, which few experts from elsewhere speak.
LOCAL_LANGUAGES = ("sg", "ln", "bm", "ps", "so", "ht")
LOCAL_SHARE = 0.0015
WOMEN_ODDS, SOUTH_ODDS = 0.85, 0.9

State = tuple[int, str, str]  # member state id, country, the language most experts speak
Drawn = tuple[dict[str, Any], list[str], dict[str, str]]  # an expert's row, areas, languages


def member_states(n_experts: int) -> list[tuple[str, str]]:
    """(country, language) of the member states for a roster of ``n_experts``: 4 to 50."""
    states = [tuple(pair.split()) for pair in STATES.split(", ")]
    return [(c, lang) for c, lang in states[: max(4, min(len(states), n_experts // 200))]]


@dataclass
class Roster:
    everyone: list[int]  # every generated expert
    organisation: dict[int, int] = field(default_factory=dict)  # expert -> member state
    pools: dict[str, list[int]] = field(default_factory=dict)  # area -> whom HR could suggest
    # Odds of going on after release, relative to others: below 1 for women and global-South
    # nationals, so the funnel shows the kind of drop it is there to reveal.
    odds: dict[int, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows added


def _expert(rng: random.Random, i: int, state: State, others: list[str], areas: list[str],
            now: datetime) -> Drawn:  # fmt: skip
    org, country, native = state
    gender = rng.choices(("female", "male", "other", "undisclosed"), (42, 52, 1, 5))[0]
    first = rng.choice(FIRST[gender if gender in FIRST else rng.choice(("female", "male"))])
    own = rng.sample(areas, rng.choices((1, 2, 3), (55, 35, 10))[0])
    languages = {native: "C2"}
    for code, share in OTHER_LANGUAGES:
        if code not in languages and rng.random() < share:
            languages[code] = rng.choices(CEFR_LEVELS, LEVEL_WEIGHTS)[0]
    if rng.random() < LOCAL_SHARE:
        languages.setdefault(
            rng.choice(LOCAL_LANGUAGES), rng.choices(CEFR_LEVELS, LEVEL_WEIGHTS)[0]
        )
    confirmed = now - (days(rng, 0, 90) if rng.random() < 0.55 else days(rng, 90, 365))
    created = confirmed - days(rng, 0, 700)
    start = (now + days(rng, -300, 200)).date()
    until = None if rng.random() < 0.45 else start + days(rng, 60, 720)
    status = rng.choices(list(ExpertStatus)[:3], (88, 6, 6))[0]  # active, unavailable, withdrawn
    withdrawn = confirmed + days(rng, 0, 60) if status is ExpertStatus.WITHDRAWN else None
    erased = withdrawn is not None and withdrawn < now - timedelta(days=365)
    row = {
        "organisation_id": org, "gender": gender,
        "full_name": f"[erased {i}]" if erased else f"{first} {rng.choice(LAST)}",
        "email": None if erased else f"expert{i}@bench.example.org",
        "nationality": country if rng.random() < 0.92 else rng.choice(others),
        "birth_year": rng.randint(1955, 1998),
        "title": rng.choice(TITLES.get(own[0], ("adviser",))),
        "summary": "Generated for the dashboard bench.", "years_experience": rng.randint(2, 30),
        "available_from": start, "available_until": until,
        "consent_given_at": created if rng.random() < 0.96 else None, "consent_version": "1",
        "status": status, "availability_confirmed_at": confirmed, "withdrawn_at": withdrawn,
        "erased_at": now if erased else None, "created_at": created, "updated_at": confirmed,
    }  # fmt: skip
    return row, own, languages


def experts(
    rng: random.Random, n: int, states: list[State], areas: list[str], now: datetime
) -> Roster:
    """Add ``n`` experts with their areas, languages, modalities and audit events."""
    base = db.session.scalar(sa.select(sa.func.max(Expert.id))) or 0
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(states))]  # a few big contributors
    others = [country for _, country, _ in states]
    drawn = rng.choices(states, weights, k=n)
    made = [_expert(rng, base + i, s, others, areas, now) for i, s in enumerate(drawn, start=1)]
    ids = insert(Expert.__table__, [row for row, _, _ in made], ids=True)
    roster = Roster(ids, pools={area: [] for area in areas})
    area_rows, language_rows, modality_rows, events = [], [], [], []
    known = countries()
    for expert_id, (row, own, languages) in zip(ids, made, strict=True):
        roster.organisation[expert_id] = row["organisation_id"]
        events += trail.of_expert(expert_id, row)
        south = known[row["nationality"]].global_south
        odds = (WOMEN_ODDS if row["gender"] == "female" else 1.0) * (SOUTH_ODDS if south else 1.0)
        if odds != 1.0:
            roster.odds[expert_id] = odds
        suggestible = row["status"] is ExpertStatus.ACTIVE and row["consent_given_at"]
        for area in own:
            area_rows.append({"expert_id": expert_id, "area_code": area})
            if suggestible:
                roster.pools[area].append(expert_id)
        language_rows += [
            {"expert_id": expert_id, "code": code, "level": level}
            for code, level in languages.items()
        ]
        modality_rows += [
            {"expert_id": expert_id, "modality": modality}
            for modality in rng.sample(list(MODALITIES), rng.randint(1, 3))
        ]
    insert(expert_areas, area_rows)
    insert(ExpertLanguage.__table__, language_rows)
    insert(ExpertModality.__table__, modality_rows)
    insert(AuditEvent.__table__, events)
    roster.rows = {
        "expert_areas": len(area_rows),
        "expert_languages": len(language_rows),
        "expert_modalities": len(modality_rows),
        "expert_events": len(events),
    }
    return roster
