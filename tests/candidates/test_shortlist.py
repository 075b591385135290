"""HR's shortlist pages: add from the suggestions, move with reasons, four eyes, conflicts, CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa

from app.candidates import queries as candidate_queries
from app.candidates import workflow as candidates
from app.extensions import db
from app.models import (
    AuditEvent,
    Candidate,
    CandidateState,
    RequestStatus,
)
from app.suggestions import ranking, worker_index
from tests.conftest import count, csrf_token, login
from tests.factories import make_expert, make_ready, make_request
from tests.pages import page_text

S = CandidateState


@pytest.fixture
def cast(ghana, mission, un_hr, hr1, hr2, requester, focal):
    people = {"hr1": hr1, "hr2": hr2, "requester": requester, "fp": focal}
    request = make_request(
        mission,
        RequestStatus.OPEN,
        title="court administration adviser",
        area="justice",
        terms_of_reference="Advise the registry on managing court cases.",
        skills=["manage court cases"],
        languages=[("en", "B2")],
        positions=1,
    )
    experts = {
        "ama": make_expert(ghana, full_name="Ama Owusu"),
        "kofi": make_expert(ghana, full_name="Kofi Mensah", nationality="SN"),
    }
    worker_index.roster_index().rebuild()
    return people, request, experts


def shortlist_url(request) -> str:
    return f"/review/requests/{request.id}/shortlist"


def move_url(candidate_id: int) -> str:
    return f"/review/candidates/{candidate_id}/move"


def add(client, request, expert, **extra):
    """Add ``expert`` the way HR does: from the suggestions page's form."""
    return client.post(
        f"/review/requests/{request.id}/candidates",
        data={
            "csrf_token": csrf_token(client, f"/review/requests/{request.id}/suggestions"),
            "expert_id": expert.id,
            **extra,
        },
        follow_redirects=True,
    )


def candidate_of(request, expert) -> Candidate:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(Candidate).where(
            Candidate.request_id == request.id, Candidate.expert_id == expert.id
        )
    ).one()


def seen_version(page: str, candidate_id: int) -> str:
    """The version the shortlist page's move form carries for one candidate."""
    form = re.search(
        rf'action="{move_url(candidate_id)}".*?name="version" value="(\d+)"', page, re.S
    )
    assert form, f"no move form for candidate {candidate_id}"
    return form.group(1)


def move(client, request, candidate: Candidate, to: str, version: str | None = None, **fields):
    """POST a move as the shortlist page's form would, with the version the page showed."""
    page = client.get(shortlist_url(request)).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = {"csrf_token": token, "to": to, **fields}
    data["version"] = version if version is not None else str(candidate.version)
    return client.post(move_url(candidate.id), data=data, follow_redirects=True)


def release(candidate: Candidate, people) -> None:
    """Shortlist, consult and release through the service (focal-point pages are elsewhere)."""
    candidates.move(candidate, S.SHORTLISTED, people["hr1"])
    candidates.move(candidate, S.CONSULTATION, people["hr1"])
    candidates.move(candidate, S.RELEASED, people["fp"])


def test_hr_adds_a_suggested_expert_with_the_runs_score_and_explanation(client, auth, cast):
    people, request, experts = cast
    auth.login(people["hr1"].email)
    suggestions_page = page_text(client.get(f"/review/requests/{request.id}/suggestions"))
    assert "Add to candidates" in suggestions_page

    page = page_text(add(client, request, experts["ama"], score="99"))  # a forged score
    entry = candidate_queries.suggestion_for(request.id, experts["ama"].id)
    assert entry is not None and entry.run_id == ranking.latest_run(request.id).id
    assert "Ama Owusu is now a candidate (suggested)." in page
    candidate = candidate_of(request, experts["ama"])
    assert candidate.state is S.SUGGESTED
    assert candidate.score == pytest.approx(entry.score)  # the matcher's, not the form's
    assert candidate.explanation["matched_skills"] == ["manage court cases"]
    assert candidate.explanation["run_id"] == entry.run_id

    assert f'href="/review/experts/{experts["ama"].id}"' in page
    assert "Government of GH" in page
    assert f"{entry.score:.3f}" in page
    assert "Has: manage court cases" in page
    assert re.search(r"English: needs B2, holds C1 <span[^>]*>✓", page)
    assert "Test HR reviewer" in page and "— → suggested" in page  # the history

    again = page_text(add(client, request, experts["ama"]))
    assert "Ama Owusu is already a candidate (suggested)." in again
    assert count(Candidate) == 1


def test_add_refuses_forged_experts_and_requests(client, auth, cast):
    people, request, experts = cast
    auth.login(people["hr1"].email)
    token = csrf_token(client, shortlist_url(request))
    url = f"/review/requests/{request.id}/candidates"
    assert client.post(url, data={"csrf_token": token, "expert_id": 99999}).status_code == 404
    assert client.post(url, data={"csrf_token": token, "expert_id": "x"}).status_code == 400
    assert client.post(url, data={"csrf_token": token}).status_code == 400
    draft = make_request(request.organisation, RequestStatus.DRAFT)
    forged = f"/review/requests/{draft.id}/candidates"
    data = {"csrf_token": token, "expert_id": experts["ama"].id}
    assert client.post(forged, data=data).status_code == 404
    assert client.get(shortlist_url(draft)).status_code == 404
    assert count(Candidate) == 0


def test_shortlist_then_dismiss_another_with_a_reason_code(client, auth, cast):
    people, request, experts = cast
    auth.login(people["hr1"].email)
    add(client, request, experts["ama"])
    add(client, request, experts["kofi"])
    ama, kofi = candidate_of(request, experts["ama"]), candidate_of(request, experts["kofi"])

    page = page_text(move(client, request, ama, "shortlisted"))
    assert "Ama Owusu is now shortlisted." in page
    page = page_text(move(client, request, kofi, "dismissed", reason="language", note="No Arabic"))
    assert "Kofi Mensah is now dismissed." in page

    ama, kofi = candidate_of(request, experts["ama"]), candidate_of(request, experts["kofi"])
    assert (ama.state, kofi.state) == (S.SHORTLISTED, S.DISMISSED)
    assert (kofi.dismiss_reason, kofi.dismiss_note) == ("language", "No Arabic")
    assert "suggested → dismissed" in page and "No Arabic" in page
    assert "Dismissed because</dt><dd>language: No Arabic" in page
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "candidate.dismissed")
    ).one()
    assert (event.actor_id, event.after) == (
        people["hr1"].id,
        {"state": "dismissed", "reason": "language"},
    )
    # The request page shows every candidate's moves too.
    request_page = page_text(client.get(f"/review/requests/{request.id}"))
    moves = request_page[request_page.index("Candidates' moves") :]
    assert moves.index("Ama Owusu") < moves.index("suggested → shortlisted")
    assert "suggested → dismissed" in moves and "No Arabic" in moves


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "choose why the candidate is dismissed"),
        ({"reason": "other", "note": "  "}, "say why, when the reason is 'other'"),
        ({"reason": "bogus"}, "Not a valid choice"),
    ],
)
def test_dismiss_without_a_reason_is_refused_and_changes_nothing(
    client, auth, cast, fields, message
):
    people, request, experts = cast
    auth.login(people["hr1"].email)
    add(client, request, experts["ama"])
    ama = candidate_of(request, experts["ama"])
    events, version = count(AuditEvent), ama.version

    response = move(client, request, ama, "dismissed", **fields)
    if fields.get("reason") == "bogus":  # not one of the select's options: a forged form
        assert response.status_code == 400
    else:
        assert f"Ama Owusu was not moved to dismissed: {message}" in page_text(response)
    ama = candidate_of(request, experts["ama"])
    assert (ama.state, ama.version, ama.dismiss_reason) == (S.SUGGESTED, version, None)
    assert count(AuditEvent) == events


def test_four_eyes_through_the_pages_and_the_request_is_filled(app, client, auth, cast):
    people, request, experts = cast
    auth.login(people["hr1"].email)
    add(client, request, experts["ama"])
    ama = candidate_of(request, experts["ama"])
    release(ama, people)

    move(client, request, candidate_of(request, experts["ama"]), "interview")
    page = page_text(move(client, request, candidate_of(request, experts["ama"]), "recommended"))
    assert "Ama Owusu is now recommended." in page
    assert "Select (approve the recommendation)" not in page
    assert "Four eyes: a different HR reviewer approves the recommendation." in page

    refused = page_text(move(client, request, candidate_of(request, experts["ama"]), "selected"))
    assert "Four eyes: the recommendation must be approved by a different HR reviewer" in refused
    ama = candidate_of(request, experts["ama"])
    assert ama.state is S.RECOMMENDED and ama.selected_by_id is None

    hr2 = login(app, people["hr2"].email)
    assert "Select (approve the recommendation)" in page_text(hr2.get(shortlist_url(request)))
    make_ready(ama)
    page = page_text(move(hr2, request, ama, "selected"))
    assert "Ama Owusu is now selected." in page
    ama = candidate_of(request, experts["ama"])
    assert ama.state is S.SELECTED and ama.selected_by_id == people["hr2"].id
    assert request.status is RequestStatus.FILLED
    assert "1 of 1 position selected" in page
    assert "Recommended by</dt><dd>Test HR reviewer (hr1@un.example)" in page
    assert "Selected by</dt><dd>Test HR reviewer (hr2@un.example)" in page


def test_a_stale_version_gets_the_conflict_message_and_changes_nothing(app, client, auth, cast):
    people, request, experts = cast
    auth.login(people["hr1"].email)
    add(client, request, experts["ama"])
    ama = candidate_of(request, experts["ama"])
    hr2 = login(app, people["hr2"].email)

    seen_by_hr1 = seen_version(client.get(shortlist_url(request)).get_data(as_text=True), ama.id)
    assert "Ama Owusu is now shortlisted." in page_text(move(hr2, request, ama, "shortlisted"))

    page = page_text(
        move(client, request, ama, "dismissed", version=seen_by_hr1, reason="seniority")
    )
    assert "Someone else changed this candidate meanwhile: it is now shortlisted." in page
    ama = candidate_of(request, experts["ama"])
    assert ama.state is S.SHORTLISTED and ama.dismiss_reason is None
    assert '<span class="badge shortlisted">shortlisted</span>' in page


def test_forged_moves_are_refused(client, auth, cast):
    people, request, experts = cast
    auth.login(people["hr1"].email)
    add(client, request, experts["ama"])
    ama = candidate_of(request, experts["ama"])

    assert move(client, request, ama, "hired").status_code == 400
    assert move(client, request, ama, "shortlisted", version="x").status_code == 400
    page = page_text(move(client, request, ama, "released"))  # the focal point's move
    assert "cannot be moved to released" in page
    page = page_text(move(client, request, ama, "selected"))
    assert "A candidate who is suggested cannot be moved to selected" in page
    token = csrf_token(client, shortlist_url(request))
    data = {"csrf_token": token, "to": "shortlisted", "version": "1"}
    assert client.post(move_url(99999), data=data).status_code == 404
    assert candidate_of(request, experts["ama"]).state is S.SUGGESTED


def test_a_post_without_csrf_is_refused(client, auth, cast):
    people, request, experts = cast
    auth.login(people["hr1"].email)
    add(client, request, experts["ama"])
    ama = candidate_of(request, experts["ama"])
    data = {"to": "shortlisted", "version": str(ama.version)}
    assert client.post(move_url(ama.id), data=data).status_code == 400
    add_url = f"/review/requests/{request.id}/candidates"
    assert client.post(add_url, data={"expert_id": experts["kofi"].id}).status_code == 400
    assert candidate_of(request, experts["ama"]).state is S.SUGGESTED
    assert count(Candidate) == 1


@pytest.mark.parametrize("who", ["requester", "fp"])
def test_requesters_and_focal_points_get_403(client, auth, cast, who):
    people, request, experts = cast
    candidate = candidates.add(request, experts["ama"], people["hr1"], score=0.5)
    auth.login(people[who].email)
    token = csrf_token(client, "/")
    assert client.get(shortlist_url(request)).status_code == 403
    assert client.get(shortlist_url(request) + ".csv").status_code == 403
    data = {"csrf_token": token, "expert_id": experts["kofi"].id}
    assert client.post(f"/review/requests/{request.id}/candidates", data=data).status_code == 403
    data = {"csrf_token": token, "to": "shortlisted", "version": str(candidate.version)}
    assert client.post(move_url(candidate.id), data=data).status_code == 403
    assert count(Candidate) == 1
    assert candidate_of(request, experts["ama"]).state is S.SUGGESTED


def test_the_shortlist_exports_to_csv(app, client, auth, cast):
    people, request, experts = cast
    ama = candidates.add(request, experts["ama"], people["hr1"], score=0.81234)
    kofi = candidates.add(request, experts["kofi"], people["hr1"], score=0.5)
    candidates.move(kofi, S.DISMISSED, people["hr1"], reason="availability")
    release(ama, people)
    for state in (S.INTERVIEW, S.RECOMMENDED):
        candidates.move(ama, state, people["hr1"])
    make_ready(ama)
    candidates.move(ama, S.SELECTED, people["hr2"])

    auth.login(people["hr1"].email)
    response = client.get(shortlist_url(request) + ".csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="shortlist-request-{request.id}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [
        [
            "candidate id", "expert name", "nominating member state", "nationality", "state",
            "score", "dismiss reason", "recommended by", "selected by",
        ],
        [
            str(ama.id), "Ama Owusu", "Government of GH", "GH", "selected", "0.8123", "",
            "hr1@un.example", "hr2@un.example",
        ],
        [str(kofi.id), "Kofi Mensah", "Government of GH", "SN", "dismissed", "0.5",
         "availability", "", ""],
    ]  # fmt: skip
    assert f'href="/review/requests/{request.id}/shortlist"' in page_text(
        client.get(f"/review/requests/{request.id}")
    )
