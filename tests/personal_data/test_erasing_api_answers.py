"""Erasing an expert reaches the answers the API keeps for a day to give again to a call sent
with the same Idempotency-Key: a replay after the erasure shows the erased record, not the
person."""

from __future__ import annotations

import json

from app.extensions import db
from app.models import Expert, RequestPublication, RequestStatus
from app.personal_data import erasure
from tests.api.client import caller, expert_body
from tests.factories import make_request

KEY = {"Idempotency-Key": "sync-2026-12-02-GH-0001"}
PERSONAL = ("Grace Mensah", "grace@example.org", "GH-0001", "Court administrator", "1980")


def test_a_replay_after_erasure_shows_nothing_of_the_person(client, focal, admin, mission, ghana):
    api = caller(client, focal)
    body = expert_body(email="grace@example.org", birth_year=1980)
    made = api.post("/api/v1/experts", body, headers=KEY)
    assert made.status_code == 201
    grace = db.session.get(Expert, made.get_json()["id"])
    published = make_request(mission, RequestStatus.OPEN)
    db.session.add(RequestPublication(request_id=published.id, organisation_id=ghana.id))
    db.session.commit()
    nominated = api.post(
        f"/api/v1/requests/{published.id}/nominations",
        {"experts": [grace.id]},
        headers={"Idempotency-Key": "nominate-grace"},
    )
    assert nominated.status_code == 201

    erasure.erase(grace, admin, "She asked to be forgotten.")

    replayed = api.post("/api/v1/experts", body, headers=KEY)
    assert replayed.status_code == 201 and replayed.headers["Idempotent-Replayed"] == "true"
    said = json.dumps(replayed.get_json())
    assert replayed.get_json()["id"] == grace.id
    assert not [value for value in PERSONAL if value in said], said
    again = api.post(
        f"/api/v1/requests/{published.id}/nominations",
        {"experts": [grace.id]},
        headers={"Idempotency-Key": "nominate-grace"},
    )
    assert "Grace Mensah" not in json.dumps(again.get_json())
    assert db.session.query(Expert).count() == 1  # the replay made nobody again
