"""Candidates through the API: HR reads a request's shortlist, adds an expert and moves
candidates through the same workflow as the shortlist page (the states, four eyes, the reason
codes, the positions); a focal point reads their own experts' candidacies only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.candidates import workflow
from app.extensions import db
from app.models import AuditEvent, Candidate, CandidateState, RequestStatus
from tests.api.client import caller
from tests.conftest import count
from tests.factories import make_expert, make_ready, make_request

S = CandidateState


@pytest.fixture
def request_row(mission, requester):
    return make_request(mission, status=RequestStatus.OPEN, created_by=requester, positions=1)


@pytest.fixture
def ama(ghana):
    return make_expert(ghana, full_name="Ama Owusu", external_id="GH-1")


@pytest.fixture
def awa(senegal):
    return make_expert(senegal, full_name="Awa Ndiaye", external_id="SN-1")


@pytest.fixture
def shortlist(request_row, ama, awa, hr1):
    """Ama (Ghana) and Awa (Senegal), suggested by HR."""
    return {
        "ama": workflow.add(request_row, ama, hr1, score=0.8),
        "awa": workflow.add(request_row, awa, hr1, score=0.6),
    }


def url(candidate: Candidate | int, action: str = "") -> str:
    cid = candidate if isinstance(candidate, int) else candidate.id
    return f"/api/v1/candidates/{cid}" + (f"/{action}" if action else "")


def of_request(request_row) -> str:
    return f"/api/v1/requests/{request_row.id}/candidates"


def move(api, candidate_id: int, to: str, version: int, **body):
    return api.post(
        url(candidate_id, "move"), json={"to": to, **body}, headers={"If-Match": f'"{version}"'}
    )


def current(candidate: Candidate) -> Candidate:
    db.session.expire_all()
    return db.session.get(Candidate, candidate.id)


def test_hr_reads_the_whole_shortlist_with_its_own_facts(client, hr1, shortlist, request_row):
    response = caller(client, hr1, "read").get(of_request(request_row))

    assert response.status_code == 200
    rows = response.get_json()["items"]
    assert [r["expert_name"] for r in rows] == ["Ama Owusu", "Awa Ndiaye"]
    first = rows[0]
    assert (first["state"], first["score"], first["nominated"]) == ("suggested", 0.8, False)
    assert first["member_state"] == "Government of GH"
    # the moves a read token's owner could make now, as the page's buttons
    assert set(first["moves"]) == {"shortlisted", "dismissed"}


def test_a_focal_point_reads_only_their_own_experts_candidacies(
    client, focal, focal_sn, shortlist, request_row
):
    rows = caller(client, focal).get(of_request(request_row)).get_json()["items"]
    assert [r["expert_name"] for r in rows] == ["Ama Owusu"]
    assert rows[0]["score"] is None and rows[0]["moves"] == []  # HR's facts are HR's

    api = caller(client, focal)
    assert api.get(url(shortlist["ama"])).status_code == 200
    assert api.get(url(shortlist["awa"])).status_code == 404  # Senegal's expert
    assert caller(client, focal_sn).get(url(shortlist["ama"])).status_code == 404


def test_a_focal_point_with_no_expert_on_an_unpublished_request_gets_404(
    client, focal_sn, request_row, ama, hr1
):
    workflow.add(request_row, ama, hr1)
    assert caller(client, focal_sn).get(of_request(request_row)).status_code == 404


def test_requesters_read_no_candidate(client, requester, shortlist, request_row):
    api = caller(client, requester)
    assert api.get(of_request(request_row)).status_code == 403
    assert api.get(url(shortlist["ama"])).status_code == 403


def test_hr_never_reaches_a_drafts_candidates(client, hr1, mission, requester):
    draft = make_request(mission, created_by=requester)
    assert caller(client, hr1).get(of_request(draft)).status_code == 404


def test_hr_adds_an_expert_once_with_the_latest_suggestion_score(client, hr1, request_row, ama):
    api = caller(client, hr1)
    key = {"Idempotency-Key": "add-ama"}

    first = api.post(of_request(request_row), json={"expert_id": ama.id}, headers=key)
    again = api.post(of_request(request_row), json={"expert_id": ama.id}, headers=key)

    assert first.status_code == 201 and again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.headers["Location"].endswith(url(first.get_json()["id"]))
    assert count(Candidate) == 1
    twice = api.post(of_request(request_row), json={"expert_id": ama.id})
    assert twice.status_code == 409
    assert "already a candidate" in twice.get_json()["detail"]


def test_adding_an_unknown_expert_is_404_and_a_huge_id_is_named(client, hr1, request_row):
    api = caller(client, hr1)
    assert api.post(of_request(request_row), json={"expert_id": 999999}).status_code == 404
    huge = api.post(of_request(request_row), json={"expert_id": 2**40})
    assert huge.status_code == 422
    assert [e["field"] for e in huge.get_json()["errors"]] == ["expert_id"]
    assert count(Candidate) == 0


def test_hr_moves_a_candidate_and_the_trail_names_the_token(client, hr1, shortlist):
    ama = shortlist["ama"]
    seen = ama.version

    response = move(caller(client, hr1), ama.id, "shortlisted", seen)

    assert response.status_code == 200
    body = response.get_json()
    assert body["state"] == "shortlisted" and body["version"] == seen + 1
    assert response.headers["ETag"] == f'"{body["version"]}"'
    assert current(ama).state is S.SHORTLISTED
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "candidate.shortlisted")
    ).one()
    assert event.actor_label == "hr1@un.example (API token 'test sync')"


def test_a_stale_or_missing_version_moves_nothing(client, hr1, shortlist):
    ama, api = shortlist["ama"], caller(client, hr1)
    stale = move(api, ama.id, "shortlisted", ama.version + 5)
    assert stale.status_code == 412
    assert stale.get_json()["current"]["state"] == "suggested"
    unsaid = api.post(url(ama, "move"), json={"to": "shortlisted"})
    assert unsaid.status_code == 428
    assert current(ama).state is S.SUGGESTED


def test_a_move_the_workflow_does_not_allow_says_what_is_allowed(client, hr1, shortlist):
    ama = shortlist["ama"]
    response = move(caller(client, hr1), ama.id, "selected", ama.version)
    assert response.status_code == 409
    assert "only from" in response.get_json()["detail"]
    assert current(ama).state is S.SUGGESTED


def test_dismissing_needs_a_reason_code_and_other_a_note(client, hr1, shortlist):
    ama, api = shortlist["ama"], caller(client, hr1)

    bare = move(api, ama.id, "dismissed", ama.version)
    other = move(api, ama.id, "dismissed", ama.version, reason="other")
    long_note = move(api, ama.id, "dismissed", ama.version, reason="language", note="x" * 4001)

    assert [e["field"] for e in bare.get_json()["errors"]] == ["reason"]
    assert [e["field"] for e in other.get_json()["errors"]] == ["note"]
    assert [e["field"] for e in long_note.get_json()["errors"]] == ["note"]
    assert {bare.status_code, other.status_code, long_note.status_code} == {422}
    done = move(api, ama.id, "dismissed", ama.version, reason="language")
    assert done.status_code == 200 and done.get_json()["dismiss_reason"] == "language"


def test_selection_takes_a_second_hr_reviewer(client, hr1, hr2, shortlist):
    ama = shortlist["ama"]
    for to in (S.SHORTLISTED, S.CONSULTATION):
        workflow.move(ama, to, hr1)
    ama.state = S.INTERVIEW  # released by Ghana, interviewed: the steps of other tests
    db.session.commit()
    first = caller(client, hr1)
    recommended = move(first, ama.id, "recommended", ama.version).get_json()
    assert recommended["recommended_by"] == hr1.full_name
    assert "selected" not in recommended["moves"]

    same = move(first, ama.id, "selected", recommended["version"])
    assert same.status_code == 409 and "Four eyes" in same.get_json()["detail"]

    make_ready(ama)
    other = move(caller(client, hr2), ama.id, "selected", recommended["version"])
    assert other.status_code == 200
    assert current(ama).state is S.SELECTED
    assert db.session.get(type(ama.request), ama.request_id).status is RequestStatus.FILLED


def test_a_focal_point_cannot_move_candidates(client, focal, shortlist):
    ama = shortlist["ama"]
    assert move(caller(client, focal), ama.id, "shortlisted", ama.version).status_code == 403
    assert current(ama).state is S.SUGGESTED


def test_a_read_token_cannot_move(client, hr1, shortlist):
    ama = shortlist["ama"]
    assert move(caller(client, hr1, "read"), ama.id, "shortlisted", ama.version).status_code == 403
