"""The focal point's forms: registering or editing an expert, and searching the roster.

Field names follow ``ExpertData`` so that the service's FieldErrors land on the right field
(``attach_errors``). The forms check only what a field can check on its own (a date is a date,
a choice is one of the choices); every business rule is the service's.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    FormField,
    IntegerField,
    SearchField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import HiddenInput

from app.common.forms import (
    LanguageLevelForm,
    MultiCheckboxField,
    SelectField,
    SelectMultipleField,
    choices,
    fill_found,
    fill_language_rows,
    language_filter,
    language_pairs,
    lines,
)
from app.common.reference import CEFR_LEVELS, GENDERS, MODALITIES, country_choices, language_choices
from app.common.vocabulary import core_areas
from app.intake import proposals
from app.intake.proposals import ProfileProposal
from app.models import Expert, ExpertStatus
from app.roster.experts import ExpertData, profile_of
from app.roster.search import ExpertFilters

LANGUAGE_ROWS = 4


def _area_pairs() -> list[tuple[str, str]]:
    """The core areas, named in the reader's language (built per request)."""
    return [(area.code, area.label) for area in core_areas()]


def _status_pairs() -> list[tuple[str, str]]:
    """The expert statuses, named in the reader's language (built per request)."""
    return [(s.value, s.label.capitalize()) for s in ExpertStatus]


def _level_pairs() -> list[tuple[str, str]]:
    return [(level, level) for level in CEFR_LEVELS]


class ExpertForm(FlaskForm):
    """Register an expert. Choices named in the reader's language (countries, core areas, which
    also come from the database) are set per form."""

    full_name = StringField(_l("Full name"))
    email = EmailField(_l("Email"))
    phone = StringField(_l("Phone"))
    gender = SelectField(_l("Gender"), choices=choices(GENDERS.items()), default="undisclosed")
    nationality = SelectField(_l("Nationality"), default="")
    birth_year = IntegerField(_l("Birth year (optional)"), validators=[Optional()])
    title = StringField(
        _l("Title"), description=_l("The expert's professional title or current post.")
    )
    summary = TextAreaField(_l("CV summary"))
    skills = TextAreaField(_l("Skills"), description=_l("One skill per line."))
    areas = MultiCheckboxField(_l("Core areas"))
    languages = FieldList(FormField(LanguageLevelForm), min_entries=LANGUAGE_ROWS)
    years_experience = IntegerField(
        _l("Years of professional experience"), validators=[InputRequired()], default=0
    )
    available_from = DateField(_l("Available from"), validators=[Optional()])
    available_until = DateField(
        _l("Available until"),
        validators=[Optional()],
        description=_l("Leave empty if open-ended."),
    )
    modalities = MultiCheckboxField(_l("Accepted modalities"), choices=choices(MODALITIES.items()))
    countries_of_experience = SelectMultipleField(
        _l("Countries of experience"),
        choices=[],
        render_kw={"size": 8},
        description=_l("Hold Ctrl (or Cmd) to choose several."),
    )
    consent = BooleanField(_l("The expert consents to be on the roster"))
    submit = SubmitField(_l("Register the expert"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = country_choices()
        self.nationality.choices = choices(countries, blank=_("— choose —"))
        self.countries_of_experience.choices = choices(countries)
        self.areas.choices = choices(_area_pairs())

    def fill_proposal(self, proposal: ProfileProposal, cv_text: str) -> None:
        """Show what civcap read in a CV over what the form holds (nothing is saved: the person
        checks each value against its sentence and saves the form as if typed).

        The CV's text becomes the CV summary. The name and nationality fill only empty fields
        (a record's own are not replaced by a reading); the current post and years replace
        what the form holds, as a CV is newer than the record; languages take the CV's level
        and the other lists gain what the CV adds, keeping what the record already has.
        """
        self.summary.data = cv_text
        if proposal.full_name is not None and not self.full_name.data:
            self.full_name.data = proposal.full_name.value
        if proposal.nationality is not None and not self.nationality.data:
            self.nationality.data = proposal.nationality.value
        fill_found(proposal, {"title": self.title, "years_experience": self.years_experience})
        held = dict(language_pairs(self.languages))
        held.update((p.value.code, p.value.level) for p in proposal.languages)
        fill_language_rows(self.languages, held.items())
        self.skills.data = "\n".join(
            dict.fromkeys([*lines(self.skills.data), *(p.value for p in proposal.skills)])
        )
        for field, found in (
            (self.areas, proposal.areas),
            (self.countries_of_experience, proposal.countries_of_experience),
        ):
            field.data = list(dict.fromkeys([*(field.data or []), *(p.value for p in found)]))


class ExpertEditForm(ExpertForm):
    """The same form for an existing expert, carrying the version it was read at."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    # Optional: a post without it keeps the status (the service refuses changes to/from merged).
    status = SelectField(
        _l("Status"),
        choices=[],
        validators=[Optional()],
        description=_l(
            "Withdrawn experts are never suggested; civcap purge erases them after the "
            "retention period."
        ),
    )
    submit = SubmitField(_l("Save changes"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = choices(_status_pairs())


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

    q = SearchField(_l("Search"), description=_l("Name, title, external id or skill"))
    area = SelectField(_l("Core area"), default="")
    language = SelectField(_l("Language"), default="")
    min_level = SelectField(_l("Minimum level"), default="")
    available_on = DateField(_l("Available on"), validators=[Optional()])
    status = SelectField(_l("Status"), default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = _("Any")
        self.area.choices = choices(_area_pairs(), blank=anything)
        self.language.choices = choices(language_choices(), blank=anything)
        self.min_level.choices = choices(_level_pairs(), blank=anything)
        self.status.choices = choices(_status_pairs(), blank=anything)


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

    text = SearchField(_l("Search name, title, skill"), validators=[Optional()])
    area = SelectField(_l("Core area"), default="")
    language = language_filter()
    min_level = SelectField(_l("Minimum level"), default="")
    available_on = DateField(_l("Available on"), validators=[Optional()])
    status = SelectField(_l("Status"), default="")
    nationality = SelectField(_l("Nationality"), default="")

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # Named in the reader's language, so built per request.
        self.area.choices = choices(_area_pairs(), blank=_("Any area"))
        self.min_level.choices = choices(_level_pairs(), blank=_("any level"))
        self.status.choices = choices(
            ((s.value, s.label) for s in ExpertStatus), blank=_("Any status")
        )
        self.nationality.choices = choices(country_choices(), blank=_("Any nationality"))


def evidence_of(proposal: ProfileProposal) -> dict[str, list[str]]:
    """Each form field's evidence: the sentences of the CV its proposed value came from."""
    return proposals.evidence(proposal)
