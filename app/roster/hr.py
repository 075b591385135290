"""HR reviewer pages of the roster: every member state's experts, read-only."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template
from flask import request as http_request
from flask_login import current_user
from sqlalchemy.orm import joinedload, lazyload

from app.common import audit
from app.common.forms import filter_text, filter_values
from app.common.permissions import expert_for, role_required
from app.extensions import db
from app.models import Expert, Role
from app.roster import search
from app.roster.forms import ExpertFilterForm

bp = Blueprint("hr", __name__, url_prefix="/review")


@bp.route("/experts")
@role_required(Role.HR_REVIEWER)
def index() -> str:
    form = ExpertFilterForm(formdata=http_request.args)
    values = filter_values(form)
    available_on = values.get("available_on")
    filters = search.ExpertFilters(
        text=filter_text(values, "text"),
        area=filter_text(values, "area"),
        language=filter_text(values, "language"),
        min_level=filter_text(values, "min_level"),
        available_on=available_on if isinstance(available_on, date) else None,
        status=filter_text(values, "status"),
        nationality=filter_text(values, "nationality"),
    )
    # The list shows each expert's organisation, areas and languages, not the rest.
    query = search.experts(filters).options(
        joinedload(Expert.organisation),
        lazyload(Expert.modalities),
        lazyload(Expert.countries),
        lazyload(Expert.skills),
    )
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"])
    return render_template("roster/hr_experts.html", filters=form, page=page)


@bp.route("/experts/<int:expert_id>")
@role_required(Role.HR_REVIEWER)
def show(expert_id: int) -> str:
    return render_template(
        "roster/hr_expert.html",
        expert=expert_for(current_user, expert_id),
        events=audit.history("expert", expert_id),
    )
