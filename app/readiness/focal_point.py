"""The focal point's readiness page: what their member state must provide for each of its
experts recommended, selected or deployed (the release letter, the human-rights certification),
each item's status and problem, and a form to record it with its document.

A candidate of another member state is "not found" on every route (``candidate_for``); an item
the member state does not provide is refused by ``readiness.items.record``, and its document is
"not found".
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.common.permissions import candidate_for, refuse, role_required
from app.models import Role
from app.readiness import documents, forms, items
from app.readiness.checklist import BY_CODE

bp = Blueprint("focal_point", __name__, url_prefix="/readiness")


@bp.route("/")
@role_required(Role.FOCAL_POINT)
def index() -> str:
    listed = [
        (c, items.entries_for(current_user, c))
        for c in items.member_state_candidates(current_user.organisation_id)
    ]
    return render_template("readiness/focal_point.html", listed=[(c, e) for c, e in listed if e])


@bp.route("/candidates/<int:candidate_id>/<code>", methods=["POST"])
@role_required(Role.FOCAL_POINT)
def record(candidate_id: int, code: str) -> Response:
    candidate = candidate_for(current_user, candidate_id)
    kind = BY_CODE.get(code)
    if kind is None:
        abort(404)
    forms.save(forms.ItemForm(), candidate, kind, current_user)
    return redirect(url_for("readiness.focal_point.index") + f"#candidate-{candidate.id}")


@bp.route("/candidates/<int:candidate_id>/<code>/document")
@role_required(Role.FOCAL_POINT)
def document(candidate_id: int, code: str) -> Response:
    candidate = candidate_for(current_user, candidate_id)
    item = items.item_for(current_user, candidate, code)
    if item is None:
        refuse(current_user, "readiness document of candidate", candidate_id)
    return documents.send(item)
