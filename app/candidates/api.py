"""Candidates through the API: HR reviewers read a request's shortlist, add an expert to it and
move candidates through the selection procedure; a member state's focal point reads their own
experts' candidacies (and answers release consultations, ``outreach.api``).

The same services as the shortlist page (``candidates.workflow``: which move from which state by
whom, four eyes on selection, the positions, the reason codes, the audit trail) and the same
permission functions (``request_for``, ``expert_for``, ``candidate_for``): a candidate of a
request HR may not see, or of another member state's expert, is 404 whatever id is sent.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import RAISE, fields

from app.api import PREFIX
from app.api.access import allow
from app.api.idempotency import IDEMPOTENCY_KEY, idempotent
from app.api.paging import answer, page
from app.api.schemas import PageArgs, Schema, VersionSchema, one_of, page_schema, record_id
from app.api.versions import ETAG, LOCATION, answer_record, expected, versioned
from app.assignments import evaluation as evaluations
from app.candidates import queries as candidate_queries
from app.candidates import workflow
from app.common.permissions import candidate_for, expert_for, request_for
from app.models import Candidate, CandidateState, DismissReason, ReadinessStatus, Role
from app.readiness import items as readiness
from app.readiness.checklist import KINDS, Gate, Owner

bp = Blueprint(
    "api",
    __name__,
    url_prefix=PREFIX,
    description="A request's candidates and their moves through the selection procedure.",
)
TAGS = ["candidates"]

STATES = [s.value for s in CandidateState]
DISMISS_REASONS = [r.value for r in DismissReason]


class ReadinessEntrySchema(Schema):
    """One item of a candidate's readiness checklist, as it stands now."""

    item = fields.String(required=True, metadata={"enum": [k.code for k in KINDS]})
    label = fields.String(required=True, metadata={"description": "The item, for people"})
    gate = fields.String(
        required=True,
        metadata={"description": "The move it must be done before", "enum": [*map(str, Gate)]},
    )
    owner = fields.String(
        required=True, metadata={"description": "Who provides it", "enum": [*map(str, Owner)]}
    )
    status = fields.String(required=True, metadata={"enum": [s.value for s in ReadinessStatus]})
    problem = fields.String(
        allow_none=True,
        metadata={"description": "Why it does not count now (to do, expired…); null when it does"},
    )
    valid_until = fields.Date(
        allow_none=True, metadata={"description": "Until when a done item holds, if it has a date"}
    )


class CandidateSchema(Schema):
    """A candidate: one expert put forward for one request, and where they stand."""

    id = fields.Integer(required=True)
    version = fields.Integer(required=True)
    request_id = fields.Integer(required=True)
    expert_id = fields.Integer(required=True)
    expert_name = fields.String(required=True)
    member_state = fields.String(required=True, metadata={"description": "The expert's"})
    state = fields.String(required=True, metadata={"enum": STATES})
    nominated = fields.Boolean(
        required=True,
        metadata={"description": "Put forward by their member state (else by HR)"},
    )
    moves = fields.List(
        fields.String(metadata={"enum": STATES}),
        required=True,
        metadata={"description": "The states you may move this candidate to now"},
    )
    score = fields.Float(
        allow_none=True, metadata={"description": "The matcher's score when put forward (HR)"}
    )
    dismiss_reason = fields.String(
        allow_none=True, metadata={"description": "Why dismissed (HR)", "enum": DISMISS_REASONS}
    )
    dismiss_note = fields.String(allow_none=True, metadata={"description": "(HR)"})
    recommended_by = fields.String(
        allow_none=True, metadata={"description": "The HR reviewer who recommended (HR)"}
    )
    selected_by = fields.String(
        allow_none=True, metadata={"description": "The second HR reviewer, who selected (HR)"}
    )
    readiness = fields.List(
        fields.Nested(ReadinessEntrySchema),
        allow_none=True,
        metadata={
            "description": "From the recommendation on, the readiness checklist (null before); "
            "the items UN HR provides, such as the misconduct screening, are HR's only"
        },
    )
    starts_on = fields.Date(
        allow_none=True, metadata={"description": "The assignment's start, once deployed"}
    )
    ends_on = fields.Date(
        allow_none=True, metadata={"description": "The assignment's end, once deployed"}
    )
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


CandidatePageSchema = page_schema(CandidateSchema, "CandidatePage")


def _name(user: Any) -> str | None:
    return user.full_name if user is not None else None


def _readiness(candidate: Candidate) -> list[dict[str, Any]] | None:
    entries = readiness.checklist_seen_by(candidate, current_user)
    if entries is None:
        return None
    return [
        {
            "item": e.kind.code,
            "label": str(e.kind.label),
            "gate": e.kind.gate.value,
            "owner": e.kind.owner_for(candidate.request).value,
            "status": e.status.value,
            "problem": e.problem,
            "valid_until": e.item.valid_until if e.item is not None else None,
        }
        for e in entries
    ]


def representation(candidate: Candidate) -> dict[str, Any]:
    """The candidate as the caller may see it: HR's own facts are only HR's."""
    c = candidate
    hr = current_user.role is Role.HR_REVIEWER
    return {
        "id": c.id,
        "version": c.version,
        "request_id": c.request_id,
        "expert_id": c.expert_id,
        "expert_name": c.expert.full_name,
        "member_state": c.expert.organisation.name,
        "state": c.state.value,
        "nominated": c.nominated_by_id is not None,
        "moves": [to.value for to in workflow.allowed_moves(c, current_user)],
        "score": c.score if hr else None,
        "dismiss_reason": c.dismiss_reason if hr else None,
        "dismiss_note": c.dismiss_note if hr else None,
        "recommended_by": _name(c.recommended_by) if hr else None,
        "selected_by": _name(c.selected_by) if hr else None,
        "readiness": _readiness(c),
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


def answer_candidate(
    candidate: Candidate, status: int = 200
) -> tuple[dict[str, Any], int, dict[str, str]]:
    location = (
        url_for("candidates.api.read_candidate", candidate_id=candidate.id)
        if status == 201
        else None
    )
    return answer_record(representation(candidate), candidate.version, status, location)


def wanted(candidate: Candidate, body_version: int | None) -> int:
    """The version the caller moves: 428 without one, 412 with the candidate as it is now."""
    return expected(
        candidate.version, body_version, lambda: CandidateSchema().dump(representation(candidate))
    )


# What a client (and Schemathesis' stateful runs) can do next with a candidate it was given.
CANDIDATE_LINKS = {
    "read": {
        "operationId": "read_candidate",
        "parameters": {"candidate_id": "$response.body#/id"},
    },
    "move": {
        "operationId": "move_candidate",
        "parameters": {
            "candidate_id": "$response.body#/id",
            "header.If-Match": "$response.header.ETag",
        },
    },
}


class NewCandidateSchema(Schema):
    expert_id = record_id(
        required=True, metadata={"description": "An expert of the suggestions (or any you found)"}
    )


def said(what: str, description: str) -> fields.String:
    """A move's optional reason or note, as long as the workflow takes it."""
    return fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": description, "maxLength": workflow.MAX_LENGTHS[what]},
    )


class MoveSchema(VersionSchema):
    """One move, as on the shortlist page."""

    to = one_of(STATES, required=True, metadata={"description": "The state to move to"})
    reason = said("reason", "Dismissing: why, one of the reason codes (`other` needs a note)")
    note = said("note", "Required with reason `other`")
    starts_on = fields.Date(
        load_default=None,
        allow_none=True,
        metadata={"description": "Deploying: the assignment's start (the request's by default)"},
    )
    ends_on = fields.Date(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "Deploying: the assignment's end, after its start (by default the "
            "start plus the request's duration)"
        },
    )
    ratings = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(strict=True),
        load_default=None,
        allow_none=True,
        metadata={
            "description": "Completing: HR's rating of each competency, 1 (poor) to 5 "
            "(excellent), all required: " + ", ".join(c.code for c in evaluations.COMPETENCIES)
        },
    )
    comment = fields.String(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "Completing: HR's comment on the assignment",
            "maxLength": evaluations.COMMENT_MAX,
        },
    )


@bp.route("/requests/<int:request_id>/candidates", methods=["GET"], tags=TAGS)
@allow(Role.HR_REVIEWER, Role.FOCAL_POINT)
@bp.arguments(PageArgs, location="query", unknown=RAISE)
@bp.response(200, CandidatePageSchema)
@bp.alt_response(404, response="NOT_FOUND")
def list_candidates(query: dict[str, Any], request_id: int) -> Any:
    """A request's candidates, page by page in id order

    HR reads the whole shortlist; a focal point the candidacies of their own member state's
    experts (on a request published to them or with one of their experts on it).
    """
    expertise_request = request_for(current_user, request_id)
    member_state = current_user.organisation_id if current_user.role is Role.FOCAL_POINT else None
    candidates = candidate_queries.of_request(expertise_request, member_state)
    rows, next_cursor = page(candidates, Candidate.id, query["after"], query["limit"])
    return answer([representation(c) for c in rows], next_cursor)


@bp.route("/requests/<int:request_id>/candidates", methods=["POST"], tags=TAGS)
@allow(Role.HR_REVIEWER)
@idempotent
@bp.arguments(NewCandidateSchema)
@bp.response(201, CandidateSchema, headers=LOCATION)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(409, response="CONFLICT")
@bp.doc(responses={"201": {"links": CANDIDATE_LINKS}}, parameters=[IDEMPOTENCY_KEY])
def add_candidate(body: dict[str, Any], request_id: int) -> Any:
    """Add an expert to a request's candidates (suggested)

    With the matcher's score and reasons from the latest suggestions that ranked them. 409 when
    the request takes no candidates now or the expert is one already.
    """
    expertise_request = request_for(current_user, request_id)
    expert = expert_for(current_user, body["expert_id"])
    entry = candidate_queries.suggestion_for(expertise_request.id, expert.id)
    score = entry.score if entry is not None else None
    explanation = candidate_queries.explanation_kept(entry)
    added = workflow.add(expertise_request, expert, current_user, score, explanation)
    return answer_candidate(added, 201)


@bp.route("/candidates/<int:candidate_id>", methods=["GET"], tags=TAGS)
@allow(Role.HR_REVIEWER, Role.FOCAL_POINT)
@bp.response(200, CandidateSchema, headers=ETAG)
@bp.doc(responses={"200": {"links": CANDIDATE_LINKS}})
@bp.alt_response(404, response="NOT_FOUND")
def read_candidate(candidate_id: int) -> Any:
    """One candidate (ETag: its version), with the moves you may make now

    HR reads any candidate of a request it may see; a focal point their own experts'.
    """
    return answer_candidate(candidate_for(current_user, candidate_id))


@bp.route("/candidates/<int:candidate_id>/move", methods=["POST"], tags=TAGS)
@allow(Role.HR_REVIEWER)
@bp.arguments(MoveSchema)
@bp.response(200, CandidateSchema, headers=ETAG)
@bp.doc(responses={"200": {"links": CANDIDATE_LINKS}})
@versioned(bp, refusable=True)
def move_candidate(body: dict[str, Any], candidate_id: int) -> Any:
    """Move a candidate (If-Match: its version)

    The shortlist's workflow: shortlisted, dismissed (with a reason code), consultation,
    interview, recommended, selected (by a different HR reviewer than the one who recommended,
    within the request's positions), deployed (with the assignment's dates, the request's by
    default), completed (with HR's rating of each competency and a comment). A move the
    workflow does not allow now is 409, saying what is allowed; a missing reason, a rating or
    dates that do not hold, 422 naming the field.
    """
    candidate = candidate_for(current_user, candidate_id)
    version = wanted(candidate, body.get("version"))
    to = CandidateState(body["to"])
    rated = body["ratings"] is not None or body["comment"] is not None
    moved = workflow.move(
        candidate,
        to,
        current_user,
        expected_version=version,
        reason=body["reason"],
        note=body["note"],
        starts_on=body["starts_on"],
        ends_on=body["ends_on"],
        evaluation=evaluations.Said(body["ratings"] or {}, body["comment"]) if rated else None,
    )
    return answer_candidate(moved)
