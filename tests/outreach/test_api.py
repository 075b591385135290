"""Outreach through the API: a focal point nominates their own experts for a request published
to them and answers the release consultations about their experts, through the same services
and permission rules as their pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.candidates import workflow
from app.extensions import db
from app.models import (
    AuditEvent,
    Candidate,
    CandidateState,
    ExpertStatus,
    RequestPublication,
    RequestStatus,
)
from tests.api.client import caller
from tests.conftest import count
from tests.factories import make_expert, make_request

S = CandidateState


@pytest.fixture
def published(mission, requester, ghana):
    """An open request published to Ghana."""
    request_row = make_request(mission, status=RequestStatus.OPEN, created_by=requester)
    db.session.add(RequestPublication(request_id=request_row.id, organisation_id=ghana.id))
    db.session.commit()
    return request_row


@pytest.fixture
def ghanaians(ghana):
    return [make_expert(ghana, full_name=name) for name in ("Ama Owusu", "Kofi Mensah")]


def nominations_of(request_row) -> str:
    return f"/api/v1/requests/{request_row.id}/nominations"


def answer_url(candidate: Candidate) -> str:
    return f"/api/v1/candidates/{candidate.id}/answer"


# ---- nominate -------------------------------------------------------------------------------


def test_a_focal_point_nominates_their_experts_once(client, focal, published, ghanaians):
    api = caller(client, focal)
    body = {"experts": [e.id for e in ghanaians]}
    key = {"Idempotency-Key": "nominate-1"}

    first = api.post(nominations_of(published), json=body, headers=key)
    again = api.post(nominations_of(published), json=body, headers=key)

    assert first.status_code == 201
    items = first.get_json()["items"]
    assert sorted(i["expert_name"] for i in items) == ["Ama Owusu", "Kofi Mensah"]
    assert all(i["nominated"] and i["state"] == "suggested" for i in items)
    assert again.headers["Idempotent-Replayed"] == "true" and again.get_json() == first.get_json()
    assert count(Candidate) == 2
    nominated = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "candidate.nominated")
    ).all()
    assert {e.actor_label for e in nominated} == {"fp@gh.example (API token 'test sync')"}

    listed = api.get(f"/api/v1/requests/{published.id}/candidates").get_json()["items"]
    assert sorted(i["expert_name"] for i in listed) == ["Ama Owusu", "Kofi Mensah"]


def test_another_states_expert_is_404_and_nothing_is_nominated(
    client, focal, published, ghanaians, senegal
):
    theirs = make_expert(senegal, full_name="Awa Ndiaye")
    body = {"experts": [ghanaians[0].id, theirs.id]}
    assert caller(client, focal).post(nominations_of(published), json=body).status_code == 404
    assert count(Candidate) == 0


def test_each_expert_who_cannot_be_nominated_is_named(client, focal, published, ghana, hr1):
    away = make_expert(ghana, full_name="Efua Boateng", status=ExpertStatus.UNAVAILABLE)
    taken = make_expert(ghana, full_name="Yaw Darko")
    workflow.add(published, taken, hr1)

    response = caller(client, focal).post(
        nominations_of(published), json={"experts": [away.id, taken.id]}
    )

    assert response.status_code == 422
    said = [(e["field"], e["message"]) for e in response.get_json()["errors"]]
    assert [field for field, _ in said] == ["experts", "experts"]
    assert "Efua Boateng" in said[0][1] and "Yaw Darko" in said[1][1]
    assert count(Candidate) == 1


def test_nominations_need_a_publication_and_an_open_request(
    client, focal, focal_sn, published, ghanaians, senegal
):
    senegalese = make_expert(senegal, full_name="Awa Ndiaye")
    # Senegal does not see the request at all
    refused = caller(client, focal_sn).post(
        nominations_of(published), json={"experts": [senegalese.id]}
    )
    assert refused.status_code == 404
    published.status = RequestStatus.FILLED
    db.session.commit()
    closed = caller(client, focal).post(
        nominations_of(published), json={"experts": [ghanaians[0].id]}
    )
    assert closed.status_code == 409 and "nominations are closed" in closed.get_json()["detail"]
    assert count(Candidate) == 0


def test_an_empty_or_oversized_nomination_is_refused_on_its_field(client, focal, published):
    api = caller(client, focal)
    empty = api.post(nominations_of(published), json={"experts": []})
    many = api.post(nominations_of(published), json={"experts": list(range(1, 102))})
    assert (empty.status_code, many.status_code) == (422, 422)
    assert [e["field"] for e in empty.get_json()["errors"]] == ["experts"]
    assert [e["field"] for e in many.get_json()["errors"]] == ["experts"]


def test_hr_and_requesters_do_not_nominate(client, hr1, requester, published, ghanaians):
    body = {"experts": [ghanaians[0].id]}
    for user in (hr1, requester):
        assert caller(client, user).post(nominations_of(published), json=body).status_code == 403


# ---- release consultations ------------------------------------------------------------------


@pytest.fixture
def consulted(published, ghanaians, hr1) -> Candidate:
    """HR asks Ghana to release Ama."""
    candidate = workflow.add(published, ghanaians[0], hr1)
    workflow.move(candidate, S.SHORTLISTED, hr1)
    return workflow.move(candidate, S.CONSULTATION, hr1)


def test_a_focal_point_lists_and_answers_consultations(client, focal, consulted):
    api = caller(client, focal)
    waiting = api.get("/api/v1/consultations").get_json()["items"]
    assert [(c["id"], c["moves"]) for c in waiting] == [
        (consulted.id, ["released", "not_released"])
    ]
    seen = consulted.version

    response = api.post(
        answer_url(consulted),
        json={"answer": "released", "note": "Seconded under the 2019 agreement."},
        headers={"If-Match": f'"{seen}"'},
    )

    assert response.status_code == 200
    assert response.get_json()["state"] == "released"
    assert response.headers["ETag"] == f'"{seen + 1}"'
    assert api.get("/api/v1/consultations").get_json()["items"] == []
    answered = api.get("/api/v1/consultations?answered=true").get_json()["items"]
    assert [c["state"] for c in answered] == ["released"]
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "candidate.released")
    ).one()
    assert event.note == "Seconded under the 2019 agreement."


def test_not_released_needs_a_reason(client, focal, consulted):
    api = caller(client, focal)
    seen = consulted.version
    bare = api.post(answer_url(consulted), json={"answer": "not_released", "version": seen})
    assert bare.status_code == 422
    assert [e["field"] for e in bare.get_json()["errors"]] == ["reason"]
    said = api.post(
        answer_url(consulted),
        json={"answer": "not_released", "reason": "Needed at home", "version": seen},
    )
    assert said.status_code == 200 and said.get_json()["state"] == "not_released"


def test_a_stale_answer_is_412_and_a_second_answer_409(client, focal, consulted):
    api = caller(client, focal)
    seen = consulted.version
    stale = api.post(answer_url(consulted), json={"answer": "released", "version": seen - 1})
    assert stale.status_code == 412
    assert stale.get_json()["current"]["state"] == "consultation"
    assert api.post(answer_url(consulted), json={"answer": "released"}).status_code == 428
    api.post(answer_url(consulted), json={"answer": "released", "version": seen})
    twice = api.post(answer_url(consulted), json={"answer": "released", "version": seen + 1})
    assert twice.status_code == 409


def test_another_states_focal_point_gets_404_and_hr_403(client, focal_sn, hr1, consulted):
    body = {"answer": "released", "version": consulted.version}
    assert caller(client, focal_sn).post(answer_url(consulted), json=body).status_code == 404
    assert caller(client, focal_sn).get("/api/v1/consultations").get_json()["items"] == []
    assert caller(client, hr1).post(answer_url(consulted), json=body).status_code == 403
    db.session.expire_all()
    assert db.session.get(Candidate, consulted.id).state is S.CONSULTATION
