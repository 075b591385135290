"""Outreach through the API: a member state's focal point nominates their own experts for a
request published to them, and answers the release consultations HR sends about them.

The requests published to a member state are listed by ``GET /requests`` (``requests.api``). The
same services as the focal point's pages (``outreach.nominations``, ``outreach.consultations``)
and the same permission functions: an expert of another member state is 404 (``expert_for``),
a request not published to the caller is 404 or refused (``request_for``, then the service),
and a consultation about another member state's expert is 404 (``candidate_for``).
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import RAISE, fields

from app.api import PREFIX
from app.api.access import allow
from app.api.idempotency import IDEMPOTENCY_KEY, idempotent
from app.api.paging import answer, page
from app.api.schemas import PageArgs, Schema, VersionSchema, at_most, one_of, record_id
from app.api.versions import ETAG, versioned
from app.candidates.api import (
    CANDIDATE_LINKS,
    CandidatePageSchema,
    CandidateSchema,
    answer_candidate,
    representation,
    said,
    wanted,
)
from app.common.permissions import candidate_for, expert_for, request_for
from app.models import Candidate, Role
from app.outreach import consultations, nominations

bp = Blueprint(
    "api",
    __name__,
    url_prefix=PREFIX,
    description="Nominations and release consultations of a member state.",
)
TAGS = ["outreach"]
MOST_NOMINATED = 100  # experts in one nomination


class NominationSchema(Schema):
    experts = fields.List(
        record_id(),
        required=True,
        validate=at_most(MOST_NOMINATED),
        metadata={
            "description": "Ids of your member state's experts, active with consent, who are "
            "not yet candidates; all are nominated or none"
        },
    )


class NominatedSchema(Schema):
    items = fields.List(fields.Nested(CandidateSchema), required=True)


class ConsultationQuerySchema(PageArgs):
    answered = fields.Boolean(
        load_default=False,
        metadata={"description": "The answered ones (else those waiting for your answer)"},
    )


class AnswerSchema(VersionSchema):
    """A focal point's answer to a release consultation, as on their page."""

    answer = one_of(("released", "not_released"), required=True)
    reason = said("reason", "Why not (required when not released)")
    note = said("note", "The legal basis or the return arrangements")


@bp.route("/requests/<int:request_id>/nominations", methods=["POST"], tags=TAGS)
@allow(Role.FOCAL_POINT)
@idempotent
@bp.arguments(NominationSchema)
@bp.response(201, NominatedSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
@bp.doc(parameters=[IDEMPOTENCY_KEY])
def nominate(body: dict[str, Any], request_id: int) -> Any:
    """Nominate your own experts for a request published to you

    They join its candidates (suggested) with the matcher's score and reasons, for HR to
    review. 422 names each expert who cannot be nominated and why; 409 when the request is not
    published to you or takes no nominations now.
    """
    expertise_request = request_for(current_user, request_id)
    chosen = dict.fromkeys(body["experts"])  # once each, in the order sent
    experts = [expert_for(current_user, expert_id) for expert_id in chosen]
    added = nominations.nominate(expertise_request, experts, current_user)
    return {"items": [representation(c) for c in added]}, 201


@bp.route("/consultations", methods=["GET"], tags=TAGS)
@allow(Role.FOCAL_POINT)
@bp.arguments(ConsultationQuerySchema, location="query", unknown=RAISE)
@bp.response(200, CandidatePageSchema)
def list_consultations(query: dict[str, Any]) -> Any:
    """Release consultations about your experts, page by page in id order

    Those waiting for your answer (on requests still being worked on), or with
    `answered=true` those you answered.
    """
    asked = consultations.waiting_or_answered(
        current_user.organisation_id, waiting=not query["answered"]
    )
    rows, next_cursor = page(asked, Candidate.id, query["after"], query["limit"])
    return answer([representation(c) for c in rows], next_cursor)


@bp.route("/candidates/<int:candidate_id>/answer", methods=["POST"], tags=TAGS)
@allow(Role.FOCAL_POINT)
@bp.arguments(AnswerSchema)
@bp.response(200, CandidateSchema, headers=ETAG)
@bp.doc(responses={"200": {"links": CANDIDATE_LINKS}})
@versioned(bp, refusable=True)
def answer_consultation(body: dict[str, Any], candidate_id: int) -> Any:
    """Answer a release consultation about your expert (If-Match: the candidate's version)

    Released, or not released with a reason. 409 when no consultation waits for an answer.
    """
    candidate = candidate_for(current_user, candidate_id)
    version = wanted(candidate, body.get("version"))
    answered = consultations.answer(
        candidate,
        body["answer"] == "released",
        current_user,
        reason=body["reason"],
        note=body["note"],
        expected_version=version,
    )
    return answer_candidate(answered)
