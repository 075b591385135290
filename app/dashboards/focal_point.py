"""A focal point's dashboard: their own member state's roster, nominations and the open requests
their experts could meet; never another member state's figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Blueprint, Response, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from app.common.permissions import role_required
from app.dashboards import charts, exports
from app.dashboards.figures import MemberStateOverview, member_state
from app.models import Role

bp = Blueprint("focal_point", __name__, url_prefix="/dashboard")

MEMBER_STATE_EXPORTS: dict[str, Callable[[MemberStateOverview], exports.Table]] = {
    "areas": exports.member_areas,
    "requests": exports.member_requests,
    "funnel": lambda o: exports.funnel(o.funnel),
}


@bp.route("/member-state")
@role_required(Role.FOCAL_POINT)
def overview() -> str:
    figures = member_state.overview(current_user.organisation_id, date.today())
    return render_template(
        "dashboards/focal_point.html",
        o=figures,
        areas_chart=charts.roster_areas(figures.areas),
        funnel_chart=charts.funnel(figures.funnel, "our-funnel", _("Our experts' candidacies")),
    )


@bp.route("/member-state/<chart>.csv")
@role_required(Role.FOCAL_POINT)
def overview_csv(chart: str) -> Response:
    if chart not in MEMBER_STATE_EXPORTS:
        abort(404)
    figures = member_state.overview(current_user.organisation_id, date.today())
    return exports.csv_response(f"member-state-{chart}", MEMBER_STATE_EXPORTS[chart](figures))
