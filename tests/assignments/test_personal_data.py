"""The expert's evaluations are in their personal-data export; erasure removes the comments
(the ratings stay: figures are made of them, and none singles a person out)."""

from __future__ import annotations

import sqlalchemy as sa

from app.assignments import evaluation
from app.candidates import workflow as candidates
from app.extensions import db
from app.models import AuditEvent, CandidateState, Evaluation, EvaluatorRole
from app.personal_data import erasure, export
from tests.factories import rated

S = CandidateState


def test_export_and_erasure_cover_evaluations(selected, hr1, requester, admin):
    candidates.move(selected, S.DEPLOYED, hr1)
    evaluation.by_requester(selected, requester, rated(5, "Ama calmed the district."))
    candidates.move(
        selected, S.COMPLETED, hr1, note="Asked to extend.", evaluation=rated(4, "Ama excelled.")
    )
    [taken] = export.export(selected.expert)["candidacies"]
    assert taken["assignment"] == {"starts_on": "2027-03-04", "ends_on": "2027-09-04"}
    by = {e["by"]: e for e in taken["evaluations"]}
    assert by["hr"]["comment"] == "Ama excelled." and by["hr"]["ratings"]["integrity"] == 4
    assert by["requester"]["comment"] == "Ama calmed the district."

    erasure.erase(selected.expert, admin, "The expert asked to be forgotten.")
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Evaluation).order_by(Evaluation.id)).all()
    assert [(r.evaluator_role, r.comment) for r in rows] == [
        (EvaluatorRole.REQUESTER, None), (EvaluatorRole.HR, None),
    ]  # fmt: skip
    assert [set(r.ratings.values()) for r in rows] == [{5}, {4}]  # the ratings stay
    notes = db.session.scalars(
        sa.select(AuditEvent.note).where(AuditEvent.action == "candidate.completed")
    ).all()
    assert notes == ["[erased]"]
    everything = " ".join(str(e.after) + str(e.note) for e in db.session.scalars(
        sa.select(AuditEvent)
    ))  # fmt: skip
    assert "calmed" not in everything and "excelled" not in everything
