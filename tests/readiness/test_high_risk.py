"""A high-risk duty station: the request says so (form, API, import, the request page), and its
candidates need the advanced security training certificate before deployment."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app import imports as importing
from app.candidates import workflow as candidates
from app.common.errors import NotAllowed
from app.extensions import db
from app.models import CandidateState, ExpertiseRequest, ReadinessStatus, RequestStatus
from app.readiness import items as readiness
from app.readiness.checklist import kinds_for
from tests.api.client import caller
from tests.conftest import submit_form
from tests.factories import make_expert, make_ready, make_request
from tests.forms import request_form

S = CandidateState
ADVANCED = "advanced_security_training"


def codes(request: ExpertiseRequest) -> list[str]:
    return [kind.code for kind in kinds_for(request)]


def test_the_advanced_training_is_asked_at_high_risk_duty_stations_only(mission):
    calm = make_request(mission, status=RequestStatus.OPEN)
    risky = make_request(mission, status=RequestStatus.OPEN, high_risk=True)
    assert ADVANCED not in codes(calm)
    # Before deployment, after the ordinary security training, owned by the expert.
    assert codes(risky) == [*codes(calm)[:5], ADVANCED, *codes(calm)[5:]]
    kind = kinds_for(risky)[5]
    assert (kind.gate.value, kind.owner_for(risky).value) == ("deployment", "expert")


@pytest.fixture
def selected(ghana, mission, focal, hr1, hr2):
    request = make_request(mission, status=RequestStatus.OPEN, high_risk=True)  # 4 Mar 2027
    candidate = candidates.add(request, make_expert(ghana, full_name="Ama Owusu"), hr1)
    for state, who in [(S.SHORTLISTED, hr1), (S.CONSULTATION, hr1), (S.RELEASED, focal),
                       (S.INTERVIEW, hr1), (S.RECOMMENDED, hr1)]:  # fmt: skip
        candidates.move(candidate, state, who)
    for kind in kinds_for(request):
        if kind.code != ADVANCED:
            readiness.record(candidate, kind.code, hr1, ReadinessStatus.DONE,
                             done_on=date(2026, 11, 2), valid_until=date(2099, 1, 1))  # fmt: skip
    candidates.move(candidate, S.SELECTED, hr2)
    return candidate


def test_deployment_to_a_high_risk_station_is_refused_without_the_advanced_training(selected, hr1):
    with pytest.raises(NotAllowed) as refused:
        candidates.move(selected, S.DEPLOYED, hr1)
    assert str(refused.value).startswith(
        "Not ready for deployment: Advanced security training certificate (e.g. SSAFE) (to do)."
    )
    db.session.rollback()
    assert selected.state is S.SELECTED
    # Valid on the start date (4 Mar 2027), like the ordinary training.
    readiness.record(selected, ADVANCED, hr1, ReadinessStatus.DONE, done_on=date(2026, 6, 1),
                     valid_until=date(2027, 1, 31))  # fmt: skip
    with pytest.raises(NotAllowed) as refused:
        candidates.move(selected, S.DEPLOYED, hr1)
    assert "valid until 31 Jan 2027, needed until 4 Mar 2027" in str(refused.value)
    db.session.rollback()
    readiness.record(selected, ADVANCED, hr1, ReadinessStatus.DONE, done_on=date(2026, 6, 1),
                     valid_until=date(2028, 6, 1))  # fmt: skip
    candidates.move(selected, S.DEPLOYED, hr1)
    assert selected.state is S.DEPLOYED


def test_make_ready_covers_the_advanced_training(ghana, mission, hr1):
    request = make_request(mission, status=RequestStatus.OPEN, high_risk=True)
    candidate = candidates.add(request, make_expert(ghana), hr1)
    make_ready(candidate)
    assert ADVANCED in {e.kind.code for e in readiness.checklist(candidate) if e.problem is None}


def only_request() -> ExpertiseRequest:
    return db.session.scalars(sa.select(ExpertiseRequest)).one()


def test_the_form_s_checkbox_round_trips_and_the_page_shows_it(client, auth, requester):
    auth.login(requester.email)
    response = submit_form(client, "/requests/new", request_form(high_risk="y"))
    assert response.status_code == 302
    saved = only_request()
    assert saved.high_risk is True
    page = client.get(f"/requests/{saved.id}").get_data(as_text=True)
    assert "<dt>High-risk duty station</dt><dd>yes</dd>" in page
    edit = client.get(f"/requests/{saved.id}/edit").get_data(as_text=True)
    box = re.search(r'<input[^>]* id="high_risk"[^>]*>', edit)
    assert box is not None and " checked " in box.group(0)

    # A browser sends nothing for an unticked box: the draft is no longer high-risk.
    form = request_form(version=str(saved.version))
    response = submit_form(client, f"/requests/{saved.id}/edit", form)
    assert response.status_code == 302
    db.session.refresh(saved)
    assert saved.high_risk is False
    page = client.get(f"/requests/{saved.id}").get_data(as_text=True)
    assert "<dt>High-risk duty station</dt><dd>no</dd>" in page


def request_body(**overrides):
    body = {
        "title": "Chief inspector",
        "area": "security",
        "start_date": (date.today() + timedelta(days=120)).isoformat(),
        "duration_months": 6,
        "modality": "government_provided",
    }
    return {**body, **overrides}


def test_the_api_reads_and_writes_high_risk(client, requester):
    api = caller(client, requester)
    created = api.post("/api/v1/requests", request_body(high_risk=True))
    assert created.status_code == 201, created.get_json()
    shown = created.get_json()
    assert shown["high_risk"] is True
    assert db.session.get(ExpertiseRequest, shown["id"]).high_risk is True

    plain = api.post("/api/v1/requests", request_body()).get_json()
    assert plain["high_risk"] is False

    changed = api.put(
        f"/api/v1/requests/{shown['id']}", request_body(high_risk=False, version=shown["version"])
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["high_risk"] is False
    assert db.session.get(ExpertiseRequest, shown["id"]).high_risk is False

    wrong = api.post("/api/v1/requests", request_body(high_risk="very"))
    assert wrong.status_code == 422
    assert [e["field"] for e in wrong.get_json()["errors"]] == ["high_risk"]


def test_the_import_reads_high_risk_and_says_what_is_wrong_with_it(app):
    line = {
        "external_id": "DR1", "title": "chief inspector", "area": "security",
        "start_date": "2027-03-04", "duration_months": 6, "modality": "consultant",
    }  # fmt: skip
    importing.import_requests(
        [json.dumps({**line, "high_risk": True}), json.dumps({**line, "external_id": "DR2"})],
        organisation="UNMISS",
    )
    saved = {r.external_id: r.high_risk for r in db.session.scalars(sa.select(ExpertiseRequest))}
    assert saved == {"DR1": True, "DR2": False}
    with pytest.raises(importing.ImportFailed) as failed:
        importing.import_requests([json.dumps({**line, "high_risk": "yes"})], organisation="UNMISS")
    assert [str(e) for e in failed.value.errors] == [
        "line 1: high_risk: must be true or false (got 'yes')"
    ]
