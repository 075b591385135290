"""What the dashboards draw: each service result turned into a ``Chart`` (categories, series
of numbers) that the Jinja macros of ``templates/dashboard/_charts.html`` draw as SVG.

Numbers only here; geometry (bar lengths) is scaled to ``PLOT_WIDTH`` on the largest value.
Titles, series names and figures are made per request, in the reader's language.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _

from app.dashboards.figures import AreaSupply, Gap, LanguageSupply, OutreachRow, Stage, TimingRow
from app.dashboards.figures._common import word_list
from app.dashboards.figures.gaps import GAP_BELOW
from app.dashboards.figures.member_state import AreaRoster
from app.dashboards.figures.readiness import SHOWN, Holdup
from app.dashboards.figures.requester import RequestProgress

PLOT_WIDTH = 320  # bars
FUNNEL_WIDTH = 170  # the funnel's widest bar, centred
# Blue, orange, slate: told apart also with the common colour-vision deficiencies.
COLOURS = ("#0b5cab", "#d97706", "#64748b")
LANGUAGES_DRAWN = 15
STATES_DRAWN = 10


def number(value: float | None) -> str:
    """A figure as shown in the reader's language: whole numbers plain, others with one
    decimal, none as a dash."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0.#")


def percent(value: float | None) -> str:
    """A share as a whole percentage in the reader's language ("60%", "60 %")."""
    return "—" if value is None else format_percent(value)


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]


@dataclass(frozen=True)
class Chart:
    key: str  # the figure's id on the page
    title: str
    kind: str  # "bars", "grouped" or "funnel"
    categories: list[str]
    series: list[Series]
    notes: list[str] = field(default_factory=list)  # one per category, after its bar

    @property
    def top(self) -> float:
        values = [v for s in self.series for v in s.values if v is not None]
        return max([1.0, *values])

    @property
    def plot_width(self) -> int:
        return FUNNEL_WIDTH if self.kind == "funnel" else PLOT_WIDTH

    def length(self, value: float | None) -> float:
        """The bar's length for ``value``: the largest value gets the whole plot width (a
        negative value, which no bar can show, none)."""
        return round(max(value or 0, 0) / self.top * self.plot_width, 1)

    @staticmethod
    def colour(index: int) -> str:
        return COLOURS[index % len(COLOURS)]

    @staticmethod
    def text(value: float | None) -> str:
        return number(value)

    @property
    def empty(self) -> bool:
        return not any(v for s in self.series for v in s.values)

    def describe(self) -> str:
        """The chart in words, for screen readers (the table beside it has the same): one
        sentence per category."""
        parts = []
        for i, category in enumerate(self.categories):
            values = word_list(
                [
                    _("%(series)s: %(value)s", series=s.name, value=number(s.values[i]))
                    for s in self.series
                ]
            )
            parts.append(_("%(category)s — %(values)s.", category=category, values=values))
        return " ".join(parts) or _("No data.")


def supply_areas(rows: list[AreaSupply]) -> Chart:
    return Chart(
        "supply-areas", _("Supply and demand per core area"), "grouped",
        [r.area_label for r in rows],
        [
            Series(_("Available experts"), [r.available for r in rows]),
            Series(_("Open requests"), [r.open_requests for r in rows]),
            Series(_("Open positions"), [r.open_positions for r in rows]),
        ],
    )  # fmt: skip


def supply_languages(rows: list[LanguageSupply]) -> Chart:
    drawn = rows[:LANGUAGES_DRAWN]
    return Chart(
        "supply-languages", _("Supply and demand per language"), "grouped",
        [r.name for r in drawn],
        [
            Series(_("Available experts (B2+)"), [r.available for r in drawn]),
            Series(_("Open requests"), [r.open_requests for r in drawn]),
            Series(_("Open positions"), [r.open_positions for r in drawn]),
        ],
    )  # fmt: skip


def gaps_by_area(gaps: list[Gap]) -> Chart:
    none = Counter(g.area_label for g in gaps if g.deployable == 0)
    few = Counter(g.area_label for g in gaps if 0 < g.deployable < GAP_BELOW)
    weak = Counter(g.area_label for g in gaps if g.deployable >= GAP_BELOW)
    areas = sorted(set(none) | set(few) | set(weak), key=str.casefold)
    return Chart(
        "gaps", _("Gaps per core area"), "grouped", areas,
        [
            Series(_("No deployable expert"), [none[a] for a in areas]),
            Series(_("1 or 2 deployable experts"), [few[a] for a in areas]),
            Series(_("Deployable experts, but no strong match"), [weak[a] for a in areas]),
        ],
    )  # fmt: skip


def holdups(rows: list[Holdup]) -> Chart:
    shown = rows[:SHOWN]
    return Chart(
        "readiness", _("Readiness items holding deployments up"), "bars",
        [r.label for r in shown],
        [Series(_("Selected candidates missing it"), [r.candidates for r in shown])],
    )  # fmt: skip


def funnel(stages: list[Stage], key: str = "funnel", title: str | None = None) -> Chart:
    return Chart(
        key, title or _("Candidate funnel"), "funnel",
        [s.label for s in stages],
        [Series(_("Candidates"), [s.count for s in stages])],
        [
            _("%(women)s women · %(south)s global South", women=percent(s.share_women),
              south=percent(s.share_global_south))
            if s.count else ""
            for s in stages
        ],
    )  # fmt: skip


def timing(rows: list[TimingRow]) -> Chart:
    return Chart(
        "timing", _("Median days from submission"), "grouped",
        [_("%(month)s · %(area)s", month=r.month_label, area=r.area_label) for r in rows],
        [
            Series(_("To the first shortlist"), [r.days_to_shortlist for r in rows]),
            Series(_("To the first selection"), [r.days_to_selection for r in rows]),
        ],
    )  # fmt: skip


def outreach(rows: list[OutreachRow]) -> Chart:
    states = [r for r in rows if r.kind == "member state"][:STATES_DRAWN]
    return Chart(
        "outreach", _("Member states whose experts come closest"), "grouped",
        [r.label for r in states],
        [
            Series(_("Meet everything"), [r.meet_all for r in states]),
            Series(_("Miss one thing"), [r.one_short for r in states]),
            Series(_("Experts in the area"), [r.in_area for r in states]),
        ],
    )  # fmt: skip


def roster_areas(rows: list[AreaRoster]) -> Chart:
    return Chart(
        "roster-areas", _("Our experts per core area"), "grouped",
        [r.area_label for r in rows],
        [
            Series(_("In the deployable pool"), [r.experts for r in rows]),
            Series(_("Available now"), [r.available for r in rows]),
        ],
    )  # fmt: skip


def request_funnel(row: RequestProgress) -> Chart:
    return Chart(
        f"request-{row.request_id}", row.title, "funnel",
        [s.label for s in row.stages],
        [Series(_("Candidates"), [s.count for s in row.stages])],
    )  # fmt: skip
