"""An expert of Ghana selected for UNMISS's request (4 Mar 2027, six months, in Iraq), every
readiness item in order: ready to be deployed."""

from __future__ import annotations

from datetime import date

import pytest

from app.candidates import workflow as candidates
from app.models import CandidateState, RequestStatus
from tests.factories import make_expert, make_ready, make_request

S = CandidateState


@pytest.fixture
def selected(ghana, mission, un_hr, focal, requester, hr1, hr2):
    request = make_request(mission, RequestStatus.OPEN, title="police adviser")
    expert = make_expert(
        ghana, full_name="Ama Owusu", email="ama@example.org", available_until=date(2027, 6, 30)
    )
    candidate = candidates.add(request, expert, hr1)
    for state, who in [(S.SHORTLISTED, hr1), (S.CONSULTATION, hr1), (S.RELEASED, focal),
                       (S.INTERVIEW, hr1), (S.RECOMMENDED, hr1)]:  # fmt: skip
        candidates.move(candidate, state, who)
    make_ready(candidate)
    candidates.move(candidate, S.SELECTED, hr2)
    return candidate
