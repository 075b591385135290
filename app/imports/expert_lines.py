"""Importing experts: one JSON object per line, in civcap's interchange format."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.accounts import organisations
from app.common import audit
from app.common.errors import FieldError
from app.common.transaction import transaction
from app.common.vocabulary import SkillVocabulary, core_area_codes, core_areas
from app.extensions import db
from app.imports.fields import FieldReader
from app.imports.lines import (
    ImportFailed,
    ImportSummary,
    LineError,
    Progress,
    Saved,
    Source,
    add_new_skills,
    chunks,
    find_or_create_organisations,
    json_objects,
    line_errors,
    repeated,
    write_in_chunks,
    wrong_kind,
)
from app.models import Expert, ExpertStatus, Organisation, OrganisationKind, User
from app.roster import experts
from app.roster.experts import ExpertData

EXPERT_FIELDS = {
    "external_id", "full_name", "gender", "nationality", "nominated_by", "title", "summary",
    "skills", "areas", "languages", "years_experience", "available_from", "available_until",
    "modalities", "countries_of_experience", "email", "phone", "birth_year",
    "availability_confirmed_at", "status", "consent",
}  # fmt: skip


@dataclass
class ExpertLine:
    """One validated line: the expert, who nominates them, and a status if the line gives one."""

    line: int
    data: ExpertData
    nominated_by: str
    status: ExpertStatus | None


def read_experts(source: Source) -> list[ExpertLine]:
    """Parse and validate a file of experts; raise ImportFailed listing every problem.

    Required: ``external_id``, ``full_name``, ``nationality``, ``nominated_by``, ``title``,
    ``languages``, ``available_from`` and ``modalities``. ``nominated_by`` names the member
    state's organisation; naming an existing organisation of another kind is an error. An
    availability that has already lapsed is accepted (see ``_lapsed``).
    """
    errors: list[LineError] = []
    lines = check_experts(json_objects(source, errors), errors)
    if errors:
        raise ImportFailed(errors)
    return lines


def check_experts(
    records: Iterable[tuple[int, dict[str, Any]]], errors: list[LineError]
) -> list[ExpertLine]:
    """``read_experts``' checks over records already parsed: (line number, JSON-like object).

    For callers that read rows rather than JSON Lines (the web bulk import turns CSV and XLSX
    rows into the same objects). Every problem is added to ``errors`` instead of raised; the
    lines returned are those without any problem.
    """
    lines: list[ExpertLine] = []
    areas = core_area_codes()
    seen: dict[str, int] = {}
    today = date.today()
    for number, record in records:
        line = FieldReader(record, EXPERT_FIELDS)
        consent_version, consent_given_at = line.consent("consent")
        data = ExpertData(
            external_id=line.text("external_id", required=True),
            full_name=line.text("full_name", required=True) or "",
            gender=line.text("gender") or "undisclosed",
            nationality=line.text("nationality", required=True) or "",
            title=line.text("title", required=True) or "",
            summary=line.text("summary") or "",
            email=line.text("email"),
            phone=line.text("phone"),
            birth_year=line.number("birth_year"),
            skills=line.texts("skills"),
            areas=line.texts("areas"),
            languages=line.languages("languages", "level", required=True),
            years_experience=line.number("years_experience") or 0,
            available_from=line.day("available_from", required=True),
            available_until=line.day("available_until"),
            modalities=line.texts("modalities", required=True),
            countries_of_experience=line.texts("countries_of_experience"),
            availability_confirmed_at=line.moment("availability_confirmed_at"),
            consent=True,  # attested by the nominating member state; see write_experts
            consent_version=consent_version,
            consent_given_at=consent_given_at,
        )
        nominated_by = (line.text("nominated_by", required=True, max_length=200) or "").strip()
        status = line.choice("status", ExpertStatus)
        rules = [e for e in experts.validate(data, areas) if not _lapsed(e, data, today)]
        errors += line_errors(number, line, rules)
        errors += repeated(number, data.external_id, seen)
        lines.append(ExpertLine(number, data, nominated_by, status))
    named = [(x.line, x.nominated_by) for x in lines if x.nominated_by]
    errors += wrong_kind(named, "nominated_by", [OrganisationKind.MEMBER_STATE])
    flawed = {error.line for error in errors}
    return [x for x in lines if x.line not in flawed]


def _lapsed(error: FieldError, data: ExpertData, today: date) -> bool:
    """Whether ``error`` only says that a window which has already ended ends before it starts.

    A typed window that ends before it starts is a typo, and stays an error. But a member
    state's roster also holds availabilities that lapsed (an ``available_until`` in the past,
    earlier than a later ``available_from``): the record is true, the availability is simply
    not current. Such experts import as they are; the deployability rule keeps them
    out of the deployable ranks until their availability is renewed.
    """
    return (
        error.field == "available_until"
        and data.available_until is not None
        and data.available_until < today
    )


def write_experts(
    lines: list[ExpertLine],
    actor_label: str,
    consent_version: str | None = None,
    progress: Progress | None = None,
    *,
    actor: User | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    """Save validated expert lines in one transaction; on any failure, roll everything back.

    Consent: importing is the nominating member state attesting each expert's consent. A line
    without ``consent`` records it as given at the time of the import, for the current consent
    text (``consent_version``, default the app's ``CONSENT_VERSION``); a line with
    ``"consent": {"version": ..., "given_at": ...}`` records that instead.

    A known ``external_id`` updates that expert in place; one the line leaves as it is is not
    touched. An existing expert keeps their status unless the line gives one; a new expert is
    active unless the line says otherwise. ``progress`` is called with the number of lines
    just written.

    ``actor`` is the user the audit events name, when a person imports through the web.
    ``dry_run`` does all of it and then rolls the transaction back, saving nothing: the summary
    says what importing would do (the web bulk import's preview). It rolls back anything else
    the session holds too, so call it with nothing pending.
    """
    version = consent_version or experts.consent_version()
    now = datetime.now(UTC)
    summary = ImportSummary()
    with transaction("expert", keep=not dry_run):
        wanted: dict[str, tuple[int, Callable[[], Organisation]]] = {}
        for x in lines:
            if x.nominated_by not in wanted:
                wanted[x.nominated_by] = (x.line, _member_state(x.nominated_by, x.data.nationality))
        states = find_or_create_organisations(wanted, "nominated_by", summary)
        known = _known_with_details([x.data.external_id for x in lines if x.data.external_id])
        add_new_skills(name for x in lines for name in x.data.skills)
        vocabulary = SkillVocabulary(preload=True)
        areas = {a.code: a for a in core_areas()}

        def save(item: ExpertLine) -> Saved | None:
            organisation = states[item.nominated_by]
            data = _consented(item.data, now)
            expert = known.get(data.external_id or "")
            before = None
            if expert is None:
                expert = Expert(organisation=organisation)
                expert.status = item.status or ExpertStatus.ACTIVE
                db.session.add(expert)
            else:
                if _unchanged(expert, item, organisation.id, vocabulary, areas, version, now):
                    return None
                before = experts.snapshot(expert)
                expert.organisation = organisation
                expert.status = item.status or expert.status
            experts.apply(expert, data, vocabulary, areas, version)
            if data.availability_confirmed_at is not None:
                expert.availability_confirmed_at = data.availability_confirmed_at
            return expert, before

        actions = ("expert.registered", "expert.updated")
        write_in_chunks(
            lines, save, experts.snapshot, actions, actor_label, summary, progress, actor=actor
        )
    return summary


def plan_experts(lines: list[ExpertLine], organisation: Organisation) -> ImportSummary:
    """What importing ``lines`` for ``organisation`` would do (new, updated, unchanged), without
    writing anything: a known expert is compared as ``write_experts`` compares it (the web
    preview of a file of any size; a dry run of ``write_experts`` costs a write per row)."""
    summary = ImportSummary()
    version = experts.consent_version()
    now = datetime.now(UTC)
    with transaction("expert", keep=False), db.session.no_autoflush:
        known = _known_with_details([x.data.external_id for x in lines if x.data.external_id])
        vocabulary = SkillVocabulary(preload=True)  # unknown skills: new ones, rolled back
        areas = {a.code: a for a in core_areas()}
        for item in lines:
            expert = known.get(item.data.external_id or "")
            if expert is None:
                summary.created += 1
            elif _unchanged(expert, item, organisation.id, vocabulary, areas, version, now):
                summary.unchanged += 1
            else:
                summary.updated += 1
    return summary


def _known_with_details(external_ids: list[str]) -> dict[str, Expert]:
    """The experts holding these ids, with what a snapshot reads loaded in a few queries."""
    details = [
        selectinload(getattr(Expert, name))
        for name in ("languages", "modalities", "countries", "skills", "areas")
    ]
    found: dict[str, Expert] = {}
    for chunk in chunks(external_ids, size=500):
        query = sa.select(Expert).where(Expert.external_id.in_(chunk)).options(*details)
        found |= {e.external_id: e for e in db.session.scalars(query) if e.external_id}
    return found


def _consented(data: ExpertData, now: datetime) -> ExpertData:
    """A line without a consent time attests consent now (see ``write_experts``)."""
    return replace(data, consent_given_at=data.consent_given_at or now)


def _unchanged(
    expert: Expert,
    item: ExpertLine,
    organisation_id: int,
    vocabulary: SkillVocabulary,
    areas: dict[str, Any],
    version: str,
    now: datetime,
) -> bool:
    """Whether importing ``item`` would leave ``expert`` as it is: the one rule for "unchanged"."""
    data = _consented(item.data, now)
    # Apply the line to a detached copy, so that an unchanged expert stays untouched.
    probe = Expert(organisation_id=organisation_id, status=item.status or expert.status)
    experts.apply(probe, data, vocabulary, areas, version)
    changes = audit.changed_fields(experts.snapshot(probe), experts.snapshot(expert))
    confirmed = data.availability_confirmed_at
    return not changes and confirmed in (None, expert.availability_confirmed_at)


def _member_state(name: str, nationality: str) -> Callable[[], Organisation]:
    def find_or_create() -> Organisation:
        return organisations.member_state_named(name, fallback_country=nationality)

    return find_or_create
