"""Gaps: requests in demand that the roster can hardly meet, and where to look for more.

- **Gap**: a request open or in selection with fewer than three deployable experts in its core
  area (none at all is the worst case), by the one deployability rule: every required language
  at or above its level, available from no later than 30 days after the start until the start
  plus min(duration, 3) months. With a region filter only that region's experts count. A request
  is also a gap when its latest ranking of the whole roster (a suggestion run, unfiltered) had
  no deployable suggestion in the *strong* relevance band, however many were deployable: the
  roster holds people who can go, but none who fits well.
- **Outreach list** of a request: the member states (and their regions) whose experts of the
  request's area come closest, and why the others miss: a required language below its level,
  dates outside the window, fewer years of experience than the request's minimum.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from app.common.reference import region_name
from app.dashboards.figures._common import in_demand, in_pool, word_list
from app.dashboards.figures._deployable import deployable_counts, due_dates, due_of, load_due
from app.dashboards.figures.filters import DashboardFilters, expert_in_region
from app.extensions import db
from app.models import CoreArea, Expert, ExpertiseRequest, ExpertLanguage, Organisation
from app.models.expert import expert_areas
from app.models.suggestion import SuggestionRun
from app.models.taxonomy import area_label

# A request with fewer deployable experts than this is a gap.
GAP_BELOW = 3
# The outreach list's region row of member states without a region (a key; shown translated).
NO_REGION = "(no region)"


@dataclass(frozen=True)
class Gap:
    request_id: int
    title: str
    organisation: str
    area_code: str
    area_name: str
    start_date: date
    submitted_at: datetime | None
    open_positions: int
    deployable: int
    # Strong deployable suggestions in the latest unfiltered ranking; None: not ranked yet.
    strong: int | None = None

    @property
    def area_label(self) -> str:
        """The core area in the reader's language."""
        return area_label(self.area_code, self.area_name)


def gap_requests(f: DashboardFilters) -> list[Gap]:
    """Requests in demand (filtered) with fewer than three deployable experts, or no strong
    match when last ranked: fewest deployable first, then the earliest start."""
    demand = in_demand(f)
    rows = db.session.execute(
        sa.select(
            ExpertiseRequest.id, ExpertiseRequest.title,
            Organisation.name.label("organisation"), ExpertiseRequest.area_code,
            CoreArea.name.label("area_name"), ExpertiseRequest.start_date,
            ExpertiseRequest.submitted_at, demand.c.open_positions,
        )
        .join(demand, demand.c.id == ExpertiseRequest.id)
        .join(Organisation, Organisation.id == ExpertiseRequest.organisation_id)
        .join(CoreArea, CoreArea.code == ExpertiseRequest.area_code)
    ).all()  # fmt: skip
    counts = deployable_counts(load_due(sa.select(demand.c.id)), expert_in_region(f.region))
    strong = strong_matches(sa.select(demand.c.id))
    gaps = [
        Gap(r.id, r.title, r.organisation, r.area_code, r.area_name, r.start_date, r.submitted_at,
            int(r.open_positions), counts.get(r.id, 0), strong.get(r.id))
        for r in rows
        if counts.get(r.id, 0) < GAP_BELOW or strong.get(r.id) == 0
    ]  # fmt: skip
    return sorted(gaps, key=lambda g: (g.deployable, g.start_date, g.request_id))


def strong_matches(request_ids: sa.Select[tuple[int]]) -> dict[int, int]:
    """Request id -> strong deployable suggestions in its latest ranking of the whole roster
    (requests never ranked so are left out)."""
    latest = (
        sa.select(sa.func.max(SuggestionRun.id))
        .where(
            SuggestionRun.request_id.in_(request_ids),
            SuggestionRun.strong_deployable.is_not(None),
        )
        .group_by(SuggestionRun.request_id)
    )
    rows = db.session.execute(
        sa.select(SuggestionRun.request_id, SuggestionRun.strong_deployable).where(
            SuggestionRun.id.in_(latest)
        )
    )
    return {request_id: int(count) for request_id, count in rows}


def deployable_count(request: ExpertiseRequest) -> int:
    """How many experts of the roster are deployable for one request (by the one rule)."""
    return deployable_counts([due_of(request)])[request.id]


# ---- outreach ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutreachRow:
    """A member state (``kind`` "member state") or a region ("region") and its experts of the
    request's area: how many, how many deployable, and what the others lack."""

    kind: str
    name: str
    region: str | None
    organisation_id: int | None
    global_south: bool | None
    in_area: int  # experts of the pool in the request's area
    deployable: int  # meet the rule: languages and dates
    meet_all: int  # deployable and experienced enough
    one_short: int  # miss exactly one of: language, dates, seniority
    short_language: int  # a required language missing or below its level
    short_dates: int  # not available over the window
    short_seniority: int  # fewer years than the request's minimum

    @property
    def label(self) -> str:
        """The row's name for people: a member state's name as stored, a region in the
        reader's language."""
        if self.kind != "region":
            return self.name
        return _("(no region)") if self.name == NO_REGION else region_name(self.name)

    @property
    def region_label(self) -> str:
        """The region in the reader's language ("" when there is none)."""
        if self.region == NO_REGION:
            return _("(no region)")
        return region_name(self.region)

    @property
    def why(self) -> str:
        """The misses in words, most frequent first: "language level (3) and dates (1)"."""
        misses = [
            (self.short_language, _("language level (%(num)d)", num=self.short_language)),
            (self.short_dates, _("dates (%(num)d)", num=self.short_dates)),
            (self.short_seniority, _("seniority (%(num)d)", num=self.short_seniority)),
        ]
        misses.sort(key=lambda m: -m[0])
        return word_list([text for n, text in misses if n]) or "—"


COUNTS = (
    "in_area", "deployable", "meet_all", "one_short", "short_language", "short_dates",
    "short_seniority",
)  # fmt: skip


def _flag(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.case((condition, 1), else_=0)


def outreach(request: ExpertiseRequest) -> list[OutreachRow]:
    """The member states with experts in the request's area, closest first (most meeting
    everything, then most missing one thing only, then most experts), then their regions.

    One grouped statement; the regions add up the member states' rows.
    """
    start_by, until = due_dates(request.start_date, request.duration_months)
    # One outer join per required language (not a subquery per expert): its level, if held.
    held = [
        (aliased(ExpertLanguage, name=f"held_{i}"), language)
        for i, language in enumerate(request.languages)
    ]
    languages_ok = sa.and_(
        sa.true(), *(alias.level >= language.min_level for alias, language in held)
    )
    dates_ok = sa.and_(
        Expert.available_from <= start_by,
        sa.or_(Expert.available_until.is_(None), Expert.available_until >= until),
    )
    senior_ok = Expert.years_experience >= request.min_years_experience
    per_expert = (
        sa.select(
            Expert.organisation_id,
            _flag(languages_ok).label("language"),
            _flag(dates_ok).label("dates"),
            _flag(senior_ok).label("senior"),
        )
        .join(expert_areas, expert_areas.c.expert_id == Expert.id)
        .where(expert_areas.c.area_code == request.area_code, in_pool())
    )
    for alias, language in held:
        per_expert = per_expert.outerjoin(
            alias, sa.and_(alias.expert_id == Expert.id, alias.code == language.code)
        )
    each = per_expert.subquery("each")
    met = each.c.language + each.c.dates + each.c.senior
    rows = db.session.execute(
        sa.select(
            Organisation.id, Organisation.name, Organisation.region, Organisation.global_south,
            sa.func.count(),
            sa.func.sum(each.c.language * each.c.dates),
            sa.func.sum(_flag(met == 3)),
            sa.func.sum(_flag(met == 2)),
            sa.func.sum(1 - each.c.language),
            sa.func.sum(1 - each.c.dates),
            sa.func.sum(1 - each.c.senior),
        )
        .join(each, each.c.organisation_id == Organisation.id)
        .group_by(Organisation.id, Organisation.name, Organisation.region,
                  Organisation.global_south)
    ).all()  # fmt: skip
    states = [
        OutreachRow("member state", name, region, oid, bool(south), *(int(n) for n in counts))
        for oid, name, region, south, *counts in rows
    ]
    return _closest_first(states) + _closest_first(_regions(states))


def _regions(states: list[OutreachRow]) -> list[OutreachRow]:
    numbers = COUNTS
    totals: dict[str, list[int]] = defaultdict(lambda: [0] * len(numbers))
    for state in states:
        region = totals[state.region or NO_REGION]
        for i, name in enumerate(numbers):
            region[i] += getattr(state, name)
    return [OutreachRow("region", name, name, None, None, *t) for name, t in totals.items()]


def _closest_first(rows: list[OutreachRow]) -> list[OutreachRow]:
    return sorted(rows, key=lambda r: (-r.meet_all, -r.one_short, -r.in_area, r.name))
