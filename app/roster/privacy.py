"""An expert's personal data, on the focal point's roster pages: export (JSON) and erasure.

Only the focal points of the expert's own member state reach these pages (others: 404); the
admin has the same two actions on every expert (``app/admin/experts.py``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField, SubmitField, TextAreaField, ValidationError
from wtforms.fields import Field

from app.forms_common import attach_errors
from app.models import Expert, Role
from app.permissions import expert_for, role_required
from app.roster.views import bp
from app.services import privacy
from app.services.errors import Conflict, NotAllowed, ValidationFailed


def _plain(name: str) -> str:
    return " ".join(name.split()).casefold()


class EraseForm(FlaskForm):
    """Erasing cannot be undone: the person types the expert's name and says why."""

    confirm_name = StringField("Type the expert's full name to confirm")
    reason = TextAreaField(
        "Why",
        description="For example: the expert asked to be removed. Kept in the audit trail "
        "(the expert's name and email are taken out of it).",
    )
    submit = SubmitField("Erase the personal data")

    def __init__(self, *args: Any, expert_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expert_name = expert_name

    def validate_confirm_name(self, field: Field) -> None:
        if _plain(field.data or "") != _plain(self.expert_name):
            raise ValidationError(f"Type the name exactly as shown: {self.expert_name}")


def export_download(expert: Expert) -> Response:
    """The expert's data as a JSON file to save; the export is recorded in the audit trail."""
    data = privacy.export(expert)
    privacy.record_export(expert, current_user)
    response = current_app.response_class(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n", mimetype="application/json"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="civcap-expert-{expert.id}.json"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def try_erase(expert: Expert, form: EraseForm) -> bool:
    """Erase as the submitted form asks. False when refused: the reason is flashed, or shown
    on the form's field."""
    try:
        privacy.erase(expert, current_user, form.reason.data or "")
    except (NotAllowed, Conflict) as exc:
        flash(str(exc), "error")
        return False
    except ValidationFailed as exc:
        attach_errors(form, exc.errors)
        return False
    flash(
        f"The personal data of expert #{expert.id} is erased. The record stays, anonymised, "
        "for past shortlists and figures.",
        "success",
    )
    return True


@bp.app_template_global()
def purge_due(expert: Expert) -> datetime | None:
    """When ``civcap purge`` will erase a withdrawn expert (roster/_show_personal_data.html)."""
    return privacy.purge_due(expert)


@bp.route("/<int:expert_id>/export.json")
@role_required(Role.FOCAL_POINT)
def export_json(expert_id: int) -> Response:
    return export_download(expert_for(current_user, expert_id, edit=True))


@bp.route("/<int:expert_id>/erase", methods=["GET", "POST"])
@role_required(Role.FOCAL_POINT)
def erase(expert_id: int) -> str | Response:
    expert = expert_for(current_user, expert_id, edit=True)
    form = EraseForm(expert_name=expert.full_name)
    if form.validate_on_submit() and try_erase(expert, form):
        return redirect(url_for("roster.show", expert_id=expert.id))
    return render_template("roster/erase.html", expert=expert, form=form)
