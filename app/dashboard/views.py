"""Dashboard pages: HR's (everything), a focal point's (their member state's own figures) and
a requester's (their organisation's requests). Each chart has its table and its CSV.

Who sees what is decided by role and by the user's own organisation, never by an id in the
URL: a focal point's page always shows ``current_user.organisation_id``'s figures.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Blueprint, Response, abort, render_template
from flask import request as http_request
from flask_login import current_user

from app.dashboard import charts, exports
from app.dashboard.forms import DashboardFilterForm
from app.models import Role
from app.permissions import request_for, role_required
from app.services.dashboard import (
    DashboardFilters,
    MemberStateOverview,
    by_area,
    by_area_month,
    by_language,
    gap_requests,
    outreach,
    overview,
    progress,
    stages,
)
from app.services.dashboard.gaps import deployable_count

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

HR_EXPORTS: dict[str, Callable[[DashboardFilters], exports.Table]] = {
    "supply-areas": lambda f: exports.supply_areas(by_area(f)),
    "supply-languages": lambda f: exports.supply_languages(by_language(f)),
    "gaps": lambda f: exports.gaps(gap_requests(f)),
    "funnel": lambda f: exports.funnel(stages(f)),
    "timing": lambda f: exports.timing(by_area_month(f)),
}
MEMBER_STATE_EXPORTS: dict[str, Callable[[MemberStateOverview], exports.Table]] = {
    "areas": exports.member_areas,
    "requests": exports.member_requests,
    "funnel": lambda o: exports.funnel(o.funnel),
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
def hr() -> str:
    form, f = _filters()
    areas, languages, gaps = by_area(f), by_language(f), gap_requests(f)
    funnel, timing = stages(f), by_area_month(f)
    return render_template(
        "dashboard/hr.html",
        form=form,
        query=_query(),
        areas=areas,
        languages=languages,
        gaps=gaps,
        funnel=funnel,
        timing=timing,
        charts={
            "supply_areas": charts.supply_areas(areas),
            "supply_languages": charts.supply_languages(languages),
            "gaps": charts.gaps_by_area(gaps),
            "funnel": charts.funnel(funnel),
            "timing": charts.timing(timing),
        },
        drawn_languages=charts.LANGUAGES_DRAWN,
    )


@bp.route("/<chart>.csv")
@role_required(Role.HR_REVIEWER)
def hr_csv(chart: str) -> Response:
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
        "dashboard/gap.html",
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


@bp.route("/member-state")
@role_required(Role.FOCAL_POINT)
def member_state() -> str:
    figures = overview(current_user.organisation_id, date.today())
    return render_template(
        "dashboard/member_state.html",
        o=figures,
        areas_chart=charts.roster_areas(figures.areas),
        funnel_chart=charts.funnel(figures.funnel, "our-funnel", "Our experts' candidacies"),
    )


@bp.route("/member-state/<chart>.csv")
@role_required(Role.FOCAL_POINT)
def member_state_csv(chart: str) -> Response:
    if chart not in MEMBER_STATE_EXPORTS:
        abort(404)
    figures = overview(current_user.organisation_id, date.today())
    return exports.csv_response(f"member-state-{chart}", MEMBER_STATE_EXPORTS[chart](figures))


@bp.route("/requests")
@role_required(Role.REQUESTER)
def requests() -> str:
    rows = progress(current_user.organisation_id)
    return render_template(
        "dashboard/requests.html",
        rows=rows,
        charts={row.request_id: charts.request_funnel(row) for row in rows},
    )


@bp.route("/requests.csv")
@role_required(Role.REQUESTER)
def requests_csv() -> Response:
    rows = progress(current_user.organisation_id)
    return exports.csv_response("requests", exports.requester(rows))
