"""The focal point's forms: nominate experts for a request, answer a release consultation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.candidates.workflow import MAX_LENGTHS
from app.common.forms import MultiCheckboxField, SelectMultipleField, choices
from app.common.reference import region_name
from app.outreach.publication import Audience, member_state_choices

ANSWERS = [("released", _l("Released")), ("not_released", _l("Not released"))]


class NominationForm(FlaskForm):
    """Checkboxes of the member state's own experts who may still be nominated.

    Chosen ids are not limited to the choices shown: the view loads each one through
    ``common.permissions.expert_for``, so an id of another member state's expert is "not found",
    and the service says why an expert of one's own cannot be nominated.
    """

    experts = MultiCheckboxField(_l("Your experts"), coerce=int, validate_choice=False)


class AnswerForm(FlaskForm):
    """Released or not, for one candidate; ``version`` is the state the focal point saw."""

    version = HiddenField()
    answer = RadioField(
        _l("Answer"),
        choices=choices(ANSWERS),
        validators=[InputRequired(_l("choose released or not released"))],
    )
    reason = StringField(
        _l("Reason (required when not released)"),
        validators=[Optional(), Length(max=MAX_LENGTHS["reason"])],
    )
    note = TextAreaField(
        _l("Legal basis or return arrangements (optional)"),
        validators=[Optional(), Length(max=MAX_LENGTHS["note"])],
    )


class PublishForm(FlaskForm):
    """Whom to publish a request to: the union of all, regions, the global South and names."""

    everyone = BooleanField(_l("All member states"))
    regions = SelectMultipleField(_l("Regions"))
    global_south = BooleanField(_l("Global South member states"))
    organisations = SelectMultipleField(_l("Member states by name"), coerce=int)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        states = member_state_choices()
        regions = sorted({region for _, _, region in states if region})
        self.regions.choices = choices((r, region_name(r)) for r in regions)
        self.organisations.choices = choices((id_, name) for id_, name, _ in states)

    def audience(self) -> Audience:
        return Audience(
            everyone=bool(self.everyone.data),
            regions=set(self.regions.data or []),
            global_south=bool(self.global_south.data),
            organisation_ids=set(self.organisations.data or []),
        )
