"""The focal point's forms: registering or editing an expert, and searching the roster.

Field names follow ``ExpertData`` so that the service's FieldErrors land on the right field
(``attach_errors``). The forms check only what a field can check on its own (a date is a date,
a choice is one of the choices); every business rule is the service's.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    FormField,
    IntegerField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import HiddenInput

from app.common.forms import (
    LanguageLevelForm,
    MultiCheckboxField,
    area_choices,
    choices,
    language_filter,
    language_pairs,
    lines,
)
from app.common.reference import CEFR_LEVELS, GENDERS, MODALITIES, country_choices, language_choices
from app.common.vocabulary import core_areas
from app.models import Expert, ExpertStatus
from app.roster.experts import ExpertData, profile_of
from app.roster.search import ExpertFilters

LANGUAGE_ROWS = 4


def _area_pairs() -> list[tuple[str, str]]:
    return [(area.code, area.name) for area in core_areas()]


class ExpertForm(FlaskForm):
    """Register an expert. Core-area choices come from the database, so they are set per form."""

    full_name = StringField("Full name")
    email = EmailField("Email")
    phone = StringField("Phone")
    gender = SelectField("Gender", choices=choices(GENDERS.items()), default="undisclosed")
    nationality = SelectField("Nationality", default="")
    birth_year = IntegerField("Birth year (optional)", validators=[Optional()])
    title = StringField("Title", description="The expert's professional title or current post.")
    summary = TextAreaField("CV summary")
    skills = TextAreaField("Skills", description="One skill per line.")
    areas = MultiCheckboxField("Core areas")
    languages = FieldList(FormField(LanguageLevelForm), min_entries=LANGUAGE_ROWS)
    years_experience = IntegerField(
        "Years of professional experience", validators=[InputRequired()], default=0
    )
    available_from = DateField("Available from", validators=[Optional()])
    available_until = DateField(
        "Available until", validators=[Optional()], description="Leave empty if open-ended."
    )
    modalities = MultiCheckboxField("Accepted modalities", choices=choices(MODALITIES.items()))
    countries_of_experience = SelectMultipleField(
        "Countries of experience",
        choices=choices(country_choices()),
        render_kw={"size": 8},
        description="Hold Ctrl (or Cmd) to choose several.",
    )
    consent = BooleanField("The expert consents to be on the roster")
    submit = SubmitField("Register the expert")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nationality.choices = choices(country_choices(), blank="— choose —")
        self.areas.choices = choices(_area_pairs())


class ExpertEditForm(ExpertForm):
    """The same form for an existing expert, carrying the version it was read at."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    # Optional: a post without it keeps the status (the service refuses changes to/from merged).
    status = SelectField(
        "Status",
        choices=choices((s.value, s.value.capitalize()) for s in ExpertStatus),
        validators=[Optional()],
        description="Withdrawn experts are never suggested; civcap purge erases them after the "
        "retention period.",
    )
    submit = SubmitField("Save changes")


def expert_data(form: ExpertForm) -> ExpertData:
    """The plain record the service validates, read from a submitted form."""
    return ExpertData(
        full_name=form.full_name.data or "",
        email=(form.email.data or "").strip() or None,
        phone=(form.phone.data or "").strip() or None,
        gender=form.gender.data or "undisclosed",
        nationality=form.nationality.data or "",
        birth_year=form.birth_year.data,
        title=form.title.data or "",
        summary=form.summary.data or "",
        skills=lines(form.skills.data),
        areas=list(form.areas.data or []),
        languages=language_pairs(form.languages),
        years_experience=form.years_experience.data or 0,
        available_from=form.available_from.data,
        available_until=form.available_until.data,
        modalities=list(form.modalities.data or []),
        countries_of_experience=list(form.countries_of_experience.data or []),
        consent=bool(form.consent.data),
        status=_status(form),
    )


def _status(form: ExpertForm) -> ExpertStatus | None:
    value = form.status.data if isinstance(form, ExpertEditForm) else None
    return ExpertStatus(value) if value else None


def form_data(expert: Expert) -> dict[str, Any]:
    """An expert as the edit form's initial data (GET, or after a conflict)."""
    languages = [{"code": lang.code, "level": lang.level} for lang in expert.languages]
    # Always leave at least one empty row to add a language.
    spare = max(LANGUAGE_ROWS - len(languages), 1)
    return {
        **profile_of(expert),
        "skills": "\n".join(skill.name for skill in expert.skills),
        "areas": [area.code for area in expert.areas],
        "languages": languages + [{"code": "", "level": ""}] * spare,
        "years_experience": expert.years_experience,
        "available_from": expert.available_from,
        "available_until": expert.available_until,
        "modalities": [m.modality for m in expert.modalities],
        "countries_of_experience": [c.country for c in expert.countries],
        "consent": expert.has_consent,
        "version": expert.version,
        "status": expert.status.value,
    }


class ExpertSearchForm(FlaskForm):
    """The list page's search box and filters, read from the query string (no CSRF: GET)."""

    class Meta:
        csrf = False

    q = SearchField("Search", description="Name, title, external id or skill")
    area = SelectField("Core area", default="")
    language = SelectField("Language", choices=choices(language_choices(), blank="Any"), default="")
    min_level = SelectField(
        "Minimum level", choices=choices(((lv, lv) for lv in CEFR_LEVELS), blank="Any"), default=""
    )
    available_on = DateField("Available on", validators=[Optional()])
    status = SelectField(
        "Status",
        choices=choices(((s.value, s.value.capitalize()) for s in ExpertStatus), blank="Any"),
        default="",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.area.choices = choices(_area_pairs(), blank="Any")


def expert_filters(form: ExpertSearchForm, organisation_id: int) -> ExpertFilters:
    """The filters of a validated search form; a field with an error filters nothing."""

    def value(field: Any) -> Any:
        return None if field.errors else field.data

    return ExpertFilters(
        organisation_id=organisation_id,
        text=value(form.q) or "",
        area=value(form.area) or "",
        language=value(form.language) or "",
        min_level=value(form.min_level) or "",
        available_on=value(form.available_on),
        status=value(form.status) or "",
    )


class ExpertFilterForm(FlaskForm):
    class Meta:
        csrf = False

    text = SearchField("Search name, title, skill", validators=[Optional()])
    area = SelectField("Core area", default="")
    language = language_filter()
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
