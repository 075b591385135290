"""Experts who may be registered twice, for UN HR: every member state's pairs, and the decisions
on them, also across member states (the focal points decide only within their own)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.accounts.confirmation import confirmation_required
from app.common.permissions import role_required
from app.duplicates import finding as duplicates
from app.duplicates.pages import PairForm, merge_posted, not_duplicate_posted, page_of
from app.models import Role

bp = Blueprint("hr", __name__, url_prefix="/review")


@bp.route("/duplicates")
@role_required(Role.HR_REVIEWER)
def duplicates_list() -> str:
    return render_template("duplicates/hr.html", page=page_of(duplicates.find()), form=PairForm())


@bp.route("/duplicates/merge", methods=["POST"])
@role_required(Role.HR_REVIEWER)
@confirmation_required
def merge_duplicates() -> Response:
    merge_posted(edit=False)
    return redirect(url_for("duplicates.hr.duplicates_list"))


@bp.route("/duplicates/not-the-same", methods=["POST"])
@role_required(Role.HR_REVIEWER)
def not_duplicate() -> Response:
    not_duplicate_posted(edit=False)
    return redirect(url_for("duplicates.hr.duplicates_list"))
