"""The numbers behind each chart as CSV: the same service call as the page, one row per bar.

Text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) are quoted
with a leading apostrophe, as in the shortlist export. The column headers, and the names of
core areas, languages and regions, are in the reader's language (made per request); codes
(core area, language, stage, status, kind) and dates stay as they are stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import Response
from flask_babel import gettext as _

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
from app.dashboards.figures.readiness import Holdup
from app.dashboards.figures.timing import DeploymentTime
from app.models import CandidateState

Table = tuple[list[str], list[Sequence[object]]]


def share(value: float | None) -> float | None:
    """A share as a percentage with one decimal (empty when there is nobody)."""
    return None if value is None else round(value * 100, 1)


def csv_response(name: str, table: Table) -> Response:
    header, rows = table
    return csv_export.csv_response(name, header, rows)


def supply_areas(rows: Iterable[AreaSupply]) -> Table:
    header = [_("core area"), _("area name"), _("experts in the pool"), _("available now"),
              _("open requests"), _("open positions")]  # fmt: skip
    return header, [
        (r.area_code, r.area_label, r.experts, r.available, r.open_requests, r.open_positions)
        for r in rows
    ]


def supply_languages(rows: Iterable[LanguageSupply]) -> Table:
    header = [_("language"), _("language name"), _("available experts (B2 or above)"),
              _("open requests"), _("open positions")]  # fmt: skip
    return header, [(r.code, r.name, r.available, r.open_requests, r.open_positions) for r in rows]


def gaps(rows: Iterable[Gap]) -> Table:
    header = [_("request id"), _("title"), _("requested by"), _("core area"), _("start date"),
              _("submitted at"), _("open positions"), _("deployable experts"),
              _("strong matches")]  # fmt: skip
    return header, [
        (g.request_id, g.title, g.organisation, g.area_code, g.start_date, g.submitted_at,
         g.open_positions, g.deployable, g.strong)
        for g in rows
    ]  # fmt: skip


def funnel(rows: Iterable[Stage]) -> Table:
    header = [_("stage"), _("candidates"), _("women"), _("women %"), _("global South"),
              _("global South %")]  # fmt: skip
    return header, [
        (s.key, s.count, s.women, share(s.share_women), s.global_south,
         share(s.share_global_south))
        for s in rows
    ]  # fmt: skip


def timing(rows: Iterable[TimingRow]) -> Table:
    header = [_("core area"), _("month submitted"), _("requests submitted"),
              _("with a shortlist"), _("median days to first shortlist"), _("with a selection"),
              _("median days to first selection")]  # fmt: skip
    return header, [
        (t.area_code, t.month, t.submitted, t.shortlisted, t.days_to_shortlist, t.selected,
         t.days_to_selection)
        for t in rows
    ]  # fmt: skip


def deployment(time: DeploymentTime, rows: Iterable[Holdup]) -> Table:
    """The median from selection to deployment, then each readiness item holding selected
    candidates up (every one, not only the few the page draws)."""
    header = [_("figure"), _("item"), _("candidates"), _("median days")]
    return header, [
        (_("selection to deployment"), "", time.deployed, time.median_days),
        *((_("selected, missing the item"), r.code, r.candidates, None) for r in rows),
    ]


def outreach(rows: Iterable[OutreachRow]) -> Table:
    header = [_("kind"), _("name"), _("region"), _("global South"), _("experts in the area"),
              _("deployable"), _("meet everything"), _("miss one thing"),
              _("language level below"), _("dates outside"), _("seniority below")]  # fmt: skip
    return header, [
        (r.kind, r.label, r.region_label, "" if r.global_south is None else (_("yes") if
         r.global_south else _("no")), r.in_area, r.deployable, r.meet_all, r.one_short,
         r.short_language, r.short_dates, r.short_seniority)
        for r in rows
    ]  # fmt: skip


def member_areas(overview: MemberStateOverview) -> Table:
    header = [_("core area"), _("area name"), _("experts in the pool"), _("available now")]
    return header, [(a.area_code, a.area_label, a.experts, a.available) for a in overview.areas]


def member_requests(overview: MemberStateOverview) -> Table:
    header = [_("request id"), _("title"), _("core area"), _("start date"), _("open positions"),
              _("our deployable experts")]  # fmt: skip
    return header, [
        (m.request_id, m.title, m.area_label, m.start_date, m.open_positions, m.deployable)
        for m in overview.requests
    ]


def requester(rows: Iterable[RequestProgress]) -> Table:
    # The stages by the candidate state each starts with (lower case, as the other headers).
    header = [_("request id"), _("title"), _("status"), _("core area"), _("positions"),
              _("submitted at"),
              *(CandidateState(key).label for key, _label in STAGES)]  # fmt: skip
    return header, [
        (p.request_id, p.title, p.status.value, p.area_label, p.positions, p.submitted_at,
         *(s.count for s in p.stages))
        for p in rows
    ]  # fmt: skip
