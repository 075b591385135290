"""Completing an assignment records HR's evaluation and returns the expert to the roster, in
one transaction: available the day after the end, the mission's country among their countries
of experience, and a reconfirmation link emailed."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.candidates import workflow as candidates
from app.common.errors import ValidationFailed
from app.extensions import db
from app.models import (
    AuditEvent,
    Candidate,
    CandidateState,
    Evaluation,
    EvaluatorRole,
    Expert,
    OutboxMessage,
)
from tests.api.client import caller
from tests.conftest import count, csrf_token, login
from tests.factories import rated
from tests.pages import page_text

S = CandidateState


@pytest.fixture
def deployed(selected, hr1):
    candidates.move(selected, S.DEPLOYED, hr1, ends_on=date(2027, 10, 31))
    return selected


def test_completing_records_the_evaluation_and_returns_the_expert(deployed, hr1):
    candidates.move(deployed, S.COMPLETED, hr1, evaluation=rated(5, "Built the unit's trust."))
    db.session.expire_all()
    [row] = db.session.scalars(sa.select(Evaluation)).all()
    assert (row.candidate_id, row.evaluator_role, row.author_id) == (
        deployed.id, EvaluatorRole.HR, hr1.id,
    )  # fmt: skip
    assert set(row.ratings.values()) == {5} and len(row.ratings) == 5
    assert row.comment == "Built the unit's trust."
    expert = db.session.get(Expert, deployed.expert_id)
    assert expert.available_from == date(2027, 11, 1)  # the day after the end
    assert expert.available_until is None  # their window (until 30 Jun 2027) had ended
    assert sorted(c.country for c in expert.countries) == ["IQ", "LR", "SS"]  # Iraq added
    [mail] = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.event == "expert.reconfirmation")
    ).all()
    assert mail.recipient == "ama@example.org" and "/confirm/" in mail.body
    assert expert.reconfirmation_sent_at is not None
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-4:] == [
        "candidate.completed", "evaluation.recorded", "expert.returned_to_roster",
        "expert.reconfirmation_sent",
    ]  # fmt: skip
    returned = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "expert.returned_to_roster")
    ).one()
    assert returned.actor_id == hr1.id
    assert returned.after["available_from"] == "2027-11-01"
    assert "Built" not in str(returned.after)  # the comment stays on the evaluation


@pytest.mark.parametrize(
    "evaluation, fields",
    [
        (None, ["technical_expertise", "teamwork", "communication", "adaptability", "integrity"]),
        (rated(6), ["technical_expertise", "teamwork", "communication", "adaptability",
                    "integrity"]),
        (rated(4, "x" * 4001), ["comment"]),
    ],
)  # fmt: skip
def test_completing_without_a_sound_evaluation_moves_nothing(deployed, hr1, evaluation, fields):
    with pytest.raises(ValidationFailed) as refused:
        candidates.move(deployed, S.COMPLETED, hr1, evaluation=evaluation)
    assert [e.field for e in refused.value.errors] == fields
    db.session.expire_all()
    assert db.session.get(Candidate, deployed.id).state is S.DEPLOYED
    assert count(Evaluation) == 0
    assert db.session.get(Expert, deployed.expert_id).available_from == date(2027, 2, 15)
    asked = sa.select(OutboxMessage.id).where(OutboxMessage.event == "expert.reconfirmation")
    assert db.session.scalar(asked) is None


def test_a_rating_names_its_competency(deployed, hr1):
    evaluation = rated(4)
    evaluation.ratings["teamwork"] = None
    with pytest.raises(ValidationFailed) as refused:
        candidates.move(deployed, S.COMPLETED, hr1, evaluation=evaluation)
    [error] = refused.value.errors
    assert (error.field, error.message) == (
        "teamwork", "rate teamwork from 1 (poor) to 5 (excellent)",
    )  # fmt: skip


def test_hr_completes_on_the_shortlist_and_reads_the_evaluation(client, deployed, hr1):
    login(client, hr1.email)
    page = f"/review/requests/{deployed.request_id}/shortlist"
    shown = client.get(page).get_data(as_text=True)
    assert 'name="teamwork"' in shown and 'name="comment"' in shown

    def complete(**ratings):
        return client.post(
            f"/review/candidates/{deployed.id}/move",
            data={"csrf_token": csrf_token(client, page), "to": "completed",
                  "version": deployed.version, "comment": "Reliable.", **ratings},
            follow_redirects=True,
        )  # fmt: skip

    all_four = {c: "4" for c in ("technical_expertise", "communication", "adaptability",
                                 "integrity")}  # fmt: skip
    said = page_text(complete(**all_four))
    assert "Ama Owusu was not moved to completed: Teamwork: rate teamwork from 1" in said
    assert complete(**all_four, teamwork="9").status_code == 400  # not offered: forged
    db.session.expire_all()
    assert db.session.get(Candidate, deployed.id).state is S.DEPLOYED
    said = page_text(complete(**all_four, teamwork="2"))
    assert "Ama Owusu is now completed." in said
    assert "Evaluations" in said and "Reliable." in said
    assert "Evaluation by HR: Technical expertise 4, Teamwork 2" in said  # in the history


def test_the_api_completes_with_ratings(client, deployed, hr1):
    api = caller(client, hr1)
    ratings = {c: 3 for c in ("technical_expertise", "teamwork", "communication",
                              "adaptability", "integrity")}  # fmt: skip
    headers = {"If-Match": f'"{deployed.version}"'}
    url = f"/api/v1/candidates/{deployed.id}/move"
    missing = api.post(url, json={"to": "completed"}, headers=headers)
    assert missing.status_code == 422 and len(missing.get_json()["errors"]) == 5
    done = api.post(url, json={"to": "completed", "ratings": ratings}, headers=headers)
    assert done.status_code == 200 and done.get_json()["state"] == "completed"
    assert db.session.scalars(sa.select(Evaluation.ratings)).one() == ratings
