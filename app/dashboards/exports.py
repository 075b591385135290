"""The numbers behind each chart as CSV: the same service call as the page, one row per bar.

Text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) are quoted
with a leading apostrophe, as in the shortlist export.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import Response

from app.common import csv_export
from app.dashboards.figures import (
    AreaSupply,
    Gap,
    LanguageSupply,
    MemberStateOverview,
    OutreachRow,
    RequestProgress,
    Stage,
    TimingRow,
)
from app.dashboards.figures._common import STAGES

Table = tuple[list[str], list[Sequence[object]]]


def share(value: float | None) -> float | None:
    """A share as a percentage with one decimal (empty when there is nobody)."""
    return None if value is None else round(value * 100, 1)


def csv_response(name: str, table: Table) -> Response:
    header, rows = table
    return csv_export.csv_response(name, header, rows)


def supply_areas(rows: Iterable[AreaSupply]) -> Table:
    header = ["core area", "area name", "experts in the pool", "available now", "open requests",
              "open positions"]  # fmt: skip
    return header, [
        (r.area_code, r.area_name, r.experts, r.available, r.open_requests, r.open_positions)
        for r in rows
    ]


def supply_languages(rows: Iterable[LanguageSupply]) -> Table:
    header = ["language", "language name", "available experts (B2 or above)", "open requests",
              "open positions"]  # fmt: skip
    return header, [(r.code, r.name, r.available, r.open_requests, r.open_positions) for r in rows]


def gaps(rows: Iterable[Gap]) -> Table:
    header = ["request id", "title", "requested by", "core area", "start date", "submitted at",
              "open positions", "deployable experts"]  # fmt: skip
    return header, [
        (g.request_id, g.title, g.organisation, g.area_code, g.start_date, g.submitted_at,
         g.open_positions, g.deployable)
        for g in rows
    ]  # fmt: skip


def funnel(rows: Iterable[Stage]) -> Table:
    header = ["stage", "candidates", "women", "women %", "global South", "global South %"]
    return header, [
        (s.key, s.count, s.women, share(s.share_women), s.global_south,
         share(s.share_global_south))
        for s in rows
    ]  # fmt: skip


def timing(rows: Iterable[TimingRow]) -> Table:
    header = ["core area", "month submitted", "requests submitted", "with a shortlist",
              "median days to first shortlist", "with a selection",
              "median days to first selection"]  # fmt: skip
    return header, [
        (t.area_code, t.month, t.submitted, t.shortlisted, t.days_to_shortlist, t.selected,
         t.days_to_selection)
        for t in rows
    ]  # fmt: skip


def outreach(rows: Iterable[OutreachRow]) -> Table:
    header = ["kind", "name", "region", "global South", "experts in the area", "deployable",
              "meet everything", "miss one thing", "language level below", "dates outside",
              "seniority below"]  # fmt: skip
    return header, [
        (r.kind, r.name, r.region, "" if r.global_south is None else ("yes" if r.global_south
         else "no"), r.in_area, r.deployable, r.meet_all, r.one_short, r.short_language,
         r.short_dates, r.short_seniority)
        for r in rows
    ]  # fmt: skip


def member_areas(overview: MemberStateOverview) -> Table:
    header = ["core area", "area name", "experts in the pool", "available now"]
    return header, [(a.area_code, a.area_name, a.experts, a.available) for a in overview.areas]


def member_requests(overview: MemberStateOverview) -> Table:
    header = ["request id", "title", "core area", "start date", "open positions",
              "our deployable experts"]  # fmt: skip
    return header, [
        (m.request_id, m.title, m.area_name, m.start_date, m.open_positions, m.deployable)
        for m in overview.requests
    ]


def requester(rows: Iterable[RequestProgress]) -> Table:
    header = ["request id", "title", "status", "core area", "positions", "submitted at",
              *(key for key, _ in STAGES)]  # fmt: skip
    return header, [
        (p.request_id, p.title, p.status.value, p.area_name, p.positions, p.submitted_at,
         *(s.count for s in p.stages))
        for p in rows
    ]  # fmt: skip
