"""Deploying records the assignment's dates: the request's by default, HR's when given; an end
not after the start is refused on its field; readiness is judged against the dates given."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.assignments.dates import assignment_of
from app.candidates import workflow as candidates
from app.common.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Candidate, CandidateState, ReadinessStatus
from app.readiness import items as readiness
from tests.api.client import caller
from tests.conftest import csrf_token, login
from tests.factories import rated
from tests.pages import page_text

S = CandidateState


def deployed_event(candidate) -> AuditEvent:
    return db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.entity_id == candidate.id, AuditEvent.action == "candidate.deployed"
        )
    ).one()


def test_deploying_takes_the_request_dates_by_default(selected, hr1):
    assert (selected.starts_on, selected.ends_on) == (None, None)
    assert assignment_of(selected).ends_on == date(2027, 9, 4)  # the request's, until deployed
    candidates.move(selected, S.DEPLOYED, hr1)
    assert (selected.starts_on, selected.ends_on) == (date(2027, 3, 4), date(2027, 9, 4))
    assert deployed_event(selected).after == {
        "state": "deployed", "starts_on": "2027-03-04", "ends_on": "2027-09-04",
    }  # fmt: skip


def test_deploying_takes_the_dates_hr_gives(selected, hr1):
    candidates.move(
        selected, S.DEPLOYED, hr1, starts_on=date(2027, 4, 1), ends_on=date(2027, 12, 31)
    )
    db.session.expire_all()
    again = db.session.get(Candidate, selected.id)
    assert (again.starts_on, again.ends_on) == (date(2027, 4, 1), date(2027, 12, 31))
    assert deployed_event(selected).after["ends_on"] == "2027-12-31"


def test_a_start_alone_ends_the_request_duration_later(selected, hr1):
    candidates.move(selected, S.DEPLOYED, hr1, starts_on=date(2027, 5, 10))
    assert selected.ends_on == date(2027, 11, 10)


@pytest.mark.parametrize("ends_on", [date(2027, 4, 1), date(2027, 3, 1)])
def test_an_end_not_after_the_start_is_refused_on_its_field(selected, hr1, ends_on):
    with pytest.raises(ValidationFailed) as refused:
        candidates.move(selected, S.DEPLOYED, hr1, starts_on=date(2027, 4, 1), ends_on=ends_on)
    [error] = refused.value.errors
    assert error.field == "ends_on" and "must be after the start" in error.message
    db.session.expire_all()
    again = db.session.get(Candidate, selected.id)
    assert (again.state, again.starts_on, again.ends_on) == (S.SELECTED, None, None)


def test_dates_go_with_the_deployment_only_and_ratings_with_the_completion(selected, hr1):
    with pytest.raises(ValidationFailed) as refused:
        candidates.move(selected, S.DEPLOYED, hr1, evaluation=rated())
    assert [e.field for e in refused.value.errors] == ["ratings"]
    candidates.move(selected, S.DEPLOYED, hr1)
    with pytest.raises(ValidationFailed) as refused:
        candidates.move(selected, S.COMPLETED, hr1, ends_on=date(2028, 1, 1), evaluation=rated())
    assert [e.field for e in refused.value.errors] == ["ends_on"]


def test_readiness_is_judged_against_the_dates_given(selected, hr1):
    """The passport holds six months beyond the request's end (4 Sep 2027), not beyond the
    end HR gives (31 Dec 2027)."""
    readiness.record(
        selected, "passport", hr1, ReadinessStatus.DONE,
        done_on=date(2020, 1, 1), valid_until=date(2028, 4, 1),
    )  # fmt: skip
    with pytest.raises(NotAllowed, match="Passport") as refused:
        candidates.move(selected, S.DEPLOYED, hr1, ends_on=date(2027, 12, 31))
    assert "needed until" in str(refused.value)
    db.session.expire_all()
    again = db.session.get(Candidate, selected.id)
    assert (again.state, again.ends_on) == (S.SELECTED, None)  # nothing saved half-way
    candidates.move(again, S.DEPLOYED, hr1)  # the request's own end: the passport holds
    assert again.state is S.DEPLOYED and again.ends_on == date(2027, 9, 4)


def test_hr_gives_the_dates_on_the_shortlist_and_bad_ones_are_said(client, selected, hr1):
    login(client, hr1.email)
    page = f"/review/requests/{selected.request_id}/shortlist"
    assert 'name="starts_on"' in client.get(page).get_data(as_text=True)

    def deploy(**dates):
        return client.post(
            f"/review/candidates/{selected.id}/move",
            data={"csrf_token": csrf_token(client, page), "to": "deployed",
                  "version": selected.version, **dates},
            follow_redirects=True,
        )  # fmt: skip

    said = page_text(deploy(starts_on="2027-04-01", ends_on="2027-03-01"))
    assert "Ama Owusu was not moved to deployed: Ends on: the end" in said
    said = page_text(deploy(starts_on="1 April", ends_on=""))
    assert "Ama Owusu was not moved to deployed: Starts on: Not a valid date value." in said
    db.session.expire_all()
    assert db.session.get(Candidate, selected.id).state is S.SELECTED
    said = page_text(deploy(starts_on="2027-04-01", ends_on="2027-10-15"))
    assert "Ama Owusu is now deployed." in said
    db.session.expire_all()
    again = db.session.get(Candidate, selected.id)
    assert (again.starts_on, again.ends_on) == (date(2027, 4, 1), date(2027, 10, 15))


def test_the_api_takes_the_dates_and_names_a_bad_one(client, selected, hr1):
    api = caller(client, hr1)

    def deploy(**dates):
        headers = {"If-Match": f'"{selected.version}"'}
        body = {"to": "deployed", **dates}
        return api.post(f"/api/v1/candidates/{selected.id}/move", json=body, headers=headers)

    bad = deploy(starts_on="2027-04-01", ends_on="2027-04-01")
    assert bad.status_code == 422
    assert [e["field"] for e in bad.get_json()["errors"]] == ["ends_on"]
    assert deploy(starts_on="not a date").status_code == 422
    good = deploy(starts_on="2027-04-01", ends_on="2027-10-01")
    assert good.status_code == 200 and good.get_json()["state"] == "deployed"
    assert (good.get_json()["starts_on"], good.get_json()["ends_on"]) == (
        "2027-04-01", "2027-10-01",
    )  # fmt: skip
    db.session.expire_all()
    assert db.session.get(Candidate, selected.id).ends_on == date(2027, 10, 1)
