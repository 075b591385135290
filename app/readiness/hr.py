"""HR's recording of a candidate's readiness, on the shortlist: one small form per item (its
status, the date it was done, the date until which it is valid, a note, a document, the version
seen); the download of an item's document; sending the expert their readiness link again.

Every record goes through ``readiness.items.record`` (who may, what each item needs, the audit
trail); a refused or stale one is said, and the shortlist shows the item as it now is.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.common.errors import NotAllowed
from app.common.permissions import candidate_for, role_required
from app.models import Candidate, ReadinessStatus, Role
from app.readiness import documents, forms, items, notices
from app.readiness.checklist import BY_CODE, Kind

bp = Blueprint("hr", __name__, url_prefix="/review")


def _back(candidate: Candidate) -> str:
    back = url_for("candidates.hr.shortlist", request_id=candidate.request_id)
    return back + f"#candidate-{candidate.id}"


def _kind(code: str) -> Kind:
    kind = BY_CODE.get(code)
    if kind is None:
        abort(404)
    return kind


@bp.route("/candidates/<int:candidate_id>/readiness/<code>", methods=["POST"])
@role_required(Role.HR_REVIEWER)
def record(candidate_id: int, code: str) -> Response:
    candidate = candidate_for(current_user, candidate_id)
    kind = _kind(code)
    form = forms.HrItemForm()
    try:
        status = ReadinessStatus(form.status.data)
    except ValueError:
        abort(400)
    forms.save(form, candidate, kind, current_user, status)
    return redirect(_back(candidate))


@bp.route("/candidates/<int:candidate_id>/readiness/<code>/document")
@role_required(Role.HR_REVIEWER)
def document(candidate_id: int, code: str) -> Response:
    candidate = candidate_for(current_user, candidate_id)
    item = items.item_for(current_user, candidate, code)
    if item is None:
        abort(404)
    return documents.send(item)


@bp.route("/candidates/<int:candidate_id>/readiness-link", methods=["POST"])
@role_required(Role.HR_REVIEWER)
def resend_link(candidate_id: int) -> Response:
    candidate = candidate_for(current_user, candidate_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        notices.ask_expert(candidate, current_user)
    except NotAllowed as exc:
        flash(str(exc), "error")
    else:
        flash(_("A new readiness link is sent to the expert; the earlier one no longer works."),
              "success")  # fmt: skip
    return redirect(_back(candidate))
