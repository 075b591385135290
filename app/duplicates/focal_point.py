"""Experts who may be registered twice, for the focal point: the list, merge, "not the same person".

A focal point sees every likely pair touching their member state but decides only on pairs within
it: of a record of another member state they learn that it exists, nothing more (UN HR can merge
those, on /review/duplicates, which uses the form and handlers here).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.confirmation import confirmation_required
from app.common.permissions import can_view_expert, role_required
from app.duplicates import finding as duplicates
from app.duplicates.pages import PairForm, merge_posted, not_duplicate_posted, page_of
from app.extensions import db
from app.models import Expert, ExpertStatus, Role

bp = Blueprint("focal_point", __name__, url_prefix="/roster")


@bp.route("/duplicates")
@role_required(Role.FOCAL_POINT)
def duplicates_list() -> str:
    page = page_of(duplicates.find(current_user.organisation_id))
    return render_template("duplicates/focal_point.html", page=page, form=PairForm())


@bp.route("/duplicates/merge", methods=["POST"])
@role_required(Role.FOCAL_POINT)
@confirmation_required
def merge_duplicates() -> Response:
    merge_posted(edit=True)
    return redirect(url_for("duplicates.focal_point.duplicates_list"))


@bp.route("/duplicates/not-the-same", methods=["POST"])
@role_required(Role.FOCAL_POINT)
def not_duplicate() -> Response:
    not_duplicate_posted(edit=True)
    return redirect(url_for("duplicates.focal_point.duplicates_list"))


def _focal_point() -> bool:
    return bool(current_user.is_authenticated and current_user.role is Role.FOCAL_POINT)


@bp.app_template_global()
def roster_duplicate_count() -> int:
    """How many likely pairs touch the focal point's member state (the roster list's notice)."""
    return duplicates.count(current_user.organisation_id) if _focal_point() else 0


@bp.app_template_global()
def roster_duplicates_of(expert: Expert) -> list[duplicates.DuplicatePair]:
    """The likely duplicates of one expert (the expert page's notice)."""
    return duplicates.load(duplicates.matches_of(expert)) if _focal_point() else []


@bp.app_template_global()
def roster_merged_into(expert: Expert) -> Any:
    """The record a merged expert was merged into, if the user may see it; else None."""
    if expert.status is not ExpertStatus.MERGED or expert.merged_into_id is None:
        return None
    kept = db.session.get(Expert, expert.merged_into_id)
    return kept if kept is not None and can_view_expert(current_user, kept) else None
