"""The roster through the API: a member state's focal point keeps their own experts (list,
read, register, update, upsert by ``external_id``, withdraw); HR reviewers read them.

The same services as the pages (``roster.experts``: validation, normalisation, consent, the
``external_id`` rule of the import) and the same permission function (``expert_for``): a token
of Ghana gets 404 for Senegal's experts, whatever id it sends.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from flask import abort, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import RAISE, fields
from sqlalchemy.orm import selectinload

from app.api import PREFIX
from app.api.access import allow
from app.api.idempotency import IDEMPOTENCY_KEY, idempotent
from app.api.paging import answer, page
from app.api.schemas import PageArgs, Schema, VersionSchema, between, limited, one_of, page_schema
from app.api.versions import ETAG, LOCATION, answer_record, expected, versioned
from app.common.errors import FieldError, ValidationFailed
from app.common.permissions import expert_for, refuse
from app.common.reference import GENDERS, MODALITIES, countries, languages
from app.extensions import db
from app.models import Expert, ExpertStatus, Role
from app.models.taxonomy import AREA_LABELS
from app.roster import experts as expert_service
from app.roster import search
from app.roster.experts import MAX_LENGTHS, YEARS_EXPERIENCE, ExpertData
from matching import CEFR_LEVELS

bp = Blueprint(
    "api", __name__, url_prefix=PREFIX, description="A member state's experts on the roster."
)
TAGS = ["experts"]
WRITABLE_STATUSES = (ExpertStatus.ACTIVE, ExpertStatus.UNAVAILABLE, ExpertStatus.WITHDRAWN)


# The codes civcap knows, for the document; the service checks them (with its own message).
COUNTRY_CODES = sorted(countries())
LANGUAGE_CODES = sorted(languages())


class LanguageSchema(Schema):
    code = fields.String(
        required=True,
        metadata={"description": "ISO 639-1 code, e.g. `fr`", "enum": LANGUAGE_CODES},
    )
    level = one_of(CEFR_LEVELS, required=True, metadata={"description": "CEFR level"})


class ExpertInSchema(Schema):
    """An expert as a member state enters them: the fields of the roster's form."""

    external_id = limited(
        MAX_LENGTHS["external_id"],
        load_default=None,
        allow_none=True,
        metadata={"description": "The member state's own reference (unique)"},
    )
    full_name = limited(MAX_LENGTHS["full_name"], required=True)
    email = fields.Email(load_default=None, allow_none=True)
    phone = limited(MAX_LENGTHS["phone"], load_default=None, allow_none=True)
    gender = one_of(GENDERS, load_default="undisclosed")
    nationality = fields.String(
        required=True,
        metadata={"description": "ISO 3166-1 alpha-2 code, e.g. `GH`", "enum": COUNTRY_CODES},
    )
    birth_year = fields.Integer(
        load_default=None, allow_none=True, metadata={"description": "At least 16 years ago"}
    )
    title = limited(
        MAX_LENGTHS["title"], required=True, metadata={"description": "Current or last post"}
    )
    summary = limited(
        MAX_LENGTHS["summary"], load_default="", metadata={"description": "CV summary"}
    )
    skills = fields.List(limited(MAX_LENGTHS["skill"]), load_default=list)
    areas = fields.List(
        fields.String(metadata={"enum": sorted(AREA_LABELS)}),
        load_default=list,
        metadata={"description": "Core area codes"},
    )
    languages = fields.List(fields.Nested(LanguageSchema), required=True)
    years_experience = fields.Integer(load_default=0, validate=between(*YEARS_EXPERIENCE))
    available_from = fields.Date(required=True)
    available_until = fields.Date(load_default=None, allow_none=True)
    modalities = fields.List(one_of(MODALITIES), required=True)
    countries_of_experience = fields.List(
        fields.String(metadata={"enum": COUNTRY_CODES}), load_default=list
    )
    status = one_of(
        [s.value for s in WRITABLE_STATUSES],
        load_default=None,
        allow_none=True,
        metadata={"description": "Kept as it is when left out (new experts are active)"},
    )
    consent = fields.Boolean(
        required=True,
        metadata={"description": "The expert consented to be on the roster (must be true)"},
    )


class ExpertUpdateSchema(ExpertInSchema, VersionSchema):
    """An expert's record as it replaces the one at ``version``."""


class ConsentSchema(Schema):
    version = fields.String(allow_none=True)
    given_at = fields.DateTime(allow_none=True)


class ExpertSchema(Schema):
    """An expert on the roster, as their member state and HR see them."""

    id = fields.Integer(required=True)
    version = fields.Integer(required=True)
    member_state = fields.String(required=True)
    external_id = fields.String(allow_none=True)
    full_name = fields.String(required=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    gender = fields.String(required=True)
    nationality = fields.String(required=True)
    birth_year = fields.Integer(
        allow_none=True, metadata={"description": "Shown to the member state only"}
    )
    title = fields.String(required=True)
    summary = fields.String(required=True)
    skills = fields.List(fields.String(), required=True)
    areas = fields.List(fields.String(), required=True)
    languages = fields.List(fields.Nested(LanguageSchema), required=True)
    years_experience = fields.Integer(required=True)
    available_from = fields.Date(allow_none=True)
    available_until = fields.Date(allow_none=True)
    availability_confirmed_at = fields.DateTime(allow_none=True)
    modalities = fields.List(fields.String(), required=True)
    countries_of_experience = fields.List(fields.String(), required=True)
    status = fields.String(required=True)
    consent = fields.Nested(ConsentSchema, required=True)
    has_cv = fields.Boolean(required=True)
    updated_at = fields.DateTime(allow_none=True)


class ExpertQuerySchema(PageArgs):
    """The roster list's filters, as on the pages."""

    text = limited(200, load_default="", metadata={"description": "In name, title, id or skills"})
    area = limited(40, load_default="")
    language = limited(8, load_default="")
    min_level = one_of(("", *CEFR_LEVELS), load_default="")
    available_on = fields.Date(load_default=None)
    status = one_of(("", *(s.value for s in ExpertStatus)), load_default="")
    nationality = limited(2, load_default="")


ExpertPageSchema = page_schema(ExpertSchema, "ExpertPage")


def representation(expert: Expert) -> dict[str, Any]:
    """The expert as the API shows them to the caller (HR does not see the birth year, as on
    its pages)."""
    shown = {
        "id": expert.id,
        "version": expert.version,
        "member_state": expert.organisation.name,
        "external_id": expert.external_id,
        **expert_service.profile_of(expert),
        "skills": sorted(skill.name for skill in expert.skills),
        "areas": sorted(area.code for area in expert.areas),
        "languages": [{"code": lang.code, "level": lang.level} for lang in expert.languages],
        "years_experience": expert.years_experience,
        "available_from": expert.available_from,
        "available_until": expert.available_until,
        "availability_confirmed_at": expert.availability_confirmed_at,
        "modalities": sorted(m.modality for m in expert.modalities),
        "countries_of_experience": sorted(c.country for c in expert.countries),
        "status": expert.status.value,
        "consent": {"version": expert.consent_version, "given_at": expert.consent_given_at},
        "has_cv": expert.cv_filename is not None,
        "updated_at": expert.updated_at,
    }
    if current_user.role is not Role.FOCAL_POINT:
        shown["birth_year"] = None
    return shown


def _data(body: dict[str, Any]) -> ExpertData:
    status = body.get("status")
    return ExpertData(
        external_id=body.get("external_id"),
        full_name=body["full_name"],
        email=body.get("email"),
        phone=body.get("phone"),
        gender=body["gender"],
        nationality=body["nationality"],
        birth_year=body.get("birth_year"),
        title=body["title"],
        summary=body["summary"],
        skills=list(body["skills"]),
        areas=list(body["areas"]),
        languages=[(lang["code"], lang["level"]) for lang in body["languages"]],
        years_experience=body["years_experience"],
        available_from=body["available_from"],
        available_until=body.get("available_until"),
        modalities=list(body["modalities"]),
        countries_of_experience=list(body["countries_of_experience"]),
        consent=bool(body["consent"]),
        status=ExpertStatus(status) if status else None,
    )


def _saved(expert: Expert, status: int = 200) -> tuple[dict[str, Any], int, dict[str, str]]:
    location = url_for("roster.api.read_expert", expert_id=expert.id) if status == 201 else None
    return answer_record(representation(expert), expert.version, status, location)


def _register(body: dict[str, Any]) -> Expert:
    return expert_service.register(
        _data(body), current_user.organisation, current_user, expert_service.consent_version()
    )


def _update(expert: Expert, data: ExpertData, body_version: int | None) -> Expert:
    wanted = expected(
        expert.version, body_version, lambda: ExpertSchema().dump(representation(expert))
    )
    return expert_service.update(
        expert, data, current_user, expert_service.consent_version(), expected_version=wanted
    )


# What a client (and Schemathesis' stateful runs) can do next with an expert it was given.
EXPERT_LINKS = {
    "read": {"operationId": "read_expert", "parameters": {"expert_id": "$response.body#/id"}},
    "update": {
        "operationId": "update_expert",
        "parameters": {
            "expert_id": "$response.body#/id",
            "header.If-Match": "$response.header.ETag",
        },
    },
    "withdraw": {
        "operationId": "withdraw_expert",
        "parameters": {
            "expert_id": "$response.body#/id",
            "header.If-Match": "$response.header.ETag",
        },
    },
}


@bp.route("/experts", methods=["GET"], tags=TAGS)
@allow(Role.FOCAL_POINT, Role.HR_REVIEWER)
@bp.arguments(ExpertQuerySchema, location="query", unknown=RAISE)
@bp.response(200, ExpertPageSchema)
def list_experts(query: dict[str, Any]) -> Any:
    """The roster, filtered as on the pages, page by page in id order

    A focal point sees their own member state's experts; HR sees every member state's.
    """
    own = current_user.organisation_id if current_user.role is Role.FOCAL_POINT else None
    filters = search.ExpertFilters(
        text=query["text"],
        area=query["area"],
        language=query["language"],
        min_level=query["min_level"],
        available_on=query["available_on"],
        status=query["status"],
        nationality=query["nationality"],
        organisation_id=own,
    )
    rows, next_cursor = page(
        search.experts(filters).options(*_loaded()), Expert.id, query["after"], query["limit"]
    )
    return answer([representation(expert) for expert in rows], next_cursor)


def _loaded() -> list[Any]:
    return [
        selectinload(Expert.organisation),
        selectinload(Expert.skills),
        selectinload(Expert.areas),
        selectinload(Expert.languages),
        selectinload(Expert.modalities),
        selectinload(Expert.countries),
    ]


@bp.route("/experts", methods=["POST"], tags=TAGS)
@allow(Role.FOCAL_POINT)
@idempotent
@bp.arguments(ExpertInSchema)
@bp.response(201, ExpertSchema, headers=LOCATION)
@bp.doc(responses={"201": {"links": EXPERT_LINKS}}, parameters=[IDEMPOTENCY_KEY])
def register_expert(body: dict[str, Any]) -> Any:
    """Register an expert of your member state

    The same checks as the roster's form and import; send an Idempotency-Key to make it safe
    to send again.
    """
    return _saved(_register(body), 201)


@bp.route("/experts/<int:expert_id>", methods=["GET"], tags=TAGS)
@allow(Role.FOCAL_POINT, Role.HR_REVIEWER)
@bp.response(200, ExpertSchema, headers=ETAG)
@bp.doc(responses={"200": {"links": EXPERT_LINKS}})
@bp.alt_response(404, response="NOT_FOUND")
def read_expert(expert_id: int) -> Any:
    """One expert (ETag: their version)"""
    return _saved(expert_for(current_user, expert_id))


@bp.route("/experts/<int:expert_id>", methods=["PUT"], tags=TAGS)
@allow(Role.FOCAL_POINT)
@bp.arguments(ExpertUpdateSchema)
@bp.response(200, ExpertSchema, headers=ETAG)
@bp.doc(responses={"200": {"links": EXPERT_LINKS}})
@versioned(bp)
def update_expert(body: dict[str, Any], expert_id: int) -> Any:
    """Replace an expert's record (If-Match: their version)"""
    expert = expert_for(current_user, expert_id, edit=True)
    return _saved(_update(expert, _data(body), body.get("version")))


@bp.route("/experts/<int:expert_id>/withdraw", methods=["POST"], tags=TAGS)
@allow(Role.FOCAL_POINT)
@bp.arguments(VersionSchema)
@bp.response(200, ExpertSchema, headers=ETAG)
@versioned(bp)
def withdraw_expert(body: dict[str, Any], expert_id: int) -> Any:
    """Withdraw an expert from the roster (If-Match: their version)

    The record stays, withdrawn: no longer suggested; erased after the retention period.
    """
    expert = expert_for(current_user, expert_id, edit=True)
    data = replace(expert_service.data_of(expert), status=ExpertStatus.WITHDRAWN)
    return _saved(_update(expert, data, body.get("version")))


def _by_external_id(external_id: str) -> Expert | None:
    """Your member state's expert with this reference; another state's is "not found"."""
    expert = db.session.scalar(sa.select(Expert).where(Expert.external_id == external_id))
    if expert is not None and expert.organisation_id != current_user.organisation_id:
        refuse(current_user, "expert", expert.id)
    return expert


@bp.route("/experts/by-external-id/<string(maxlength=64):external_id>", methods=["GET"], tags=TAGS)
@allow(Role.FOCAL_POINT)
@bp.response(200, ExpertSchema, headers=ETAG)
@bp.doc(responses={"200": {"links": EXPERT_LINKS}})
@bp.alt_response(404, response="NOT_FOUND")
def read_expert_by_external_id(external_id: str) -> Any:
    """Your member state's expert by your own reference"""
    expert = _by_external_id(external_id)
    if expert is None:
        abort(404)
    return _saved(expert)


@bp.route("/experts/by-external-id/<string(maxlength=64):external_id>", methods=["PUT"], tags=TAGS)
@allow(Role.FOCAL_POINT)
@bp.arguments(ExpertUpdateSchema)
@bp.response(200, ExpertSchema, headers=ETAG)
@bp.alt_response(201, schema=ExpertSchema, description="Registered", success=True)
@versioned(bp)
def upsert_expert(body: dict[str, Any], external_id: str) -> Any:
    """Register or update your expert by your own reference (the sync of a national roster)

    Registers the expert when no record has this reference (201); otherwise updates it, which
    needs its version (If-Match or `version`), as every update does.
    """
    expert = _by_external_id(external_id)
    if body.get("external_id") not in (None, external_id):
        reason = _("must be the reference in the address, or left out")
        raise ValidationFailed([FieldError("external_id", reason)])
    body = {**body, "external_id": external_id}
    if expert is None:
        return _saved(_register(body), 201)
    return _saved(_update(expert, _data(body), body.get("version")))
