"""What the focal point's and the admin's personal-data pages share: the erasure form, the
export download and the erasure step."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField, SubmitField, TextAreaField, ValidationError
from wtforms.fields import Field

from app.common.errors import Conflict, NotAllowed, ValidationFailed
from app.common.forms import attach_errors
from app.models import Expert
from app.personal_data import erasure as privacy
from app.personal_data import export as personal_data_export


def _plain(name: str) -> str:
    return " ".join(name.split()).casefold()


class EraseForm(FlaskForm):
    """Erasing cannot be undone: the person types the expert's name and says why."""

    confirm_name = StringField(_l("Type the expert's full name to confirm"))
    reason = TextAreaField(
        _l("Why"),
        description=_l(
            "For example: the expert asked to be removed. Kept in the audit trail (the "
            "expert's name and email are taken out of it)."
        ),
    )
    submit = SubmitField(_l("Erase the personal data"))

    def __init__(self, *args: Any, expert_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expert_name = expert_name

    def validate_confirm_name(self, field: Field) -> None:
        if _plain(field.data or "") != _plain(self.expert_name):
            raise ValidationError(
                _("Type the name exactly as shown: %(name)s", name=self.expert_name)
            )


def export_download(expert: Expert) -> Response:
    """The expert's data as a JSON file to save; the export is recorded in the audit trail."""
    data = personal_data_export.export(expert)
    personal_data_export.record_export(expert, current_user)
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
        _(
            "The personal data of expert #%(id)s is erased. The record stays, anonymised, for "
            "past shortlists and figures.",
            id=expert.id,
        ),
        "success",
    )
    return True
