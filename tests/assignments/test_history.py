"""An expert's deployment history: HR's page and their own member state's focal point's show
each assignment with its dates and state; another member state's focal point sees nothing."""

from __future__ import annotations

import pytest

from app.assignments import history
from app.candidates import workflow as candidates
from app.models import CandidateState, RequestStatus
from tests.conftest import login
from tests.factories import make_expert, make_ready, make_request
from tests.pages import page_text

S = CandidateState


@pytest.fixture
def deployed(ghana, mission, un_hr, focal, requester, hr1, hr2):
    expert = make_expert(ghana, full_name="Ama Owusu")
    people = {"fp_gh": focal, "hr1": hr1, "hr2": hr2}
    earlier = make_request(mission, status=RequestStatus.OPEN, title="Rule of law adviser",
                           duty_station="Bamako", country="ML")  # fmt: skip
    later = make_request(mission, status=RequestStatus.OPEN, title="Police adviser",
                         duty_station="Juba", country="SS")  # fmt: skip
    for request in (earlier, later):
        candidate = candidates.add(request, expert, hr1)
        for state, who in [(S.SHORTLISTED, "hr1"), (S.CONSULTATION, "hr1"), (S.RELEASED, "fp_gh"),
                           (S.INTERVIEW, "hr1"), (S.RECOMMENDED, "hr1")]:  # fmt: skip
            candidates.move(candidate, state, people[who])
        make_ready(candidate)
        candidates.move(candidate, S.SELECTED, hr2)
    candidates.move(candidate, S.DEPLOYED, hr1)
    return expert


def test_the_history_lists_selected_and_deployed_assignments_with_their_dates(deployed):
    found = history.deployments(deployed)
    assert [(a.request.title, a.candidate.state) for a in found] == [
        ("Police adviser", S.DEPLOYED),
        ("Rule of law adviser", S.SELECTED),
    ]
    # Until the deployment gives its own dates, the request's: 4 Mar 2027 for six months.
    assert (found[1].starts_on.isoformat(), found[1].ends_on.isoformat()) == (
        "2027-03-04",
        "2027-09-04",
    )


def test_hr_and_the_own_focal_point_see_the_history(app, deployed, hr1, focal):
    text = page_text(login(app, hr1.email).get(f"/review/experts/{deployed.id}"))
    assert "Deployments" in text
    assert "Police adviser" in text and "Juba (South Sudan)" in text
    assert "4 Mar 2027 to 4 Sept 2027" in text
    text = page_text(login(app, focal.email).get(f"/roster/{deployed.id}"))
    assert "Police adviser" in text and "Rule of law adviser" in text


def test_another_member_states_focal_point_sees_nothing(client, deployed, focal_sn):
    login(client, focal_sn.email)
    response = client.get(f"/roster/{deployed.id}")
    assert response.status_code == 404
    assert "Police adviser" not in page_text(response)


def test_an_expert_never_selected_has_no_deployment_yet(client, ghana, hr1):
    expert = make_expert(ghana, full_name="Kofi Mensah")
    login(client, hr1.email)
    page = page_text(client.get(f"/review/experts/{expert.id}"))
    assert "No deployment through civcap yet." in page
