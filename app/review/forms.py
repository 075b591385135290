"""GET filter forms of the HR reviewer's lists (no CSRF: filtering changes nothing)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SearchField, SelectField
from wtforms.validators import Optional

from app.forms_common import choices
from app.models import ExpertStatus, RequestStatus
from app.reference import CEFR_LEVELS, country_choices, language_choices
from app.requests.forms import area_choices


def _language_field(label: str = "Language") -> SelectField:
    return SelectField(label, choices=choices(language_choices(), blank="Any language"), default="")


class RequestFilterForm(FlaskForm):
    class Meta:
        csrf = False

    text = SearchField("Search title, terms of reference, reference", validators=[Optional()])
    area = SelectField("Core area", default="")
    language = _language_field("Requires language")
    # HR never sees drafts: the choices leave them out.
    status = SelectField(
        "Status",
        choices=choices(
            ((s.value, s.label) for s in RequestStatus if s is not RequestStatus.DRAFT),
            blank="Any status",
        ),
        default="",
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.area.choices = area_choices(blank="Any area")


class ExpertFilterForm(FlaskForm):
    class Meta:
        csrf = False

    text = SearchField("Search name, title, skill", validators=[Optional()])
    area = SelectField("Core area", default="")
    language = _language_field()
    min_level = SelectField(
        "Minimum level",
        choices=choices(((lv, lv) for lv in CEFR_LEVELS), blank="any level"),
        default="",
    )
    available_on = DateField("Available on", validators=[Optional()])
    status = SelectField(
        "Status",
        choices=choices(((s.value, s.value) for s in ExpertStatus), blank="Any status"),
        default="",
    )
    nationality = SelectField(
        "Nationality", choices=choices(country_choices(), blank="Any nationality"), default=""
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.area.choices = area_choices(blank="Any area")
