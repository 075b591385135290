"""HR's dashboard: supply against demand, gaps with their outreach lists, the funnel, the
timing, and what holds deployments up, over every member state and request. Each chart has its
table and its CSV.

The focal point's and the requester's dashboards (``focal_point``, ``requester``) show only their
own organisation's figures, decided by the user's organisation, never by an id in the URL.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, render_template
from flask import request as http_request
from flask_login import current_user

from app.common.permissions import request_for, role_required
from app.dashboards import charts, exports
from app.dashboards.figures import (
    DashboardFilters,
    outreach,
)
from app.dashboards.figures.cached import hr_figures
from app.dashboards.figures.gaps import deployable_count
from app.dashboards.figures.readiness import SHOWN
from app.dashboards.forms import DashboardFilterForm
from app.models import Role

bp = Blueprint("hr", __name__, url_prefix="/dashboard")


HR_EXPORTS: dict[str, Callable[[DashboardFilters], exports.Table]] = {
    "supply-areas": lambda f: exports.supply_areas(hr_figures(f).areas),
    "supply-languages": lambda f: exports.supply_languages(hr_figures(f).languages),
    "gaps": lambda f: exports.gaps(hr_figures(f).gaps),
    "funnel": lambda f: exports.funnel(hr_figures(f).funnel),
    "timing": lambda f: exports.timing(hr_figures(f).timing),
    "readiness": lambda f: exports.deployment(hr_figures(f).deployment, hr_figures(f).holdups),
}


def _filters() -> tuple[DashboardFilterForm, DashboardFilters]:
    form = DashboardFilterForm(formdata=http_request.args)
    return form, form.filters()


def _query() -> dict[str, str]:
    """The filters as given, for the CSV links (the same figures as the page)."""
    names = ("period_from", "period_to", "area", "region")
    return {name: http_request.args[name] for name in names if http_request.args.get(name)}


@bp.route("")
@role_required(Role.HR_REVIEWER)
def overview() -> str:
    form, f = _filters()
    figures = hr_figures(f)
    areas, languages, gaps = figures.areas, figures.languages, figures.gaps
    funnel, timing = figures.funnel, figures.timing
    return render_template(
        "dashboards/hr.html",
        form=form,
        query=_query(),
        areas=areas,
        languages=languages,
        gaps=gaps,
        funnel=funnel,
        timing=timing,
        deployment=figures.deployment,
        holdups=figures.holdups,
        charts={
            "supply_areas": charts.supply_areas(areas),
            "supply_languages": charts.supply_languages(languages),
            "gaps": charts.gaps_by_area(gaps),
            "funnel": charts.funnel(funnel),
            "timing": charts.timing(timing),
            "readiness": charts.holdups(figures.holdups),
        },
        drawn_languages=charts.LANGUAGES_DRAWN,
        holdups_drawn=SHOWN,
    )


@bp.route("/<chart>.csv")
@role_required(Role.HR_REVIEWER)
def overview_csv(chart: str) -> Response:
    if chart not in HR_EXPORTS:
        abort(404)
    _, f = _filters()
    return exports.csv_response(chart, HR_EXPORTS[chart](f))


@bp.route("/gaps/<int:request_id>")
@role_required(Role.HR_REVIEWER)
def gap(request_id: int) -> str:
    expertise_request = request_for(current_user, request_id)
    rows = outreach(expertise_request)
    return render_template(
        "dashboards/gap.html",
        r=expertise_request,
        deployable=deployable_count(expertise_request),
        states=[row for row in rows if row.kind == "member state"],
        regions=[row for row in rows if row.kind == "region"],
        chart=charts.outreach(rows),
    )


@bp.route("/gaps/<int:request_id>/outreach.csv")
@role_required(Role.HR_REVIEWER)
def gap_csv(request_id: int) -> Response:
    expertise_request = request_for(current_user, request_id)
    table = exports.outreach(outreach(expertise_request))
    return exports.csv_response(f"outreach-request-{request_id}", table)
