"""Writing, saving and submitting requests for expertise."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import gettext as _

from app.common import audit
from app.common.errors import Conflict, FieldError, NotAllowed, ValidationFailed
from app.common.transaction import transaction
from app.common.validation import Checker
from app.common.vocabulary import SkillVocabulary, core_area_codes
from app.extensions import db
from app.models import (
    ExpertiseRequest,
    Organisation,
    RequestLanguage,
    RequestPreferredLanguage,
    RequestStatus,
    User,
)
from app.models.taxonomy import normalise_skill


@dataclass
class RequestData:
    """A request as entered: the plain record forms and imports produce."""

    title: str
    area: str
    start_date: date | None
    duration_months: int
    modality: str
    terms_of_reference: str = ""
    skills: list[str] = field(default_factory=list)
    languages: list[tuple[str, str]] = field(default_factory=list)
    # Languages the request would like (a soft signal in the ranking, never a condition).
    preferred_languages: list[tuple[str, str]] = field(default_factory=list)
    min_years_experience: int = 0
    duty_station: str | None = None
    country: str | None = None
    # A high-risk duty station asks for the advanced security training (readiness checklist).
    high_risk: bool = False
    positions: int = 1
    external_id: str | None = None


# The longest each text may be and the range of each number (the form, the import and the API's
# document all say so).
MAX_LENGTHS = {
    "title": 200, "terms_of_reference": 50_000, "duty_station": 120, "external_id": 64,
    "skill": 200,
}  # fmt: skip
RANGES = {"min_years_experience": (0, 50), "duration_months": (1, 60), "positions": (1, 100)}


def validate(data: RequestData, known_areas: set[str] | None = None) -> list[FieldError]:
    check = Checker()
    check.required_text("title", data.title, MAX_LENGTHS["title"])
    check.optional_text(
        "terms_of_reference", data.terms_of_reference, MAX_LENGTHS["terms_of_reference"]
    )
    check.optional_text("duty_station", data.duty_station, MAX_LENGTHS["duty_station"])
    check.optional_text("external_id", data.external_id, MAX_LENGTHS["external_id"])
    areas = core_area_codes() if known_areas is None else known_areas
    if data.area not in areas:
        check.fail(
            "area",
            _(
                "%(value)s is not a core area (%(areas)s)",
                value=repr(data.area),
                areas=", ".join(sorted(areas)),
            ),
        )
    for i, skill in enumerate(data.skills):
        if not normalise_skill(skill):
            check.fail(f"required_skills[{i}]", _("is empty"))
        else:
            check.optional_text(f"required_skills[{i}]", skill, MAX_LENGTHS["skill"])
    check.languages("languages", data.languages, "min_level")
    check.languages("preferred_languages", data.preferred_languages, "level")
    required = {code for code, _level in data.languages}
    for i, (code, _level) in enumerate(data.preferred_languages):
        if code in required:
            check.fail(
                f"preferred_languages[{i}].code",
                _("is already a required language; a language is required or preferred"),
            )
    check.whole_number(
        "min_years_experience", data.min_years_experience, *RANGES["min_years_experience"]
    )
    if data.start_date is None:
        check.fail("start_date", _("is required"))
    check.whole_number("duration_months", data.duration_months, *RANGES["duration_months"])
    check.modality("modality", data.modality)
    check.country("country", data.country, required=False)
    check.whole_number("positions", data.positions, *RANGES["positions"])
    return check.errors


def snapshot(request: ExpertiseRequest) -> dict[str, Any]:
    return {
        "external_id": request.external_id,
        "organisation_id": request.organisation_id,
        "title": request.title,
        "terms_of_reference": request.terms_of_reference,
        "area": request.area_code,
        "required_skills": sorted(s.name for s in request.skills),
        "languages": {lang.code: lang.min_level for lang in request.languages},
        "preferred_languages": {lang.code: lang.level for lang in request.preferred_languages},
        "min_years_experience": request.min_years_experience,
        "start_date": request.start_date.isoformat() if request.start_date else None,
        "duration_months": request.duration_months,
        "duty_station": request.duty_station,
        "country": request.country,
        "high_risk": request.high_risk,
        "modality": request.modality,
        "positions": request.positions,
        "status": request.status.value if request.status else None,
    }


def apply(request: ExpertiseRequest, data: RequestData, vocabulary: SkillVocabulary) -> None:
    """Copy a validated record onto a request. Does not flush or commit."""
    assert data.start_date is not None  # validated
    request.external_id = data.external_id or request.external_id
    request.title = data.title.strip()
    request.terms_of_reference = data.terms_of_reference.strip()
    request.area_code = data.area
    request.skills = vocabulary.skills(data.skills)
    request.languages = [RequestLanguage(code=c, min_level=lvl) for c, lvl in data.languages]
    request.preferred_languages = [
        RequestPreferredLanguage(code=c, level=lvl) for c, lvl in data.preferred_languages
    ]
    request.min_years_experience = data.min_years_experience
    request.start_date = data.start_date
    request.duration_months = data.duration_months
    request.duty_station = (data.duty_station or "").strip() or None
    request.country = data.country or None
    request.high_risk = bool(data.high_risk)
    request.modality = data.modality
    request.positions = data.positions


@transaction("request")
def save_draft(data: RequestData, organisation: Organisation, actor: User) -> ExpertiseRequest:
    """A requester saves a new request as a draft of their organisation."""
    errors = validate(data)
    if errors:
        raise ValidationFailed(errors)
    request = ExpertiseRequest(
        organisation=organisation, created_by=actor, status=RequestStatus.DRAFT
    )
    apply(request, data, SkillVocabulary())
    db.session.add(request)
    db.session.flush()
    audit.record("request.created", "request", request.id, actor=actor, after=snapshot(request))
    return request


def ensure_editable(request: ExpertiseRequest) -> None:
    """Raise NotAllowed unless the request is still a draft (the only state that can be edited)."""
    if not request.is_editable:
        raise NotAllowed(
            _(
                "This request is %(status)s; only drafts can be edited. "
                "Revising a submitted request makes a new revision.",
                status=request.status.label,
            )
        )


@transaction("request")
def update_draft(
    request: ExpertiseRequest,
    data: RequestData,
    actor: User,
    expected_version: int | None = None,
) -> ExpertiseRequest:
    ensure_editable(request)
    if expected_version is not None and expected_version != request.version:
        raise Conflict(
            _(
                "This request was changed by someone else while you were editing. "
                "The form now shows the current request; re-apply your changes."
            )
        )
    errors = validate(data)
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(request)
    apply(request, data, SkillVocabulary())
    audit.record(
        "request.updated",
        "request",
        request.id,
        actor=actor,
        before=before,
        after=snapshot(request),
    )
    return request


@transaction("request")
def submit(request: ExpertiseRequest, actor: User, today: date | None = None) -> ExpertiseRequest:
    """The mission submits a draft to HR. The start date must not be in the past."""
    if request.status is not RequestStatus.DRAFT:
        raise NotAllowed(_("This request is already %(status)s.", status=request.status.label))
    today = today or date.today()
    if request.start_date < today:
        raise ValidationFailed(
            [FieldError("start_date", _("is in the past; set a new start date before submitting"))]
        )
    before = snapshot(request)
    request.status = RequestStatus.SUBMITTED
    request.submitted_at = datetime.now(UTC)
    audit.record(
        "request.submitted",
        "request",
        request.id,
        actor=actor,
        before=before,
        after=snapshot(request),
    )
    return request
