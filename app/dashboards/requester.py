"""A requester's dashboard: how far each of their organisation's requests has come."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import current_user

from app.common.permissions import role_required
from app.dashboards import charts, exports
from app.dashboards.figures import progress
from app.models import Role

bp = Blueprint("requester", __name__, url_prefix="/dashboard")


@bp.route("/requests")
@role_required(Role.REQUESTER)
def overview() -> str:
    rows = progress(current_user.organisation_id)
    return render_template(
        "dashboards/requester.html",
        rows=rows,
        charts={row.request_id: charts.request_funnel(row) for row in rows},
    )


@bp.route("/requests.csv")
@role_required(Role.REQUESTER)
def overview_csv() -> Response:
    rows = progress(current_user.organisation_id)
    return exports.csv_response("requests", exports.requester(rows))
