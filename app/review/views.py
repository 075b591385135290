"""HR reviewer pages: every organisation's submitted requests and every member state's experts.

Read-only. HR never sees a mission's drafts: ``permissions.request_for`` reports them as not found
and the list leaves them out. A request's own page, with what HR does to it, is in ``lifecycle``.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template
from flask import request as http_request
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Expert, ExpertiseRequest, Role
from app.permissions import expert_for, role_required
from app.requests.forms import filter_values
from app.review.forms import ExpertFilterForm, RequestFilterForm
from app.services import audit, search

bp = Blueprint("review", __name__, url_prefix="/review")


def _text(values: dict[str, object], name: str) -> str:
    return str(values.get(name) or "").strip()


@bp.route("/requests")
@role_required(Role.HR_REVIEWER)
def requests() -> str:
    form = RequestFilterForm(formdata=http_request.args)
    values = filter_values(form)
    filters = search.RequestFilters(
        text=_text(values, "text"),
        area=_text(values, "area"),
        language=_text(values, "language"),
        status=_text(values, "status"),
        exclude_drafts=True,
    )
    query = search.requests(filters).options(selectinload(ExpertiseRequest.organisation))
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"])
    return render_template("review/requests.html", filters=form, page=page)


@bp.route("/experts")
@role_required(Role.HR_REVIEWER)
def experts() -> str:
    form = ExpertFilterForm(formdata=http_request.args)
    values = filter_values(form)
    available_on = values.get("available_on")
    filters = search.ExpertFilters(
        text=_text(values, "text"),
        area=_text(values, "area"),
        language=_text(values, "language"),
        min_level=_text(values, "min_level"),
        available_on=available_on if isinstance(available_on, date) else None,
        status=_text(values, "status"),
        nationality=_text(values, "nationality"),
    )
    query = search.experts(filters).options(selectinload(Expert.organisation))
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"])
    return render_template("review/experts.html", filters=form, page=page)


@bp.route("/experts/<int:expert_id>")
@role_required(Role.HR_REVIEWER)
def expert(expert_id: int) -> str:
    return render_template(
        "review/expert.html",
        expert=expert_for(current_user, expert_id),
        events=audit.history("expert", expert_id),
    )
