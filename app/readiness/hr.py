"""HR's recording of a candidate's readiness, on the shortlist: one small form per item (its
status, the date it was done, the date until which it is valid, a note, the version seen).

Every record goes through ``readiness.items.record`` (who may, what each item needs, the audit
trail); a refused or stale one is said, and the shortlist shows the item as it now is.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import DateField, HiddenField, TextAreaField
from wtforms.validators import Optional

from app.common.errors import Conflict, NotAllowed, ValidationFailed
from app.common.permissions import candidate_for, role_required
from app.models import ReadinessStatus, Role
from app.readiness import items
from app.readiness.checklist import BY_CODE

bp = Blueprint("hr", __name__, url_prefix="/review")


class ReadinessForm(FlaskForm):
    status = HiddenField()
    done_on = DateField(_l("Done on"), validators=[Optional()])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    note = TextAreaField(_l("Note"))
    version = HiddenField()


def _field_label(form: ReadinessForm, name: str) -> str:
    field = getattr(form, name, None)
    return str(field.label.text) if field is not None else name


@bp.route("/candidates/<int:candidate_id>/readiness/<code>", methods=["POST"])
@role_required(Role.HR_REVIEWER)
def record(candidate_id: int, code: str) -> Response:
    candidate = candidate_for(current_user, candidate_id)
    kind = BY_CODE.get(code)
    if kind is None:
        abort(404)
    back = url_for("candidates.hr.shortlist", request_id=candidate.request_id)
    back += f"#candidate-{candidate.id}"
    form = ReadinessForm()
    valid = form.validate_on_submit()
    if form.csrf_token.errors:
        abort(400)
    try:
        status = ReadinessStatus(form.status.data)
        version = int(form.version.data or "")
    except ValueError:
        abort(400)
    if not valid:
        for name, errors in form.errors.items():
            for error in errors:
                flash(_not_recorded(str(kind.label), _field_label(form, name), str(error)), "error")
        return redirect(back)
    try:
        items.record(
            candidate, code, current_user, status, done_on=form.done_on.data,
            valid_until=form.valid_until.data, note=form.note.data, expected_version=version,
        )  # fmt: skip
    except ValidationFailed as exc:
        for error in exc.errors:
            field = _field_label(form, error.field)
            flash(_not_recorded(str(kind.label), field, error.message), "error")
    except (NotAllowed, Conflict) as exc:
        flash(str(exc), "error")
    else:
        flash(_("%(item)s recorded: %(status)s.", item=kind.label, status=status.label), "success")
    return redirect(back)


def _not_recorded(item: str, field: str, error: str) -> str:
    return _(
        "%(item)s was not recorded: %(field)s: %(error)s.", item=item, field=field, error=error
    )
