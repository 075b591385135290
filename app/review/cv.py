"""HR downloads an expert's CV file from the expert's page (any member state's expert)."""

from __future__ import annotations

from flask_login import current_user
from werkzeug.wrappers import Response

from app.models import Role
from app.permissions import expert_for, role_required
from app.review.views import bp
from app.roster.cv import send_cv


@bp.route("/experts/<int:expert_id>/cv")
@role_required(Role.HR_REVIEWER)
def expert_cv(expert_id: int) -> Response:
    return send_cv(expert_for(current_user, expert_id))
