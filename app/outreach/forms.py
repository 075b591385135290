"""The focal point's forms: nominate experts for a request, answer a release consultation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.forms_common import MultiCheckboxField, choices

ANSWERS = [("released", "Released"), ("not_released", "Not released")]


class NominationForm(FlaskForm):
    """Checkboxes of the member state's own experts who may still be nominated.

    Chosen ids are not limited to the choices shown: the view loads each one through
    ``permissions.expert_for``, so an id of another member state's expert is "not found",
    and the service says why an expert of one's own cannot be nominated.
    """

    experts = MultiCheckboxField("Your experts", coerce=int, validate_choice=False)


class AnswerForm(FlaskForm):
    """Released or not, for one candidate; ``version`` is the state the focal point saw."""

    version = HiddenField()
    answer = RadioField(
        "Answer",
        choices=choices(ANSWERS),
        validators=[InputRequired("choose released or not released")],
    )
    reason = StringField(
        "Reason (required when not released)", validators=[Optional(), Length(max=500)]
    )
    note = TextAreaField(
        "Legal basis or return arrangements (optional)", validators=[Optional(), Length(max=4000)]
    )
