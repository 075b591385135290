"""Forms of the mission requester pages: writing a request and filtering the list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SearchField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from app.common.errors import FieldError
from app.common.forms import (
    LanguageLevelForm,
    SelectField,
    area_choices,
    attach_errors,
    choices,
    fill_found,
    fill_language_rows,
    language_filter,
    language_pairs,
    lines,
)
from app.common.reference import CEFR_LEVELS, MODALITIES, country_choices
from app.intake import proposals
from app.intake.proposals import RequestProposal
from app.models import ExpertiseRequest, RequestStatus
from app.requests.drafting import RequestData

# The longest terms of reference civcap reads (the request's own field holds as much).
TERMS_MAX = 50_000

LANGUAGE_ROWS = 3
PREFERRED_LANGUAGE_ROWS = 2


class RequiredLanguageForm(LanguageLevelForm):
    """A required language and the minimum CEFR level a candidate must hold."""

    level = SelectField(
        _l("Minimum level"),
        choices=choices(((lv, lv) for lv in CEFR_LEVELS), blank="—"),
        default="",
    )


class PreferredLanguageForm(LanguageLevelForm):
    """A language the request would like a candidate to speak, and at what level."""


class RequestForm(FlaskForm):
    """A request as the requester writes it. Field names follow RequestData's error names.

    The area, country and modality are checked by the service, so that a wrong value gets
    the service's explanation on the field instead of a bare "Not a valid choice".
    """

    title = StringField(_l("Title"))
    terms_of_reference = TextAreaField(_l("Terms of reference"))
    area = SelectField(_l("Core area"), validate_choice=False)
    required_skills = TextAreaField(_l("Required skills"))
    languages = FieldList(
        FormField(RequiredLanguageForm), label=_l("Required languages"), min_entries=LANGUAGE_ROWS
    )
    preferred_languages = FieldList(
        FormField(PreferredLanguageForm),
        label=_l("Preferred languages"),
        min_entries=PREFERRED_LANGUAGE_ROWS,
    )
    min_years_experience = IntegerField(
        _l("Minimum years of experience"), validators=[Optional()], default=0
    )
    start_date = DateField(_l("Start date"), validators=[Optional()])
    duration_months = IntegerField(
        _l("Duration (months)"), validators=[InputRequired(_l("is required"))], default=6
    )
    duty_station = StringField(_l("Duty station"))
    country = SelectField(_l("Country"), choices=[], validate_choice=False)
    high_risk = BooleanField(_l("High-risk duty station"))
    modality = SelectField(_l("Modality"), choices=[], validate_choice=False)
    positions = IntegerField(
        _l("Number of positions"), validators=[InputRequired(_l("is required"))], default=1
    )
    # Optimistic locking: the version the requester started editing from.
    version = HiddenField()
    save_draft = SubmitField(_l("Save draft"))
    save_and_submit = SubmitField(_l("Save and submit"))

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # Named in the reader's language, so made for each request.
        self.area.choices = area_choices(blank="—")
        self.country.choices = choices(country_choices(), blank="—")
        self.modality.choices = choices(MODALITIES.items())

    def to_data(self) -> RequestData:
        """The request as entered; fields that did not parse are left for the errors to explain."""
        return RequestData(
            title=self.title.data or "",
            terms_of_reference=self.terms_of_reference.data or "",
            area=self.area.data or "",
            skills=lines(self.required_skills.data),
            languages=language_pairs(self.languages.entries),
            preferred_languages=language_pairs(self.preferred_languages.entries),
            min_years_experience=self.min_years_experience.data or 0,
            start_date=self.start_date.data,
            duration_months=self.duration_months.data or 0,
            duty_station=self.duty_station.data or None,
            country=self.country.data or None,
            high_risk=bool(self.high_risk.data),
            modality=self.modality.data or "",
            positions=self.positions.data or 0,
        )

    def fill(self, request: ExpertiseRequest) -> None:
        """Show a saved request in the form (on GET, or after a conflict)."""
        self.title.data = request.title
        self.terms_of_reference.data = request.terms_of_reference
        self.area.data = request.area_code
        self.required_skills.data = "\n".join(s.name for s in request.skills)
        fill_language_rows(
            self.languages, [(lang.code, lang.min_level) for lang in request.languages]
        )
        fill_language_rows(
            self.preferred_languages,
            [(lang.code, lang.level) for lang in request.preferred_languages],
        )
        self.min_years_experience.data = request.min_years_experience
        self.start_date.data = request.start_date
        self.duration_months.data = request.duration_months
        self.duty_station.data = request.duty_station or ""
        self.country.data = request.country or ""
        self.high_risk.data = request.high_risk
        self.modality.data = request.modality
        self.positions.data = request.positions
        self.version.data = str(request.version)

    def fill_proposal(self, proposal: RequestProposal, document: str) -> None:
        """Show what civcap read in a terms of reference (nothing is saved: the person checks
        each value against its sentence and saves the form as if typed)."""
        self.terms_of_reference.data = document
        fill_found(
            proposal,
            {
                "title": self.title,
                "area": self.area,
                "modality": self.modality,
                "mission_country": self.country,
                "min_years_experience": self.min_years_experience,
                "start_date": self.start_date,
                "duration_months": self.duration_months,
            },
        )
        self.required_skills.data = "\n".join(p.value for p in proposal.skills)
        for rows, found in (
            (self.languages, proposal.languages),
            (self.preferred_languages, proposal.preferred_languages),
        ):
            fill_language_rows(rows, [(p.value.code, p.value.level) for p in found])

    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None

    def show_errors(self, errors: Iterable[FieldError]) -> None:
        """Put service errors on their fields, except on fields that already show one."""
        fresh = []
        for error in errors:
            field = getattr(self, error.field.split("[")[0].split(".")[0], None)
            if field is not None and field.errors:
                continue
            # The service calls a language row's level "min_level"; the row's field is "level".
            fresh.append(FieldError(error.field.replace(".min_level", ".level"), error.message))
        attach_errors(self, fresh)


class TermsOfReferenceForm(FlaskForm):
    """Terms of reference, pasted or uploaded (PDF or .docx), for civcap to propose the
    request's fields from. A chosen file is read instead of the pasted text."""

    document = TextAreaField(
        _l("Paste the terms of reference"),
        validators=[Optional(), Length(max=TERMS_MAX)],
    )
    file = FileField(_l("Or upload the document (PDF or Word .docx)"))

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.file.data and not (self.document.data or "").strip():
            self.document.errors = [_("Paste the terms of reference or choose their file.")]
            return False
        return True


def evidence_of(proposal: RequestProposal) -> dict[str, list[str]]:
    """Each form field's evidence: the sentences of the document its proposed value came from."""
    found = proposals.evidence(proposal)
    renamed = {"mission_country": "country", "skills": "required_skills"}
    return {renamed.get(name, name): sentences for name, sentences in found.items()}


class CloseForm(FlaskForm):
    """Close a request unfilled or cancel it; ``version`` is the state the person saw."""

    outcome = HiddenField()
    version = HiddenField()
    reason = TextAreaField(_l("Reason"))

    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class SubmitRequestForm(FlaskForm):
    """The submit button on a request page (a form of its own, for its CSRF token)."""

    submit = SubmitField(_l("Submit to HR"))


class RequestListFilters(FlaskForm):
    """GET filters of the requester's list; no CSRF, nothing changes."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=[], default="")
    area = SelectField(_l("Core area"), default="")

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.status.choices = choices(
            ((s.value, s.label) for s in RequestStatus), blank=_("Any status")
        )
        self.area.choices = area_choices(blank=_("Any area"))


class RequestFilterForm(FlaskForm):
    class Meta:
        csrf = False

    text = SearchField(_l("Search title, terms of reference, reference"), validators=[Optional()])
    area = SelectField(_l("Core area"), default="")
    language = language_filter(_l("Requires language"))
    status = SelectField(_l("Status"), choices=[], default="")

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.area.choices = area_choices(blank=_("Any area"))
        # HR never sees drafts: the choices leave them out.
        self.status.choices = choices(
            ((s.value, s.label) for s in RequestStatus if s is not RequestStatus.DRAFT),
            blank=_("Any status"),
        )


class AcceptForm(FlaskForm):
    """Accept a submitted request; ``version`` is the state the reviewer saw."""

    version = HiddenField()
