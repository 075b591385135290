"""Requests for expertise through the API: a mission's requester writes, submits, revises and
cancels their organisation's requests; HR reviewers list and read every submitted one; a
member state's focal point lists and reads the requests published to them.

The same services as the pages (``requests.drafting`` and ``requests.lifecycle``: validation,
the draft-only edit, the start date at submission, who may revise or close what and when) and
the same permission function (``request_for``): a token of one mission gets 404 for another's
requests, whatever id it sends, and HR never sees a draft.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import RAISE, fields
from sqlalchemy.orm import selectinload

from app.api import PREFIX
from app.api.access import allow
from app.api.idempotency import IDEMPOTENCY_KEY, idempotent
from app.api.paging import answer, page
from app.api.schemas import PageArgs, Schema, VersionSchema, limited, one_of, page_schema
from app.api.versions import ETAG, LOCATION, answer_record, expected, versioned
from app.candidates import queries as candidate_queries
from app.common.permissions import request_for
from app.common.reference import CEFR_LEVELS, MODALITIES, countries, languages
from app.models import ExpertiseRequest, RequestStatus, Role
from app.models.taxonomy import AREA_LABELS
from app.outreach import publication
from app.requests import drafting as request_service
from app.requests import lifecycle, search
from app.requests.drafting import RequestData

bp = Blueprint("api", __name__, url_prefix=PREFIX, description="Requests for expertise.")
TAGS = ["requests"]

# The codes civcap knows, for the document; the service checks them (with its own message).
COUNTRY_CODES = sorted(countries())
LANGUAGE_CODES = sorted(languages())
STATUSES = [s.value for s in RequestStatus]
CLOSING_OUTCOMES = [o.value for o in lifecycle.CLOSINGS]
# Who is shown a request's candidates and why it was closed: its requester and HR, as on their
# request pages (a focal point's page shows the request's facts and only their own experts).
SEES_PROGRESS = (Role.REQUESTER, Role.HR_REVIEWER)


class RequiredLanguageSchema(Schema):
    code = fields.String(
        required=True,
        metadata={"description": "ISO 639-1 code, e.g. `fr`", "enum": LANGUAGE_CODES},
    )
    min_level = one_of(
        CEFR_LEVELS, required=True, metadata={"description": "The minimum CEFR level"}
    )


class PreferredLanguageSchema(Schema):
    code = fields.String(
        required=True,
        metadata={"description": "ISO 639-1 code, e.g. `fr`", "enum": LANGUAGE_CODES},
    )
    level = one_of(CEFR_LEVELS, required=True, metadata={"description": "The CEFR level wished"})


# The limits ``drafting.validate`` applies, stated in the document from the same constants: the
# service checks them (and says what is wrong with each field).
def _range(name: str) -> dict[str, int]:
    low, high = request_service.RANGES[name]
    return {"minimum": low, "maximum": high}


DOCUMENTED: dict[str, dict[str, Any]] = {
    "title": {"maxLength": request_service.MAX_LENGTHS["title"]},
    "terms_of_reference": {"maxLength": request_service.MAX_LENGTHS["terms_of_reference"]},
    "required_skills[]": {"maxLength": request_service.MAX_LENGTHS["skill"]},
    "duty_station": {"maxLength": request_service.MAX_LENGTHS["duty_station"]},
    "min_years_experience": _range("min_years_experience"),
    "duration_months": _range("duration_months"),
    "positions": _range("positions"),
}
HIGH_RISK = (
    "A high-risk duty station: its candidates need the advanced security training "
    "certificate (e.g. SSAFE) before deployment"
)


class RequestInSchema(Schema):
    """A request as a mission writes it: the fields of the request form.

    The lengths, ranges, area and codes are checked by the service (``drafting.validate``, as
    for the form and the import), each with its message on the same field name; the document
    states them (``DOCUMENTED``) so that a client knows them before it sends.
    """

    title = fields.String(required=True, metadata=DOCUMENTED["title"])
    terms_of_reference = fields.String(load_default="", metadata=DOCUMENTED["terms_of_reference"])
    area = fields.String(
        required=True,
        metadata={"description": "A core area code, e.g. `security`", "enum": sorted(AREA_LABELS)},
    )
    required_skills = fields.List(
        fields.String(metadata=DOCUMENTED["required_skills[]"]), load_default=list
    )
    languages = fields.List(
        fields.Nested(RequiredLanguageSchema),
        load_default=list,
        metadata={"description": "Required languages, each with its minimum level"},
    )
    preferred_languages = fields.List(
        fields.Nested(PreferredLanguageSchema),
        load_default=list,
        metadata={"description": "Languages wished for (a soft signal, never a condition)"},
    )
    min_years_experience = fields.Integer(
        load_default=0, metadata=DOCUMENTED["min_years_experience"]
    )
    start_date = fields.Date(
        required=True, metadata={"description": "Not in the past when submitted or revised"}
    )
    duration_months = fields.Integer(required=True, metadata=DOCUMENTED["duration_months"])
    modality = one_of(MODALITIES, required=True)
    duty_station = fields.String(
        load_default=None, allow_none=True, metadata=DOCUMENTED["duty_station"]
    )
    country = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "Mission country, ISO 3166-1 alpha-2", "enum": COUNTRY_CODES},
    )
    high_risk = fields.Boolean(load_default=False, metadata={"description": HIGH_RISK})
    positions = fields.Integer(load_default=1, metadata=DOCUMENTED["positions"])


class RequestUpdateSchema(RequestInSchema, VersionSchema):
    """A request's new fields and the version they change."""


class RequestCloseSchema(VersionSchema):
    outcome = one_of(
        CLOSING_OUTCOMES,
        required=True,
        metadata={"description": "`cancelled` (a requester cancels); closing unfilled is HR's"},
    )
    reason = fields.String(load_default="", metadata={"description": "Why (required)"})


class SelectedExpertSchema(Schema):
    full_name = fields.String(required=True)
    member_state = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": "selected, deployed, completed"})


class RequestProgressSchema(Schema):
    candidates = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "How many candidates are in each state (no names)"},
    )
    selected = fields.List(
        fields.Nested(SelectedExpertSchema),
        required=True,
        metadata={"description": "The experts selected (then deployed, completed)"},
    )


class RequestSchema(Schema):
    """A request for expertise, as its mission, HR and the member states it is published to
    see it."""

    id = fields.Integer(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": STATUSES})
    organisation = fields.String(required=True, metadata={"description": "Requested by"})
    external_id = fields.String(
        allow_none=True, metadata={"description": "The mission's reference"}
    )
    title = fields.String(required=True)
    terms_of_reference = fields.String(required=True)
    area = fields.String(required=True)
    required_skills = fields.List(fields.String(), required=True)
    languages = fields.List(fields.Nested(RequiredLanguageSchema), required=True)
    preferred_languages = fields.List(fields.Nested(PreferredLanguageSchema), required=True)
    min_years_experience = fields.Integer(required=True)
    start_date = fields.Date(required=True)
    duration_months = fields.Integer(required=True)
    modality = fields.String(required=True)
    duty_station = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    high_risk = fields.Boolean(required=True, metadata={"description": HIGH_RISK})
    positions = fields.Integer(required=True)
    replaces_id = fields.Integer(
        allow_none=True, metadata={"description": "The earlier revision this one replaces"}
    )
    closed_reason = fields.String(
        allow_none=True,
        metadata={"description": "Why it was closed unfilled or cancelled (requester and HR)"},
    )
    submitted_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime(allow_none=True)
    progress = fields.Nested(
        RequestProgressSchema,
        allow_none=True,
        metadata={"description": "Its candidates: to its requester and HR only (else null)"},
    )


class RequestQuerySchema(PageArgs):
    """The request lists' filters, as on the pages."""

    text = limited(
        200, load_default="", metadata={"description": "In title, terms of reference, reference"}
    )
    area = limited(40, load_default="")
    language = limited(8, load_default="", metadata={"description": "Requires this language"})
    status = one_of(("", *STATUSES), load_default="")


RequestPageSchema = page_schema(RequestSchema, "RequestPage")


def _progress(expertise_request: ExpertiseRequest) -> dict[str, Any] | None:
    """What the request page shows of its candidates, to those it shows it to."""
    if current_user.role not in SEES_PROGRESS:
        return None
    return {
        "candidates": {
            state.value: n for state, n in candidate_queries.progress(expertise_request).items()
        },
        "selected": [
            {
                "full_name": c.expert.full_name,
                "member_state": c.expert.organisation.name,
                "state": c.state.value,
            }
            for c in candidate_queries.selected(expertise_request)
        ],
    }


def representation(expertise_request: ExpertiseRequest) -> dict[str, Any]:
    """The request as the API shows it to the caller."""
    r = expertise_request
    return {
        "id": r.id,
        "version": r.version,
        "status": r.status.value,
        "organisation": r.organisation.name,
        "external_id": r.external_id,
        "title": r.title,
        "terms_of_reference": r.terms_of_reference,
        "area": r.area_code,
        "required_skills": [skill.name for skill in r.skills],
        "languages": [{"code": lang.code, "min_level": lang.min_level} for lang in r.languages],
        "preferred_languages": [
            {"code": lang.code, "level": lang.level} for lang in r.preferred_languages
        ],
        "min_years_experience": r.min_years_experience,
        "start_date": r.start_date,
        "duration_months": r.duration_months,
        "modality": r.modality,
        "duty_station": r.duty_station,
        "country": r.country,
        "high_risk": r.high_risk,
        "positions": r.positions,
        "replaces_id": r.replaces_id,
        "closed_reason": r.closed_reason if current_user.role in SEES_PROGRESS else None,
        "submitted_at": r.submitted_at,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
        "progress": _progress(r),
    }


def _data(body: dict[str, Any]) -> RequestData:
    return RequestData(
        title=body["title"],
        terms_of_reference=body["terms_of_reference"],
        area=body["area"],
        skills=list(body["required_skills"]),
        languages=[(lang["code"], lang["min_level"]) for lang in body["languages"]],
        preferred_languages=[(lang["code"], lang["level"]) for lang in body["preferred_languages"]],
        min_years_experience=body["min_years_experience"],
        start_date=body["start_date"],
        duration_months=body["duration_months"],
        modality=body["modality"],
        duty_station=body.get("duty_station"),
        country=body.get("country"),
        high_risk=body["high_risk"],
        positions=body["positions"],
    )


def _saved(
    expertise_request: ExpertiseRequest, status: int = 200
) -> tuple[dict[str, Any], int, dict[str, str]]:
    location = (
        url_for("requests.api.read_request", request_id=expertise_request.id)
        if status == 201
        else None
    )
    return answer_record(
        representation(expertise_request), expertise_request.version, status, location
    )


def _wanted(expertise_request: ExpertiseRequest, body_version: int | None) -> int:
    """The version the caller changes: 428 without one, 412 with the request as it is now
    when it is stale."""
    return expected(
        expertise_request.version,
        body_version,
        lambda: RequestSchema().dump(representation(expertise_request)),
    )


# What a client (and Schemathesis' stateful runs) can do next with a request it was given.
REQUEST_LINKS = {
    "read": {"operationId": "read_request", "parameters": {"request_id": "$response.body#/id"}},
    "update": {
        "operationId": "update_request",
        "parameters": {
            "request_id": "$response.body#/id",
            "header.If-Match": "$response.header.ETag",
        },
    },
    "submit": {
        "operationId": "submit_request",
        "parameters": {
            "request_id": "$response.body#/id",
            "header.If-Match": "$response.header.ETag",
        },
    },
}


@bp.route("/requests", methods=["GET"], tags=TAGS)
@allow(Role.REQUESTER, Role.HR_REVIEWER, Role.FOCAL_POINT)
@bp.arguments(RequestQuerySchema, location="query", unknown=RAISE)
@bp.response(200, RequestPageSchema)
def list_requests(query: dict[str, Any]) -> Any:
    """Requests, filtered as on the pages, page by page in id order

    A requester sees their own organisation's requests, drafts included; HR sees every
    organisation's, never a draft; a focal point the requests published to their member state
    that take nominations (open or in selection), as on their page.
    """
    requester = current_user.role is Role.REQUESTER
    filters = search.RequestFilters(
        text=query["text"],
        area=query["area"],
        language=query["language"],
        status=query["status"],
        organisation_id=current_user.organisation_id if requester else None,
        exclude_drafts=not requester,
    )
    loaded = search.requests(filters).options(selectinload(ExpertiseRequest.organisation))
    if current_user.role is Role.FOCAL_POINT:
        published = publication.published_ids(current_user.organisation_id)
        loaded = loaded.where(ExpertiseRequest.id.in_(published))
    rows, next_cursor = page(loaded, ExpertiseRequest.id, query["after"], query["limit"])
    return answer([representation(r) for r in rows], next_cursor)


@bp.route("/requests", methods=["POST"], tags=TAGS)
@allow(Role.REQUESTER)
@idempotent
@bp.arguments(RequestInSchema)
@bp.response(201, RequestSchema, headers=LOCATION)
@bp.doc(responses={"201": {"links": REQUEST_LINKS}}, parameters=[IDEMPOTENCY_KEY])
def create_request(body: dict[str, Any]) -> Any:
    """Save a new request of your organisation as a draft

    The same checks as the request form. A draft stays with your organisation until you submit
    it. Send an Idempotency-Key to make it safe to send again.
    """
    draft = request_service.save_draft(_data(body), current_user.organisation, current_user)
    return _saved(draft, 201)


@bp.route("/requests/<int:request_id>", methods=["GET"], tags=TAGS)
@allow(Role.REQUESTER, Role.HR_REVIEWER, Role.FOCAL_POINT)
@bp.response(200, RequestSchema, headers=ETAG)
@bp.doc(responses={"200": {"links": REQUEST_LINKS}})
@bp.alt_response(404, response="NOT_FOUND")
def read_request(request_id: int) -> Any:
    """One request (ETag: its version)

    A requester reads their organisation's; HR any submitted one; a focal point one published
    to their member state or with one of their experts as a candidate.
    """
    return _saved(request_for(current_user, request_id))


@bp.route("/requests/<int:request_id>", methods=["PUT"], tags=TAGS)
@allow(Role.REQUESTER)
@bp.arguments(RequestUpdateSchema)
@bp.response(200, RequestSchema, headers=ETAG)
@bp.doc(responses={"200": {"links": REQUEST_LINKS}})
@versioned(bp, refusable=True)
def update_request(body: dict[str, Any], request_id: int) -> Any:
    """Replace a draft's fields (If-Match: its version)

    Only a draft is edited; a submitted request is revised instead (409 says so).
    """
    expertise_request = request_for(current_user, request_id, edit=True)
    wanted = _wanted(expertise_request, body.get("version"))
    updated = request_service.update_draft(
        expertise_request, _data(body), current_user, expected_version=wanted
    )
    return _saved(updated)


@bp.route("/requests/<int:request_id>/submit", methods=["POST"], tags=TAGS)
@allow(Role.REQUESTER)
@bp.arguments(VersionSchema)
@bp.response(200, RequestSchema, headers=ETAG)
@versioned(bp, refusable=True)
def submit_request(body: dict[str, Any], request_id: int) -> Any:
    """Submit a draft to HR (If-Match: its version)

    Its start date must not be in the past (422 on `start_date`).
    """
    expertise_request = request_for(current_user, request_id, edit=True)
    _wanted(expertise_request, body.get("version"))
    return _saved(request_service.submit(expertise_request, current_user))


@bp.route("/requests/<int:request_id>/revise", methods=["POST"], tags=TAGS)
@allow(Role.REQUESTER)
@bp.arguments(RequestUpdateSchema)
@bp.response(201, RequestSchema, headers=LOCATION, description="The new revision")
@versioned(bp, refusable=True)
@bp.doc(responses={"201": {"links": REQUEST_LINKS}})
def revise_request(body: dict[str, Any], request_id: int) -> Any:
    """Revise a submitted, open or in-selection request (If-Match: its version)

    Makes a new revision with these fields (201, at its own address); the old one is kept,
    replaced, with its shortlist. A draft is updated instead (409 says so).
    """
    expertise_request = request_for(current_user, request_id, edit=True)
    wanted = _wanted(expertise_request, body.get("version"))
    revision = lifecycle.revise(expertise_request, _data(body), current_user, wanted)
    return _saved(revision, 201)


@bp.route("/requests/<int:request_id>/close", methods=["POST"], tags=TAGS)
@allow(Role.REQUESTER)
@bp.arguments(RequestCloseSchema)
@bp.response(200, RequestSchema, headers=ETAG)
@versioned(bp, refusable=True)
def close_request(body: dict[str, Any], request_id: int) -> Any:
    """Cancel a request, saying why (If-Match: its version)

    A requester cancels their organisation's request while it is a draft, submitted, open or
    in selection; closing unfilled is HR's (409 says why a request cannot be closed so).
    """
    expertise_request = request_for(current_user, request_id, edit=True)
    wanted = _wanted(expertise_request, body.get("version"))
    closed = lifecycle.close(
        expertise_request,
        RequestStatus(body["outcome"]),
        current_user,
        body["reason"],
        expected_version=wanted,
    )
    return _saved(closed)
