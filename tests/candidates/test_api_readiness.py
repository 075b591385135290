"""A candidate's readiness through the API: from the recommendation on, each item as it stands
now; the items UN HR provides (its screening results) are shown to HR only, never to a member
state's token; another member state's focal point still gets 404."""

from __future__ import annotations

from datetime import date

import pytest

from app.candidates import workflow
from app.models import CandidateState, ReadinessStatus, RequestStatus
from app.readiness import items as readiness
from tests.api.client import caller
from tests.factories import make_expert, make_request

S = CandidateState
HR_ITEMS = {"misconduct_screening", "medical_clearance", "visa"}


@pytest.fixture
def recommended(ghana, mission, focal, hr1):
    request = make_request(mission, status=RequestStatus.OPEN, high_risk=True)  # 4 Mar 2027
    candidate = workflow.add(request, make_expert(ghana, full_name="Ama Owusu"), hr1)
    for state, who in [(S.SHORTLISTED, hr1), (S.CONSULTATION, hr1), (S.RELEASED, focal),
                       (S.INTERVIEW, hr1), (S.RECOMMENDED, hr1)]:  # fmt: skip
        workflow.move(candidate, state, who)
    readiness.record(candidate, "misconduct_screening", hr1, ReadinessStatus.DONE,
                     done_on=date(2026, 11, 3))  # fmt: skip
    readiness.record(candidate, "passport", hr1, ReadinessStatus.DONE, done_on=date(2020, 5, 1),
                     valid_until=date(2027, 12, 31))  # fmt: skip
    return candidate


def shown(client, user, candidate):
    response = caller(client, user, "read").get(f"/api/v1/candidates/{candidate.id}")
    assert response.status_code == 200, response.get_json()
    return {entry["item"]: entry for entry in response.get_json()["readiness"]}


def test_hr_reads_every_item_as_it_stands(client, hr1, recommended):
    items = shown(client, hr1, recommended)
    assert list(items) == [
        "human_rights_screening", "misconduct_screening", "release_letter",
        "medical_clearance", "security_training", "advanced_security_training", "passport",
        "visa",
    ]  # fmt: skip
    assert items["misconduct_screening"] == {
        "item": "misconduct_screening", "label": "Misconduct screening record check",
        "gate": "selection", "owner": "hr", "status": "done", "problem": None,
        "valid_until": None,
    }  # fmt: skip
    # The passport ends before the assignment's end (4 Sep 2027) plus six months.
    assert items["passport"]["status"] == "done"
    assert items["passport"]["valid_until"] == "2027-12-31"
    assert items["passport"]["problem"] == "valid until 31 Dec 2027, needed until 4 Mar 2028"
    assert items["visa"]["status"] == "pending" and items["visa"]["problem"] == "to do"


def test_a_member_state_token_never_sees_hr_s_items(client, focal, focal_sn, recommended):
    items = shown(client, focal, recommended)
    assert set(items).isdisjoint(HR_ITEMS)
    assert list(items) == [
        "human_rights_screening", "release_letter", "security_training",
        "advanced_security_training", "passport",
    ]  # fmt: skip
    assert items["passport"]["owner"] == "expert"
    listed = caller(client, focal, "read").get(
        f"/api/v1/requests/{recommended.request_id}/candidates"
    )
    assert {e["item"] for e in listed.get_json()["items"][0]["readiness"]}.isdisjoint(HR_ITEMS)
    # Another member state's focal point does not reach the candidate at all.
    other = caller(client, focal_sn, "read").get(f"/api/v1/candidates/{recommended.id}")
    assert other.status_code == 404


def test_no_checklist_before_the_recommendation(client, hr1, ghana, mission):
    request = make_request(mission, status=RequestStatus.OPEN)
    candidate = workflow.add(request, make_expert(ghana), hr1)
    response = caller(client, hr1, "read").get(f"/api/v1/candidates/{candidate.id}")
    assert response.get_json()["readiness"] is None


def test_the_reference_documents_the_readiness(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    candidate = schemas["Candidate"]["properties"]["readiness"]
    assert candidate.get("nullable") is True or "null" in candidate.get("type", [])
    entry = schemas["ReadinessEntry"]["properties"]
    assert set(entry) == {"item", "label", "gate", "owner", "status", "problem", "valid_until"}
    assert "advanced_security_training" in entry["item"]["enum"]
    assert "high_risk" in schemas["Request"]["properties"]
