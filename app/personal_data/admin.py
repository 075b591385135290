"""Experts' personal data for the admin (the DPO's hands): find any expert, export, erase.

Every member state and every status: the admin answers a person who writes to the UN, whoever
registered them. The focal point has the same actions on their own experts
(``personal_data.focal_point``).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask import request as http_request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SearchField

from app.accounts.confirmation import confirmation_required
from app.common import audit, security_log
from app.common.permissions import role_required
from app.extensions import db
from app.models import Expert, Role
from app.personal_data import export as personal_data_export
from app.personal_data.pages import EraseForm, export_download, try_erase

bp = Blueprint("admin", __name__, url_prefix="/admin")


class ExpertLookupForm(FlaskForm):
    """GET search (no CSRF: looking changes nothing)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name, email, external id or #id"))


def _expert(expert_id: int, read: str) -> Expert:
    """The expert, with the admin's read of their data in the security log."""
    expert = db.session.get(Expert, expert_id)
    if expert is None:
        abort(404)
    security_log.record(
        "personal_data.read", user=current_user, subject=http_request.path, detail=read
    )
    return expert


@bp.route("/experts")
@role_required(Role.ADMIN)
def experts() -> str:
    form = ExpertLookupForm(formdata=http_request.args)
    text = (form.q.data or "").strip()
    page = (
        db.paginate(
            personal_data_export.find_experts(text), per_page=current_app.config["PAGE_SIZE"]
        )
        if text
        else None
    )
    return render_template("personal_data/admin_experts.html", form=form, page=page, text=text)


def _page(expert: Expert, form: EraseForm) -> str:
    return render_template(
        "personal_data/admin_expert.html",
        expert=expert,
        form=form,
        events=audit.history("expert", expert.id),
    )


@bp.route("/experts/<int:expert_id>")
@role_required(Role.ADMIN)
def expert(expert_id: int) -> str:
    expert = _expert(expert_id, f"expert {expert_id}: record")
    return _page(expert, EraseForm(formdata=None, expert_name=expert.full_name))


@bp.route("/experts/<int:expert_id>/export.json")
@role_required(Role.ADMIN)
def export_expert(expert_id: int) -> Response:
    return export_download(_expert(expert_id, f"expert {expert_id}: export of all data"))


@bp.route("/experts/<int:expert_id>/erase", methods=["POST"])
@role_required(Role.ADMIN)
@confirmation_required
def erase_expert(expert_id: int) -> str | Response:
    expert = _expert(expert_id, f"expert {expert_id}: erasure")
    form = EraseForm(expert_name=expert.full_name)
    if form.validate_on_submit() and try_erase(expert, form):
        return redirect(url_for("personal_data.admin.expert", expert_id=expert.id))
    return _page(expert, form)
