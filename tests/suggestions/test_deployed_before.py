"""A past UN assignment through civcap in a suggestion: the index notices the deployment, the
``deployed_before`` signal counts it, and the explanation says where and when."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.candidates import workflow as candidates
from app.extensions import db
from app.models import CandidateState, RequestStatus
from app.models.suggestion import SuggestionEntry
from app.suggestions import ranking
from tests.factories import make_ready, make_request, rated
from tests.pages import page_text
from tests.suggestions.test_suggestions import reasons_url, url

S = CandidateState


def deploy(request_row, expert, hr1, hr2, focal, starts_on: date | None = None):
    """``expert`` through the selection procedure of ``request_row`` to deployed."""
    candidate = candidates.add(request_row, expert, hr1)
    for state, who in [(S.SHORTLISTED, hr1), (S.CONSULTATION, hr1), (S.RELEASED, focal),
                       (S.INTERVIEW, hr1), (S.RECOMMENDED, hr1)]:  # fmt: skip
        candidates.move(candidate, state, who)
    make_ready(candidate)
    candidates.move(candidate, S.SELECTED, hr2)
    candidate.starts_on = starts_on
    candidates.move(candidate, S.DEPLOYED, hr1)
    return candidate


def components(client, request_row) -> dict[int, dict[str, float]]:
    """Each expert's signal contributions in the run the suggestions page shows now."""
    assert client.get(url(request_row)).status_code == 200
    run = ranking.latest_run(request_row.id)
    entries = db.session.scalars(sa.select(SuggestionEntry).where(SuggestionEntry.run_id == run.id))
    return {e.expert_id: e.components for e in entries}


def reasons(client, request_row, expert) -> str:
    run = ranking.latest_run(request_row.id)
    return page_text(client.get(reasons_url(request_row, run.id, expert.id)))


def test_a_deployment_in_the_area_reaches_the_next_suggestions_and_their_explanation(
    client, auth, hr, hr1, hr2, focal, mission, police_request, roster
):
    second = roster["second"]
    auth.login(hr.email)
    before = components(client, police_request)
    assert before[second.id]["deployed_before"] == 0.0
    assert "Deployed with the UN" not in reasons(client, police_request, second)

    past = make_request(mission, RequestStatus.OPEN, area="security", start_date=date(2025, 5, 1))
    candidate = deploy(past, second, hr1, hr2, focal, starts_on=date(2025, 5, 1))
    # Deployed: the index upserts the expert at the next ranking (no rebuild, no restart).
    after = components(client, police_request)
    assert after[second.id]["deployed_before"] > 0.0
    assert after[second.id]["deployed_before"] > after[roster["best"].id]["deployed_before"]
    page = reasons(client, police_request, second)
    assert "Deployed with the UN in this area before: UNMISS (2025)" in page
    # The list says it too, once, on the expert's row.
    listed = page_text(client.get(url(police_request)))
    assert listed.count("Deployed with the UN") == 1
    row = listed[listed.index(second.full_name) :]
    assert row[: row.index("</tr>")].count("in this area before: UNMISS (2025)") == 1
    assert "Deployed with the UN" not in reasons(client, police_request, roster["best"])

    # Completed, the assignment still counts.
    candidates.move(candidate, S.COMPLETED, hr1, evaluation=rated())
    assert components(client, police_request)[second.id]["deployed_before"] > 0.0
    assert "in this area before: UNMISS (2025)" in reasons(client, police_request, second)


def test_a_deployment_in_another_area_counts_less_and_names_its_area(
    client, auth, hr, hr1, hr2, focal, other_mission, police_request, roster
):
    best, second = roster["best"], roster["second"]
    past = make_request(other_mission, RequestStatus.OPEN, area="justice")
    deploy(past, second, hr1, hr2, focal)
    auth.login(hr.email)
    signal = {k: v["deployed_before"] for k, v in components(client, police_request).items()}
    assert 0.0 == signal[best.id] < signal[second.id]
    past_here = make_request(other_mission, RequestStatus.OPEN, area="security", title="other")
    deploy(past_here, best, hr1, hr2, focal)
    signal = {k: v["deployed_before"] for k, v in components(client, police_request).items()}
    assert signal[second.id] < signal[best.id]  # in another area: less than in the request's
    page = reasons(client, police_request, second)
    assert "Deployed with the UN before, in another area: MINUSCA (Justice" in page


def test_moves_short_of_deployment_change_nothing(
    client, auth, hr, hr1, focal, mission, police_request, roster
):
    second = roster["second"]
    auth.login(hr.email)
    components(client, police_request)
    first_run = ranking.latest_run(police_request.id)
    past = make_request(mission, RequestStatus.OPEN, area="security")
    candidate = candidates.add(past, second, hr1)
    candidates.move(candidate, S.SHORTLISTED, hr1)
    after = components(client, police_request)
    assert after[second.id]["deployed_before"] == 0.0
    assert ranking.latest_run(police_request.id).id == first_run.id  # the same ranking, saved once
