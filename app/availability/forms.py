"""The expert's answer to a reconfirmation request: confirm, change the window, or withdraw."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, Field, HiddenField
from wtforms.validators import Optional, ValidationError

from app.availability.answers import AvailabilityChange
from app.common.forms import MultiCheckboxField, choices
from app.common.reference import MODALITIES
from app.models import Expert

ANSWERS = ("confirm", "change", "withdraw")


class AnswerForm(FlaskForm):
    """One form class behind the page's three small forms; ``answer`` says which was sent."""

    answer = HiddenField()
    available_from = DateField(_l("Available from"), validators=[Optional()])
    available_until = DateField(
        _l("Available until"), validators=[Optional()], description=_l("Leave empty if open-ended.")
    )
    modalities = MultiCheckboxField(_l("Accepted modalities"), choices=choices(MODALITIES.items()))
    leave = BooleanField(_l("Yes, I want to leave the roster"))

    def validate_leave(self, field: Field) -> None:
        # Withdrawing cannot be undone from this page: ask for a deliberate tick.
        if self.answer.data == "withdraw" and not field.data:
            raise ValidationError(_l("Tick this box if you want to leave the roster."))


def initial(expert: Expert) -> dict[str, Any]:
    return {
        "available_from": expert.available_from,
        "available_until": expert.available_until,
        "modalities": [m.modality for m in expert.modalities],
    }


def availability_change(form: AnswerForm) -> AvailabilityChange:
    return AvailabilityChange(
        available_from=form.available_from.data,
        available_until=form.available_until.data,
        modalities=list(form.modalities.data or []),
    )
