"""Importing requests for expertise: one JSON object per line, in civcap's interchange format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _

from app.accounts import organisations
from app.common import audit
from app.common.errors import FieldError
from app.common.transaction import transaction
from app.common.vocabulary import SkillVocabulary, core_area_codes
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
    existing,
    find_or_create_organisations,
    json_objects,
    line_errors,
    repeated,
    write_in_chunks,
    wrong_kind,
)
from app.models import ExpertiseRequest, Organisation, OrganisationKind, RequestStatus
from app.requests import drafting as requests
from app.requests.drafting import RequestData

REQUESTING_KINDS = (OrganisationKind.MISSION, OrganisationKind.HQ_DEPARTMENT)
REQUEST_FIELDS = {
    "external_id", "title", "mission_country", "terms_of_reference", "area", "required_skills",
    "languages", "preferred_languages", "min_years_experience", "start_date", "duration_months",
    "modality", "positions", "duty_station", "high_risk", "status", "requesting_organisation",
}  # fmt: skip


@dataclass
class RequestLine:
    """One validated line: the request, who requests it, and a status if the line gives one."""

    line: int
    data: RequestData
    organisation: str
    status: RequestStatus | None


@dataclass
class RequestPlan:
    """Validated request lines, and the kind of any requesting organisation still to create."""

    lines: list[RequestLine]
    kind: OrganisationKind

    def __len__(self) -> int:
        return len(self.lines)


def read_requests(
    source: Source,
    organisation: str | None = None,
    kind: OrganisationKind = OrganisationKind.MISSION,
) -> RequestPlan:
    """Parse and validate a file of requests; raise ImportFailed listing every problem.

    Required: ``external_id``, ``title``, ``area``, ``start_date``, ``duration_months`` and
    ``modality``. The requesting organisation is the line's ``requesting_organisation``, else
    ``organisation`` (the whole file's); a line with neither is an error. An organisation that
    does not exist yet will be created as ``kind`` (a mission or an HQ department).
    """
    if kind not in REQUESTING_KINDS:
        raise ValueError(f"a requesting organisation is a mission or an HQ department, not {kind}")
    errors: list[LineError] = []
    lines: list[RequestLine] = []
    areas = core_area_codes()
    seen: dict[str, int] = {}
    for number, record in json_objects(source, errors):
        line = FieldReader(record, REQUEST_FIELDS)
        data = RequestData(
            external_id=line.text("external_id", required=True),
            title=line.text("title", required=True) or "",
            country=line.text("mission_country"),
            terms_of_reference=line.text("terms_of_reference") or "",
            area=line.text("area", required=True) or "",
            skills=line.texts("required_skills"),
            languages=line.languages("languages", "min_level"),
            preferred_languages=line.languages("preferred_languages", "min_level"),
            min_years_experience=line.number("min_years_experience") or 0,
            start_date=line.day("start_date", required=True),
            duration_months=line.number("duration_months", required=True) or 0,
            modality=line.text("modality", required=True) or "",
            positions=line.number("positions") or 1,
            duty_station=line.text("duty_station"),
            high_risk=line.flag("high_risk"),
        )
        requester = line.text("requesting_organisation", max_length=200) or organisation or ""
        if not requester.strip():
            line.fail(
                "requesting_organisation",
                _("is required when no organisation is given for the whole file"),
            )
        status = line.choice("status", RequestStatus)
        rules = [_as_mission_country(e) for e in requests.validate(data, areas)]
        errors += line_errors(number, line, rules)
        errors += repeated(number, data.external_id, seen)
        lines.append(RequestLine(number, data, requester.strip(), status))
    named = [(x.line, x.organisation) for x in lines if x.organisation]
    errors += wrong_kind(named, "requesting_organisation", REQUESTING_KINDS)
    if errors:
        raise ImportFailed(errors)
    return RequestPlan(lines, kind)


def _as_mission_country(error: FieldError) -> FieldError:
    # RequestData calls it country; the file calls it mission_country.
    return FieldError("mission_country", error.message) if error.field == "country" else error


def write_requests(
    plan: RequestPlan, actor_label: str, progress: Progress | None = None
) -> ImportSummary:
    """Save validated request lines in one transaction; on any failure, roll everything back.

    Imported requests were accepted already, so a new one is ``open`` unless its line gives a
    ``status``; an existing one keeps its status unless the line gives one. A known
    ``external_id`` updates that request in place (imports are not revisions); one the line
    leaves as it is is not touched. ``progress`` is called with the number of lines just written.
    """
    now = datetime.now(UTC)
    summary = ImportSummary()
    with transaction("request"):
        wanted: dict[str, tuple[int, Callable[[], Organisation]]] = {}
        for x in plan.lines:
            if x.organisation not in wanted:
                finder = _requester(x.organisation, plan.kind, x.data.country)
                wanted[x.organisation] = (x.line, finder)
        requesters = find_or_create_organisations(wanted, "requesting_organisation", summary)
        ids = [x.data.external_id for x in plan.lines if x.data.external_id]
        known = existing(ExpertiseRequest, ids)
        add_new_skills(name for x in plan.lines for name in x.data.skills)
        vocabulary = SkillVocabulary(preload=True)

        def save(item: RequestLine) -> Saved | None:
            organisation = requesters[item.organisation]
            request = known.get(item.data.external_id or "")
            before = None
            if request is None:
                request = ExpertiseRequest(organisation=organisation)
                request.status = item.status or RequestStatus.OPEN
                db.session.add(request)
            else:
                status = item.status or request.status
                probe = ExpertiseRequest(organisation_id=organisation.id, status=status)
                requests.apply(probe, item.data, vocabulary)
                if not audit.changed_fields(requests.snapshot(probe), requests.snapshot(request)):
                    return None
                before = requests.snapshot(request)
                request.organisation = organisation
                request.status = status
            requests.apply(request, item.data, vocabulary)
            if request.status is not RequestStatus.DRAFT and request.submitted_at is None:
                request.submitted_at = now
            return request, before

        actions = ("request.created", "request.updated")
        write_in_chunks(
            plan.lines, save, requests.snapshot, actions, actor_label, summary, progress
        )
    return summary


def _requester(
    name: str, kind: OrganisationKind, country: str | None
) -> Callable[[], Organisation]:
    def find_or_create() -> Organisation:
        found = organisations.by_name(name)
        if found is not None:
            return found
        # A mission sits in its mission country; an HQ department does not.
        where = country if kind is OrganisationKind.MISSION else None
        return organisations.new_organisation(name, kind, where)

    return find_or_create
