"""The dashboards' figures: one module per view, every aggregate computed in SQL.

``supply`` (supply against demand per core area and language), ``gaps`` (requests the roster
can hardly meet, and the outreach list of each), ``funnel`` (candidates per stage, with the
shares of women and global-South nationals), ``timing`` (days to the first shortlist and to
selection), ``member_state`` (a focal point's own figures), ``requester`` (a mission's requests
along the funnel). ``filters`` says what the period, area and region filters narrow.
"""

from app.dashboards.figures.filters import DashboardFilters
from app.dashboards.figures.funnel import Stage, stages
from app.dashboards.figures.gaps import Gap, OutreachRow, gap_requests, outreach
from app.dashboards.figures.member_state import MemberStateOverview, overview
from app.dashboards.figures.requester import RequestProgress, progress
from app.dashboards.figures.supply import AreaSupply, LanguageSupply, by_area, by_language
from app.dashboards.figures.timing import TimingRow, by_area_month

__all__ = [
    "AreaSupply",
    "DashboardFilters",
    "Gap",
    "LanguageSupply",
    "MemberStateOverview",
    "OutreachRow",
    "RequestProgress",
    "Stage",
    "TimingRow",
    "by_area",
    "by_area_month",
    "by_language",
    "gap_requests",
    "outreach",
    "overview",
    "progress",
    "stages",
]
