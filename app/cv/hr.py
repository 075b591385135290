"""HR downloads an expert's CV file from the expert's page (any member state's expert)."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user
from werkzeug.wrappers import Response

from app.common.permissions import expert_for, role_required
from app.cv.pages import send_cv
from app.models import Role

bp = Blueprint("hr", __name__, url_prefix="/review")


@bp.route("/experts/<int:expert_id>/cv")
@role_required(Role.HR_REVIEWER)
def download(expert_id: int) -> Response:
    return send_cv(expert_for(current_user, expert_id))
