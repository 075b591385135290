"""Registering and keeping experts: the rules every entry path (form, import) goes through."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.common import audit
from app.common.errors import Conflict, FieldError, ValidationFailed
from app.common.reference import GENDERS
from app.common.transaction import transaction
from app.common.validation import Checker
from app.common.vocabulary import SkillVocabulary, core_area_codes, core_areas
from app.extensions import db
from app.models import Expert, ExpertLanguage, ExpertStatus, Organisation, User
from app.models.expert import ExpertCountry, ExpertModality
from app.models.taxonomy import normalise_skill

SUMMARY_MAX_CHARS = 20_000  # the CV summary; a CV file's text is cut to fit (cv.files)
# The longest each text may be (the form, the import and the API's document all say so).
MAX_LENGTHS = {
    "full_name": 200, "title": 200, "summary": SUMMARY_MAX_CHARS, "external_id": 64,
    "phone": 40, "skill": 200,
}  # fmt: skip
YEARS_EXPERIENCE = (0, 70)


@dataclass
class ExpertData:
    """An expert as entered: the plain record forms and imports produce."""

    full_name: str
    nationality: str
    title: str
    available_from: date | None
    summary: str = ""
    email: str | None = None
    phone: str | None = None
    gender: str = "undisclosed"
    birth_year: int | None = None
    skills: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    languages: list[tuple[str, str]] = field(default_factory=list)
    years_experience: int = 0
    available_until: date | None = None
    modalities: list[str] = field(default_factory=list)
    countries_of_experience: list[str] = field(default_factory=list)
    external_id: str | None = None
    consent: bool = False
    consent_version: str | None = None
    consent_given_at: datetime | None = None
    availability_confirmed_at: datetime | None = None
    status: ExpertStatus | None = None  # None keeps the expert's current status


def consent_version() -> str:
    """The version of the consent text the focal points show (CONSENT_VERSION), recorded with
    each consent given."""
    return str(current_app.config["CONSENT_VERSION"])


def validate(data: ExpertData, known_areas: set[str] | None = None) -> list[FieldError]:
    """Every rule an expert record must satisfy; an empty list means valid."""
    check = Checker()
    check.required_text("full_name", data.full_name, MAX_LENGTHS["full_name"])
    check.required_text("title", data.title, MAX_LENGTHS["title"])
    check.optional_text("summary", data.summary, MAX_LENGTHS["summary"])
    check.optional_text("external_id", data.external_id, MAX_LENGTHS["external_id"])
    check.optional_text("phone", data.phone, MAX_LENGTHS["phone"])
    check.email("email", data.email)
    if data.gender not in GENDERS:
        check.fail(
            "gender",
            _(
                "%(value)s is not one of %(choices)s",
                value=repr(data.gender),
                choices=", ".join(GENDERS),
            ),
        )
    check.country("nationality", data.nationality)
    if data.birth_year is not None:
        check.whole_number("birth_year", data.birth_year, 1900, date.today().year - 16)
    check.whole_number("years_experience", data.years_experience, *YEARS_EXPERIENCE)
    for i, skill in enumerate(data.skills):
        if not normalise_skill(skill):
            check.fail(f"skills[{i}]", _("is empty"))
        else:
            check.optional_text(f"skills[{i}]", skill, MAX_LENGTHS["skill"])
    areas = core_area_codes() if known_areas is None else known_areas
    for i, area in enumerate(data.areas):
        if area not in areas:
            check.fail(
                f"areas[{i}]",
                _(
                    "%(value)s is not a core area (%(areas)s)",
                    value=repr(area),
                    areas=", ".join(sorted(areas)),
                ),
            )
    if not data.languages:
        check.fail("languages", _("at least one language with its CEFR level is required"))
    check.languages("languages", data.languages, "level")
    if data.available_from is None:
        check.fail("available_from", _("is required"))
    elif data.available_until is not None and data.available_until < data.available_from:
        check.fail("available_until", _("must not be before available_from"))
    if not data.modalities:
        check.fail("modalities", _("at least one accepted modality is required"))
    for i, modality in enumerate(data.modalities):
        check.modality(f"modalities[{i}]", modality)
    for i, country in enumerate(data.countries_of_experience):
        check.country(f"countries_of_experience[{i}]", country)
    if not data.consent:
        check.fail("consent", _("the expert's consent to be on the roster is required"))
    return check.errors


# What a person tells about themselves, as the form, the audit trail and the export show it.
PROFILE_FIELDS = (
    "full_name", "email", "phone", "gender", "nationality", "birth_year", "title", "summary",
)  # fmt: skip


def profile_of(expert: Expert) -> dict[str, Any]:
    """The expert's ``PROFILE_FIELDS``, by name."""
    return {name: getattr(expert, name) for name in PROFILE_FIELDS}


def snapshot(expert: Expert) -> dict[str, Any]:
    """A JSON-ready picture of the expert, for the audit trail."""
    return {
        "external_id": expert.external_id,
        "organisation_id": expert.organisation_id,
        **profile_of(expert),
        "skills": sorted(s.name for s in expert.skills),
        "areas": sorted(a.code for a in expert.areas),
        "languages": {lang.code: lang.level for lang in expert.languages},
        "years_experience": expert.years_experience,
        "available_from": expert.available_from.isoformat() if expert.available_from else None,
        "available_until": expert.available_until.isoformat() if expert.available_until else None,
        "modalities": sorted(m.modality for m in expert.modalities),
        "countries_of_experience": sorted(c.country for c in expert.countries),
        "consent_version": expert.consent_version,
        "status": expert.status.value if expert.status else None,
    }


def apply(
    expert: Expert,
    data: ExpertData,
    vocabulary: SkillVocabulary,
    areas: dict[str, Any],
    consent_version: str,
) -> None:
    """Copy a validated record onto an expert (new or existing). Does not flush or commit."""
    expert.external_id = data.external_id or expert.external_id
    expert.full_name = data.full_name.strip()
    expert.email = (data.email or "").strip().lower() or None
    expert.phone = (data.phone or "").strip() or None
    expert.gender = data.gender
    expert.nationality = data.nationality
    expert.birth_year = data.birth_year
    expert.title = data.title.strip()
    expert.summary = data.summary.strip()
    expert.years_experience = data.years_experience
    assert data.available_from is not None  # validated
    window_changed = (
        expert.id is None
        or expert.available_from != data.available_from
        or expert.available_until != data.available_until
    )
    expert.available_from = data.available_from
    expert.available_until = data.available_until
    expert.skills = vocabulary.skills(data.skills)
    expert.areas = [areas[code] for code in dict.fromkeys(data.areas)]
    expert.languages = [ExpertLanguage(code=c, level=lvl) for c, lvl in data.languages]
    expert.modalities = [ExpertModality(modality=m) for m in dict.fromkeys(data.modalities)]
    expert.countries = [
        ExpertCountry(country=c) for c in dict.fromkeys(data.countries_of_experience)
    ]
    now = datetime.now(UTC)
    # Always touched, also when only skills or languages change: the matching index of every
    # worker follows experts.updated_at (suggestions/worker_index.py).
    expert.updated_at = now
    version = data.consent_version or consent_version
    if expert.consent_given_at is None or expert.consent_version != version:
        expert.consent_given_at = data.consent_given_at or now
        expert.consent_version = version
    # Entering or changing the availability window confirms it; fixing a typo does not.
    if window_changed:
        expert.availability_confirmed_at = data.availability_confirmed_at or now
    if data.status is not None:
        expert.status = data.status  # withdrawn_at follows (``_withdrawal_time``)


def _status_errors(current: ExpertStatus | None, wanted: ExpertStatus | None) -> list[FieldError]:
    """A record becomes (or stops being) merged only by merging duplicates, never by an edit."""
    if wanted is None or wanted == current or ExpertStatus.MERGED not in (current, wanted):
        return []
    return [FieldError("status", _("only merging duplicates makes a record merged, or undoes it"))]


def external_id_refusal(
    holder_organisation_id: int,
    holder_erased: bool,
    holder_status: ExpertStatus | None,
    organisation_id: int,
) -> str | None:
    """Why a member state may not write the record that holds an ``external_id`` (None: it
    may). The import and the API both ask here."""
    if holder_organisation_id != organisation_id:
        return _("is already used by an expert of another member state; use another id")
    if holder_erased:
        return _("belongs to an expert whose personal data was erased")
    if holder_status is ExpertStatus.MERGED:
        return _("belongs to a record merged into another; update that one instead")
    return None


def _external_id_errors(
    external_id: str | None, organisation_id: int, expert: Expert | None
) -> list[FieldError]:
    """An ``external_id`` names one expert: refused when another record holds it."""
    if not external_id:
        return []
    holder = db.session.scalar(sa.select(Expert).where(Expert.external_id == external_id))
    if holder is None or holder is expert:
        return []
    reason = external_id_refusal(
        holder.organisation_id, holder.erased_at is not None, holder.status, organisation_id
    ) or _("is already the reference of expert #%(id)s: update that record", id=holder.id)
    return [FieldError("external_id", reason)]


def _areas_by_code() -> dict[str, Any]:
    return {a.code: a for a in core_areas()}


@transaction("expert")
def register(
    data: ExpertData, organisation: Organisation, actor: User, consent_version: str
) -> Expert:
    """A focal point registers a new expert of their member state."""
    areas = _areas_by_code()
    errors = validate(data, set(areas)) + _status_errors(None, data.status)
    errors += _external_id_errors(data.external_id, organisation.id, None)
    if errors:
        raise ValidationFailed(errors)
    expert = Expert(organisation=organisation)
    apply(expert, data, SkillVocabulary(), areas, consent_version)
    db.session.add(expert)
    db.session.flush()
    audit.record("expert.registered", "expert", expert.id, actor=actor, after=snapshot(expert))
    return expert


@transaction("expert")
def update(
    expert: Expert,
    data: ExpertData,
    actor: User,
    consent_version: str,
    expected_version: int | None = None,
) -> Expert:
    """Save an edit; refused with Conflict when someone saved a newer version meanwhile."""
    if expected_version is not None and expected_version != expert.version:
        raise Conflict(
            _(
                "This expert was changed by someone else while you were editing. "
                "The form now shows the current record; re-apply your changes."
            )
        )
    if expert.erased_at is not None:
        raise Conflict(_("This expert's personal data was erased: the record cannot be edited."))
    if expert.merged_into_id is not None:
        raise Conflict(
            _(
                "This record was merged into expert #%(id)s: edit that one instead.",
                id=expert.merged_into_id,
            )
        )
    areas = _areas_by_code()
    errors = validate(data, set(areas)) + _status_errors(expert.status, data.status)
    if data.external_id != expert.external_id:
        errors += _external_id_errors(data.external_id, expert.organisation_id, expert)
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(expert)
    apply(expert, data, SkillVocabulary(), areas, consent_version)
    after = snapshot(expert)
    audit.record("expert.updated", "expert", expert.id, actor=actor, before=before, after=after)
    return expert


@sa.event.listens_for(Expert.status, "set", active_history=True)
def _withdrawal_time(expert: Expert, value: Any, old: Any, initiator: Any) -> None:
    """``withdrawn_at`` follows the status on every path (form, import, link, erasure).

    Set when the expert withdraws (``civcap purge`` counts the retention period from it), kept
    while they stay withdrawn, cleared when they come back (active or unavailable).
    """
    if value == old:
        return
    if value == ExpertStatus.WITHDRAWN:
        expert.withdrawn_at = datetime.now(UTC)
    elif value in (ExpertStatus.ACTIVE, ExpertStatus.UNAVAILABLE):
        expert.withdrawn_at = None


@transaction("expert")
def touch(expert: Expert) -> None:
    """Save a change made outside ``apply`` (status, consent) so every index sees it."""
    expert.updated_at = datetime.now(UTC)


def data_of(expert: Expert) -> ExpertData:
    """An expert as the record ``update`` takes: change one field, keep the rest as they are.

    Consent and its text version are carried over, so saving the record does not renew them.
    """
    return ExpertData(
        full_name=expert.full_name,
        nationality=expert.nationality,
        title=expert.title,
        available_from=expert.available_from,
        summary=expert.summary,
        email=expert.email,
        phone=expert.phone,
        gender=expert.gender,
        birth_year=expert.birth_year,
        skills=[skill.name for skill in expert.skills],
        areas=[area.code for area in expert.areas],
        languages=[(lang.code, lang.level) for lang in expert.languages],
        years_experience=expert.years_experience,
        available_until=expert.available_until,
        modalities=[m.modality for m in expert.modalities],
        countries_of_experience=[c.country for c in expert.countries],
        external_id=expert.external_id,
        consent=expert.has_consent,
        consent_version=expert.consent_version,
        consent_given_at=expert.consent_given_at,
    )
