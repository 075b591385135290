"""Every API operation that names a record, called by each role with the id of a record their
organisation may not reach: 404 (or 403 where the role never makes that call), nothing
changed, nothing of the record in the answer. The operations come from the live OpenAPI
document, so a new one that names a record is swept too (and must say here how to call it).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app.candidates import workflow
from app.extensions import db
from app.models import AuditEvent, Candidate, CandidateState, RequestPublication, RequestStatus
from tests.api.client import expert_body, token_of
from tests.api.test_requests import request_body
from tests.documents import make_pdf, multipart
from tests.factories import make_expert, make_request

S = CandidateState
VERSION = {"If-Match": '"1"'}


def cv_upload() -> dict[str, Any]:
    file = FileStorage(io.BytesIO(make_pdf("A CV.")), "cv.pdf")
    return multipart({"file": file})


# How to call each operation that names a record: its body (a valid one, so that the answer is
# about the record, not the input), sent with If-Match.
BODIES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "read_expert": lambda w: {},
    "update_expert": lambda w: {"json": expert_body(external_id=None)},
    "withdraw_expert": lambda w: {"json": {}},
    "read_expert_by_external_id": lambda w: {},
    "upsert_expert": lambda w: {"json": expert_body(external_id=None)},
    "upload_cv": lambda w: cv_upload(),
    "read_request": lambda w: {},
    "update_request": lambda w: {"json": request_body()},
    "submit_request": lambda w: {"json": {}},
    "revise_request": lambda w: {"json": request_body()},
    "close_request": lambda w: {"json": {"outcome": "cancelled", "reason": "Not ours."}},
    "read_suggestions": lambda w: {},
    "list_candidates": lambda w: {},
    "add_candidate": lambda w: {"json": {"expert_id": w["own_expert"]}},
    "nominate": lambda w: {"json": {"experts": [w["own_expert"]]}},
    "read_candidate": lambda w: {},
    "move_candidate": lambda w: {"json": {"to": "shortlisted"}},
    "answer_consultation": lambda w: {"json": {"answer": "released"}},
}


@pytest.fixture
def world(ghana, senegal, mission, other_mission, requester, other_requester, hr):
    """What each caller may not reach: Senegal's expert, a request of another mission that is
    not published to Ghana (a draft, for HR), and the candidacy of Senegal's expert on it."""
    theirs = make_expert(senegal, full_name="Awa Ndiaye", external_id="SN-1")
    ours = make_expert(ghana, full_name="Ama Owusu", external_id="GH-1")
    elsewhere = make_request(other_mission, RequestStatus.OPEN, created_by=other_requester)
    db.session.add(RequestPublication(request_id=elsewhere.id, organisation_id=senegal.id))
    consulted = workflow.add(elsewhere, theirs, hr)
    workflow.move(consulted, S.SHORTLISTED, hr)
    workflow.move(consulted, S.CONSULTATION, hr)
    draft = make_request(other_mission, created_by=other_requester)
    return {
        "expert_id": theirs.id,
        "external_id": "SN-1",
        "request_id": elsewhere.id,
        "draft_id": draft.id,
        "candidate_id": consulted.id,
        "own_expert": ours.id,
    }


def operations(client) -> list[tuple[str, str, str, list[str]]]:
    """(operationId, method, path, the roles it is for) of every operation whose path names a
    record."""
    document = client.get("/api/v1/openapi.json").get_json()
    return sorted(
        (operation["operationId"], method.upper(), path, operation["x-roles"])
        for path, item in document["paths"].items()
        if "{" in path
        for method, operation in item.items()
        if method != "parameters"
    )


def foreign_path(path: str, world: dict[str, Any], role: str) -> str | None:
    """The path with the ids ``role`` may not reach; None when there is none for it (HR reads
    every expert and every candidate of a submitted request)."""
    ids = dict(world)
    if role == "hr_reviewer":
        if "{expert_id}" in path or "{external_id}" in path or "{candidate_id}" in path:
            return None
        ids["request_id"] = world["draft_id"]
    return path.format(**ids)


def test_every_operation_naming_a_record_is_described_here(client):
    assert {op for op, _, _, _ in operations(client)} == set(BODIES)


@pytest.mark.parametrize("role", ["focal_point", "requester", "hr_reviewer"])
def test_a_record_out_of_reach_is_not_found_by_any_operation(
    client, world, focal, requester, hr, role
):
    secret = token_of({"focal_point": focal, "requester": requester, "hr_reviewer": hr}[role])
    trail = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    swept = 0
    for operation, method, template, roles in operations(client):
        path = foreign_path(template, world, role)
        if path is None:
            continue
        headers = {"Authorization": f"Bearer {secret}", **VERSION}
        response = client.open(path, method=method, headers=headers, **BODIES[operation](world))
        said = response.get_data(as_text=True)
        expected = 404 if role in roles else 403  # not found; or never this role's call
        assert response.status_code == expected, (role, operation, response.status_code, said)
        assert "Awa Ndiaye" not in said and "Government of SN" not in said, (role, operation)
        swept += 1
    assert swept == (9 if role == "hr_reviewer" else len(BODIES))  # HR: the requests' ones
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == trail
    assert db.session.get(Candidate, world["candidate_id"]).state is S.CONSULTATION
