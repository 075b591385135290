"""An expert's personal data, on the focal point's roster pages: export (JSON) and erasure.

Only the focal points of the expert's own member state reach these pages (others: 404); the
admin has the same two actions on every expert (``app/admin/experts.py``).
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.confirmation import confirmation_required
from app.common.permissions import expert_for, role_required
from app.models import Expert, Role
from app.personal_data import erasure as privacy
from app.personal_data.pages import EraseForm, export_download, try_erase

bp = Blueprint("focal_point", __name__, url_prefix="/roster")


@bp.app_template_global()
def purge_due(expert: Expert) -> datetime | None:
    """When ``civcap purge`` will erase a withdrawn expert (personal_data/_expert_page.html)."""
    return privacy.purge_due(expert)


@bp.route("/<int:expert_id>/export.json")
@role_required(Role.FOCAL_POINT)
def export_json(expert_id: int) -> Response:
    return export_download(expert_for(current_user, expert_id, edit=True))


@bp.route("/<int:expert_id>/erase", methods=["GET", "POST"])
@role_required(Role.FOCAL_POINT)
@confirmation_required
def erase(expert_id: int) -> str | Response:
    expert = expert_for(current_user, expert_id, edit=True)
    form = EraseForm(expert_name=expert.full_name)
    if form.validate_on_submit() and try_erase(expert, form):
        return redirect(url_for("roster.focal_point.show", expert_id=expert.id))
    return render_template("personal_data/erase.html", expert=expert, form=form)
