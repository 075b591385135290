"""Forms of the HR reviewer's pages: the lists' GET filters (no CSRF: filtering changes
nothing), and accepting and publishing a request."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SearchField,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import Optional

from app.forms_common import choices
from app.models import ExpertStatus, RequestStatus
from app.reference import CEFR_LEVELS, country_choices, language_choices
from app.requests.forms import area_choices
from app.services.outreach import Audience, member_states


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


class AcceptForm(FlaskForm):
    """Accept a submitted request; ``version`` is the state the reviewer saw."""

    version = HiddenField()


class PublishForm(FlaskForm):
    """Whom to publish a request to: the union of all, regions, the global South and names."""

    everyone = BooleanField("All member states")
    regions = SelectMultipleField("Regions")
    global_south = BooleanField("Global South member states")
    organisations = SelectMultipleField("Member states by name", coerce=int)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        states = member_states(Audience(everyone=True))
        regions = sorted({s.region for s in states if s.region})
        self.regions.choices = choices((r, r) for r in regions)
        self.organisations.choices = choices((s.id, s.name) for s in states)

    def audience(self) -> Audience:
        return Audience(
            everyone=bool(self.everyone.data),
            regions=set(self.regions.data or []),
            global_south=bool(self.global_south.data),
            organisation_ids=set(self.organisations.data or []),
        )
