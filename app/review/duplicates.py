"""Experts who may be registered twice, for UN HR: every member state's pairs, and the decisions
on them, also across member states (the focal points decide only within their own)."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.models import Role
from app.permissions import role_required
from app.review.views import bp
from app.roster.duplicates import PairForm, merge_posted, not_duplicate_posted, page_of
from app.services import duplicates


@bp.route("/duplicates")
@role_required(Role.HR_REVIEWER)
def duplicates_list() -> str:
    return render_template(
        "review/duplicates.html", page=page_of(duplicates.find()), form=PairForm()
    )


@bp.route("/duplicates/merge", methods=["POST"])
@role_required(Role.HR_REVIEWER)
def merge_duplicates() -> Response:
    merge_posted(edit=False)
    return redirect(url_for("review.duplicates_list"))


@bp.route("/duplicates/not-the-same", methods=["POST"])
@role_required(Role.HR_REVIEWER)
def not_duplicate() -> Response:
    not_duplicate_posted(edit=False)
    return redirect(url_for("review.duplicates_list"))
