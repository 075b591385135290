"""Readiness: the screening items hold the selection, the others the deployment; each refusal
names what is missing; an exception needs its reason; only HR records, on the pages through the
same rule; an item seen stale is a conflict; export and erasure cover the items."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.candidates import workflow as candidates
from app.common.errors import Conflict, NotAllowed, ValidationFailed
from app.extensions import db
from app.models import (
    AuditEvent,
    CandidateState,
    ReadinessItem,
    ReadinessStatus,
    RequestStatus,
)
from app.personal_data import erasure, export
from app.readiness import items as readiness
from app.readiness.checklist import kinds_for
from tests.conftest import csrf_token, login
from tests.factories import make_expert, make_request
from tests.pages import page_text

S = CandidateState
DONE, EXCEPTION = ReadinessStatus.DONE, ReadinessStatus.EXCEPTION


@pytest.fixture
def cast(ghana, mission, un_hr, focal, requester, hr1, hr2):
    people = {"fp_gh": focal, "requester": requester, "hr1": hr1, "hr2": hr2}
    request = make_request(mission, status=RequestStatus.OPEN, positions=1)  # 4 Mar 2027, 6 months
    candidate = candidates.add(request, make_expert(ghana, full_name="Ama Owusu"), hr1)
    for state, who in [(S.SHORTLISTED, "hr1"), (S.CONSULTATION, "hr1"), (S.RELEASED, "fp_gh"),
                       (S.INTERVIEW, "hr1"), (S.RECOMMENDED, "hr1")]:  # fmt: skip
        candidates.move(candidate, state, people[who])
    return people, request, candidate


def screened(candidate, hr):
    readiness.record(candidate, "human_rights_screening", hr, DONE, done_on=date(2026, 11, 2))
    readiness.record(candidate, "misconduct_screening", hr, DONE, done_on=date(2026, 11, 3))


def test_the_second_reviewer_cannot_select_before_screening(cast):
    people, _, candidate = cast
    with pytest.raises(NotAllowed) as refused:
        candidates.move(candidate, S.SELECTED, people["hr2"])
    assert str(refused.value).startswith(
        "Not ready for selection: Human rights screening certification (to do) and "
        "Misconduct screening record check (to do)."
    )
    db.session.rollback()
    assert candidate.state is S.RECOMMENDED
    screened(candidate, people["hr1"])
    candidates.move(candidate, S.SELECTED, people["hr2"])
    assert candidate.state is S.SELECTED


def test_deployment_waits_for_every_item_and_a_passport_valid_long_enough(cast):
    people, _, candidate = cast
    hr = people["hr1"]
    screened(candidate, hr)
    candidates.move(candidate, S.SELECTED, people["hr2"])
    for code in ("release_letter", "medical_clearance", "visa"):
        readiness.record(candidate, code, hr, DONE, done_on=date(2026, 12, 1))
    # The training expires before the start (4 Mar 2027); the passport before the end (4 Sep
    # 2027) plus six months.
    readiness.record(candidate, "security_training", hr, DONE, done_on=date(2024, 1, 10),
                     valid_until=date(2027, 1, 10))  # fmt: skip
    readiness.record(candidate, "passport", hr, DONE, done_on=date(2020, 5, 1),
                     valid_until=date(2027, 12, 31))  # fmt: skip
    with pytest.raises(NotAllowed) as refused:
        candidates.move(candidate, S.DEPLOYED, hr)
    assert str(refused.value).startswith(
        "Not ready for deployment: Security training certificate (valid until 10 Jan 2027, "
        "needed until 4 Mar 2027) and Passport (valid until 31 Dec 2027, needed until "
        "4 Mar 2028)."
    )
    db.session.rollback()
    readiness.record(candidate, "security_training", hr, DONE, done_on=date(2026, 12, 1),
                     valid_until=date(2029, 12, 1))  # fmt: skip
    readiness.record(candidate, "passport", hr, DONE, done_on=date(2026, 6, 1),
                     valid_until=date(2036, 6, 1))  # fmt: skip
    candidates.move(candidate, S.DEPLOYED, hr)
    assert candidate.state is S.DEPLOYED


def test_an_exception_needs_its_reason_and_is_audited_with_who_and_why(cast):
    people, _, candidate = cast
    hr = people["hr1"]
    with pytest.raises(ValidationFailed) as refused:
        readiness.record(candidate, "misconduct_screening", hr, EXCEPTION)
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("note", "say why this item is accepted without being done")
    ]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReadinessItem)) == 0
    why = "Screened by the UN last year for UNMISS; the record check is valid."
    readiness.record(candidate, "misconduct_screening", hr, EXCEPTION, note=why)
    readiness.record(candidate, "human_rights_screening", hr, DONE, done_on=date(2026, 11, 2))
    candidates.move(candidate, S.SELECTED, people["hr2"])
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "readiness.exception")
    ).one()
    assert (event.entity_type, event.entity_id) == ("candidate", candidate.id)
    assert event.actor_id == hr.id
    assert event.after == {"item": "misconduct_screening", "status": "exception"}
    assert event.note == why


def test_a_done_item_needs_its_dates(cast):
    people, _, candidate = cast
    with pytest.raises(ValidationFailed) as refused:
        readiness.record(candidate, "passport", people["hr1"], DONE, done_on=date(2026, 1, 2),
                         valid_until=date(2025, 1, 1))  # fmt: skip
    assert [e.field for e in refused.value.errors] == ["valid_until"]
    with pytest.raises(ValidationFailed) as refused:
        readiness.record(candidate, "passport", people["hr1"], DONE)
    assert [e.field for e in refused.value.errors] == ["done_on", "valid_until"]


def test_only_hr_records_and_only_from_the_recommendation_on(cast, ghana, mission, hr1):
    people, request, candidate = cast
    with pytest.raises(NotAllowed, match="Only HR records"):
        readiness.record(candidate, "visa", people["fp_gh"], DONE, done_on=date(2026, 1, 2))
    earlier = candidates.add(request, make_expert(ghana, full_name="Kofi Mensah"), hr1)
    with pytest.raises(NotAllowed, match="no readiness checklist"):
        readiness.record(earlier, "visa", hr1, DONE, done_on=date(2026, 1, 2))
    with pytest.raises(NotAllowed, match="no such item"):
        readiness.record(candidate, "horoscope", hr1, DONE, done_on=date(2026, 1, 2))


def test_the_release_letter_is_asked_of_government_provided_personnel_only(mission):
    consultant = make_request(mission, status=RequestStatus.OPEN, modality="consultant")
    seconded = make_request(mission, status=RequestStatus.OPEN)
    assert "release_letter" not in {k.code for k in kinds_for(consultant)}
    assert "release_letter" in {k.code for k in kinds_for(seconded)}


def test_an_item_recorded_meanwhile_is_a_conflict(cast):
    people, _, candidate = cast
    readiness.record(candidate, "visa", people["hr1"], DONE, done_on=date(2026, 1, 2),
                     expected_version=0)  # fmt: skip
    with pytest.raises(Conflict):
        readiness.record(candidate, "visa", people["hr2"], ReadinessStatus.PENDING,
                         expected_version=0)  # fmt: skip


def record_url(candidate, code):
    return f"/review/candidates/{candidate.id}/readiness/{code}"


def post(client, candidate, code, **fields):
    token = csrf_token(client, f"/review/requests/{candidate.request_id}/shortlist")
    data = {"csrf_token": token, "version": "0", **fields}
    return client.post(record_url(candidate, code), data=data, follow_redirects=True)


def test_hr_records_on_the_shortlist_and_sees_what_is_missing(app, cast):
    people, request, candidate = cast
    client = login(app, people["hr2"].email)
    page = page_text(client.get(f"/review/requests/{request.id}/shortlist"))
    assert "Readiness" in page and "0 of 7 items in order." in page
    page = page_text(post(client, candidate, "misconduct_screening", status="done",
                          done_on="2026-11-03"))  # fmt: skip
    assert "Misconduct screening record check recorded: done." in page
    assert "1 of 7 items in order." in page
    page = page_text(post(client, candidate, "passport", status="done", done_on="2026-11-03",
                          valid_until="not a date"))  # fmt: skip
    assert "Passport was not recorded: Valid until: Not a valid date value." in page
    page = page_text(post(client, candidate, "passport", status="exception", done_on=""))
    assert "Passport was not recorded: Note: say why this item is accepted" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReadinessItem)) == 1


def test_others_cannot_record_and_a_form_needs_its_token(app, client, cast):
    people, _, candidate = cast
    for who in ("fp_gh", "requester"):
        other = login(app, people[who].email)
        token = csrf_token(other, "/account/password")
        answer = other.post(
            record_url(candidate, "visa"),
            data={"csrf_token": token, "status": "done", "done_on": "2026-01-02", "version": "0"},
        )
        assert answer.status_code in (403, 404), who
    hr = login(app, people["hr1"].email)
    answer = hr.post(record_url(candidate, "visa"), data={"status": "done", "version": "0"})
    assert answer.status_code == 400
    assert hr.post("/review/candidates/999999/readiness/visa", data={}).status_code in (400, 404)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReadinessItem)) == 0


def test_export_and_erasure_cover_readiness(cast, admin):
    people, _, candidate = cast
    readiness.record(candidate, "passport", people["hr1"], DONE, done_on=date(2026, 6, 1),
                     valid_until=date(2036, 6, 1), note="Passport P1234567")  # fmt: skip
    readiness.record(candidate, "medical_clearance", people["hr1"], EXCEPTION,
                     note="Cleared in May for another mission")  # fmt: skip
    taken = export.export(candidate.expert)["candidacies"][0]["readiness"]
    assert {"item": "passport", "status": "done", "done_on": "2026-06-01",
            "valid_until": "2036-06-01", "note": "Passport P1234567"} in taken  # fmt: skip
    erasure.erase(candidate.expert, admin, "The expert asked to be forgotten.")
    db.session.expire_all()
    rows = db.session.scalars(sa.select(ReadinessItem)).all()
    assert {(r.code, r.status, r.done_on, r.valid_until, r.note) for r in rows} == {
        ("passport", DONE, None, None, None), ("medical_clearance", EXCEPTION, None, None, None),
    }  # fmt: skip
    notes = db.session.scalars(
        sa.select(AuditEvent.note).where(AuditEvent.action.like("readiness.%"))
    ).all()
    assert "Cleared in May for another mission" not in notes


def test_the_trail_reads_each_record_in_the_readers_words(app, cast):
    people, request, candidate = cast
    readiness.record(candidate, "visa", people["hr1"], DONE, done_on=date(2026, 1, 2))
    readiness.record(candidate, "visa", people["hr1"], EXCEPTION, note="No visa for nationals.")
    client = login(app, people["hr1"].email)
    page = page_text(client.get(f"/review/requests/{request.id}"))  # the candidates' moves
    assert "Visa: to do → done" in page and "Visa: done → exception" in page
    assert "No visa for nationals." in page
    shortlist = page_text(client.get(f"/review/requests/{request.id}/shortlist"))
    assert "Visa: done → exception" in shortlist
