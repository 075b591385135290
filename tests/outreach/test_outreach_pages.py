"""The focal point's outreach pages: published requests, nominations, release consultations."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.candidates import workflow as candidates
from app.extensions import db
from app.models import (
    AuditEvent,
    Candidate,
    CandidateState,
    ExpertStatus,
    OutboxMessage,
    RequestStatus,
    SuggestionRun,
)
from app.outreach import nominations, publication
from app.outreach.publication import Audience
from app.requests import lifecycle
from app.suggestions import worker_index
from tests.cast import focal_point_of
from tests.conftest import count, csrf_token, login
from tests.factories import make_expert, make_request
from tests.pages import page_text

S = CandidateState


@pytest.fixture
def world(ghana, senegal, mission, un_hr, focal, focal_sn, requester, hr1):
    people = {
        "fp_gh": focal,
        "fp_gh2": focal_point_of(ghana, "fp2@gh.example"),
        "fp_sn": focal_sn,
        "requester": requester,
        "hr1": hr1,
    }
    request = make_request(
        mission,
        RequestStatus.SUBMITTED,
        created_by=requester,
        title="court administration adviser",
        area="justice",
        terms_of_reference="Advise the registry on managing court cases.",
        skills=["manage court cases"],
        languages=[("en", "B2")],
        min_years_experience=9,
    )
    lifecycle.accept(request, people["hr1"])
    publication.publish(request, Audience(organisation_ids={ghana.id}), people["hr1"])
    yaw = make_expert(ghana, full_name="Yaw Unavailable")
    yaw.status = ExpertStatus.UNAVAILABLE
    esi = make_expert(ghana, full_name="Esi Noconsent")
    esi.consent_given_at = None
    db.session.commit()
    experts = {
        "ama": make_expert(ghana, full_name="Ama Owusu", title="court registrar"),
        "kofi": make_expert(ghana, full_name="Kofi Mensah"),
        "no_consent": esi,
        "unavailable": yaw,
        "awa": make_expert(senegal, full_name="Awa Diop", nationality="SN"),
    }
    worker_index.roster_index().rebuild()
    return people, request, experts


def request_url(request) -> str:
    return f"/outreach/requests/{request.id}"


def nominate_url(request) -> str:
    return f"/outreach/requests/{request.id}/nominations"


def answer_url(candidate) -> str:
    return f"/outreach/candidates/{candidate.id}/answer"


def nominate(client, request, *expert_ids, **kwargs):
    token = csrf_token(client, request_url(request))
    data = {"csrf_token": token, "experts": [str(i) for i in expert_ids]}
    return client.post(nominate_url(request), data=data, **kwargs)


def candidate_of(request, expert) -> Candidate | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Candidate).where(
            Candidate.request_id == request.id, Candidate.expert_id == expert.id
        )
    )


def in_consultation(people, request, expert) -> Candidate:
    """Nominated by its member state, shortlisted and consulted by HR (through the services)."""
    (candidate,) = nominations.nominate(request, [expert], people["fp_gh"])
    candidates.move(candidate, S.SHORTLISTED, people["hr1"])
    candidates.move(candidate, S.CONSULTATION, people["hr1"])
    return candidate


def told_hr() -> list[str]:
    """Who was emailed a release consultation's answer."""
    return list(
        db.session.scalars(
            sa.select(OutboxMessage.recipient).where(
                OutboxMessage.event == "candidate.consultation_answered"
            )
        )
    )


def answer_form(client, candidate) -> dict[str, str]:
    """The CSRF token and the version that the consultations page's form carries."""
    page = client.get("/outreach/consultations").get_data(as_text=True)
    form = re.search(
        rf'action="{answer_url(candidate)}".*?name="csrf_token"[^>]*value="([^"]+)"'
        r'.*?name="version" value="(\d+)"',
        page,
        re.S,
    )
    assert form, f"no answer form for candidate {candidate.id}"
    return {"csrf_token": form.group(1), "version": form.group(2)}


def answer(client, candidate, **fields):
    data = {**answer_form(client, candidate), **fields}
    return client.post(answer_url(candidate), data=data, follow_redirects=True)


# ---- requests published to a member state -------------------------------------------------


def test_focal_point_sees_only_requests_published_to_their_member_state(app, client, world):
    people, request, _ = world
    unpublished = make_request(request.organisation, RequestStatus.OPEN, title="police adviser")

    login(client, people["fp_gh"].email)
    page = page_text(client.get("/outreach/requests"))
    assert f'href="{request_url(request)}"' in page and "court administration adviser" in page
    assert "UNMISS" in page and "Justice and corrections" in page
    assert "English B2" in page and "<td>9</td>" in page
    assert "4 Mar 2027" in page and "<td>6</td>" in page
    assert "Government-provided personnel" in page
    assert "police adviser" not in page
    assert client.get(request_url(unpublished)).status_code == 404
    assert client.get(nominate_url(unpublished)).status_code == 405  # POST only

    detail = page_text(client.get(request_url(request)))
    assert "Advise the registry on managing court cases." in detail  # terms of reference
    assert "None of your experts is a candidate for this request yet." in detail

    senegal = login(app, people["fp_sn"].email)
    page = page_text(senegal.get("/outreach/requests"))
    assert "court administration adviser" not in page
    assert "No open request is published to Government of SN" in page
    assert senegal.get(request_url(request)).status_code == 404


@pytest.mark.parametrize("role", ["requester", "hr1"])
def test_other_roles_are_refused_every_outreach_page(app, world, role):
    people, request, experts = world
    candidate = in_consultation(people, request, experts["ama"])
    client = login(app, people[role].email)
    for url in ("/outreach/requests", request_url(request), "/outreach/consultations"):
        assert client.get(url).status_code == 403, url
    token = csrf_token(client, "/")
    posted = {"csrf_token": token, "experts": [str(experts["kofi"].id)]}
    assert client.post(nominate_url(request), data=posted).status_code == 403
    posted = {"csrf_token": token, "version": str(candidate.version), "answer": "released"}
    assert client.post(answer_url(candidate), data=posted).status_code == 403
    assert candidate_of(request, experts["kofi"]) is None
    assert candidate_of(request, experts["ama"]).state is S.CONSULTATION


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    _, request, _ = world
    response = client.get(request_url(request))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# ---- nominations ----------------------------------------------------------------------------


def test_nomination_form_lists_own_active_consenting_experts_only(client, auth, world):
    people, request, experts = world
    auth.login(people["fp_gh"].email)
    page = page_text(client.get(request_url(request)))
    boxes = set(re.findall(r'name="experts"[^>]*value="(\d+)"', page))
    assert boxes == {str(experts["ama"].id), str(experts["kofi"].id)}
    assert "court registrar" in page and "English C1" in page
    assert "15 Feb 2027 – 31 Jan 2028" in page  # the availability window


def test_focal_point_nominates_own_experts_with_score_and_explanation(client, auth, world):
    people, request, experts = world
    auth.login(people["fp_gh"].email)
    ama, kofi = experts["ama"], experts["kofi"]
    response = nominate(client, request, ama.id, kofi.id)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        request_url(request)
    )
    page = page_text(client.get(response.headers["Location"]))
    assert "2 experts nominated." in page
    run_ids = set(db.session.scalars(sa.select(SuggestionRun.id)))
    for expert in (ama, kofi):
        candidate = candidate_of(request, expert)
        assert candidate.state is S.SUGGESTED
        assert candidate.nominated_by_id == expert.organisation_id
        assert candidate.score is not None
        assert candidate.explanation["run_id"] in run_ids
        assert f'href="/roster/{expert.id}"' in page
    assert "your nomination" in page and "suggested" in page
    # Once candidates, they are no longer offered.
    assert not re.findall(r'name="experts"[^>]*value="(\d+)"', page)
    events = db.session.scalars(
        sa.select(AuditEvent.actor_id).where(AuditEvent.action == "candidate.nominated")
    ).all()
    assert events == [people["fp_gh"].id] * 2


def test_forged_expert_of_another_member_state_is_not_found(client, auth, world):
    people, request, experts = world
    auth.login(people["fp_gh"].email)
    assert nominate(client, request, experts["ama"].id, experts["awa"].id).status_code == 404
    assert nominate(client, request, 999999).status_code == 404
    assert count(Candidate) == 0 and count(SuggestionRun) == 0


def test_forged_request_not_published_to_me_is_not_found(app, world):
    people, request, experts = world
    senegal = login(app, people["fp_sn"].email)
    token = csrf_token(senegal, "/outreach/requests")
    data = {"csrf_token": token, "experts": [str(experts["awa"].id)]}
    assert senegal.post(nominate_url(request), data=data).status_code == 404
    assert count(Candidate) == 0


def test_nominating_an_expert_already_candidate_saves_nothing(client, auth, world):
    people, request, experts = world
    candidates.add(request, experts["ama"], people["hr1"])  # HR found her first
    auth.login(people["fp_gh"].email)
    response = nominate(client, request, experts["kofi"].id, experts["ama"].id)
    assert response.status_code == 422
    page = page_text(response)
    assert "Ama Owusu is already a candidate (suggested)" in page
    assert "UN HR, from the suggestions" in page  # she is shown among our experts
    assert candidate_of(request, experts["kofi"]) is None
    assert count(Candidate) == 1


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ((), "choose at least one expert"),
        (("no_consent",), "Esi Noconsent is not active with consent"),
        (("unavailable", "kofi"), "Yaw Unavailable is not active with consent"),
    ],
)
def test_invalid_nominations_re_render_with_the_reason(client, auth, world, chosen, message):
    people, request, experts = world
    auth.login(people["fp_gh"].email)
    response = nominate(client, request, *(experts[name].id for name in chosen))
    assert response.status_code == 422
    page = page_text(response)
    assert message in page and "Nothing was saved" in page
    assert count(Candidate) == 0


def test_a_garbled_expert_id_is_a_form_error(client, auth, world):
    people, request, _ = world
    auth.login(people["fp_gh"].email)
    assert nominate(client, request, "x").status_code == 422
    assert count(Candidate) == 0


def test_nominations_are_closed_once_the_request_is_cancelled(client, auth, world):
    people, request, experts = world
    auth.login(people["fp_gh"].email)
    token = csrf_token(client, request_url(request))
    lifecycle.close(request, RequestStatus.CANCELLED, people["hr1"], "no longer needed")
    page = page_text(client.get(request_url(request)))
    assert "Nominations are closed: this request is cancelled." in page
    assert 'name="experts"' not in page
    assert "court administration adviser" not in page_text(client.get("/outreach/requests"))
    data = {"csrf_token": token, "experts": [str(experts["ama"].id)]}
    page = page_text(client.post(nominate_url(request), data=data, follow_redirects=True))
    assert "nominations are closed" in page
    assert count(Candidate) == 0


# ---- release consultations ------------------------------------------------------------------


def test_focal_point_releases_an_expert_and_hr_is_told(client, auth, world):
    people, request, experts = world
    candidate = in_consultation(people, request, experts["ama"])
    auth.login(people["fp_gh"].email)
    page = page_text(client.get("/outreach/consultations"))
    assert "Ama Owusu" in page and "Can Ama Owusu be released for these dates?" in page
    assert f'href="{request_url(request)}"' in page
    assert "from 4 Mar 2027, 6 months" in page

    page = page_text(
        answer(client, candidate, answer="released", note="Secondment under decree 12")
    )
    assert "Answer recorded: Ama Owusu released." in page
    assert candidate_of(request, experts["ama"]).state is S.RELEASED
    assert "No release consultation is waiting for your answer." in page
    assert re.search(r"Recently answered.*Ama Owusu.*released", page, re.S)
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "candidate.released")
    ).one()
    assert (event.actor_id, event.note) == (people["fp_gh"].id, "Secondment under decree 12")
    assert told_hr() == [people["hr1"].email]


def test_not_released_needs_a_reason(client, auth, world):
    people, request, experts = world
    candidate = in_consultation(people, request, experts["ama"])
    auth.login(people["fp_gh"].email)

    page = page_text(answer(client, candidate, answer="not_released", reason="  "))
    assert "not recorded: say why the expert cannot be released." in page
    assert candidate_of(request, experts["ama"]).state is S.CONSULTATION
    page = page_text(answer(client, candidate, reason="on leave"))  # no choice made
    assert "not recorded: choose released or not released." in page
    assert candidate_of(request, experts["ama"]).state is S.CONSULTATION
    assert told_hr() == []

    page = page_text(answer(client, candidate, answer="not_released", reason="Needed at home"))
    assert "Answer recorded: Ama Owusu not released." in page
    assert candidate_of(request, experts["ama"]).state is S.NOT_RELEASED
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "candidate.not_released")
    ).one()
    assert event.after == {"state": "not_released", "reason": "Needed at home"}
    assert told_hr() == [people["hr1"].email]


def test_another_member_states_focal_point_cannot_answer(app, world):
    people, request, experts = world
    candidate = in_consultation(people, request, experts["ama"])
    senegal = login(app, people["fp_sn"].email)
    page = page_text(senegal.get("/outreach/consultations"))
    assert "Ama Owusu" not in page
    token = csrf_token(senegal, "/outreach/consultations")
    data = {"csrf_token": token, "version": str(candidate.version), "answer": "released"}
    assert senegal.post(answer_url(candidate), data=data).status_code == 404
    assert senegal.post("/outreach/candidates/999999/answer", data=data).status_code == 404
    assert candidate_of(request, experts["ama"]).state is S.CONSULTATION


def test_a_stale_answer_is_a_conflict_and_changes_nothing(app, world):
    people, request, experts = world
    candidate = in_consultation(people, request, experts["ama"])
    first, second = login(app, people["fp_gh"].email), login(app, people["fp_gh2"].email)
    seen_by_second = answer_form(second, candidate)

    page_text(answer(first, candidate, answer="released"))
    data = {**seen_by_second, "answer": "not_released", "reason": "Needed at home"}
    page = page_text(second.post(answer_url(candidate), data=data, follow_redirects=True))
    assert "Someone else changed this candidate meanwhile: it is now released." in page
    assert candidate_of(request, experts["ama"]).state is S.RELEASED
    answers = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action.like("candidate.%released"))
    ).all()
    assert answers == ["candidate.released"]


def test_a_garbled_version_is_a_bad_request(client, auth, world):
    people, request, experts = world
    candidate = in_consultation(people, request, experts["ama"])
    auth.login(people["fp_gh"].email)
    data = {**answer_form(client, candidate), "version": "x", "answer": "released"}
    assert client.post(answer_url(candidate), data=data).status_code == 400
    assert candidate_of(request, experts["ama"]).state is S.CONSULTATION


def test_consultation_on_a_request_not_published_to_me_can_be_answered(client, auth, world):
    people, request, experts = world
    other = make_request(request.organisation, RequestStatus.OPEN, title="registry adviser")
    candidate = candidates.add(other, experts["kofi"], people["hr1"])  # HR found him itself
    candidates.move(candidate, S.SHORTLISTED, people["hr1"])
    candidates.move(candidate, S.CONSULTATION, people["hr1"])
    auth.login(people["fp_gh"].email)
    page = page_text(client.get("/outreach/consultations"))
    assert "registry adviser" in page and f'href="{request_url(other)}"' in page
    request_page = page_text(client.get(request_url(other)))
    assert "registry adviser" in request_page and "Kofi Mensah" in request_page
    assert "not published to your member state" in request_page  # seen, but no nominations
    assert "Nominate the chosen experts" not in request_page
    page = page_text(answer(client, candidate, answer="released"))
    assert "Answer recorded: Kofi Mensah released." in page
    assert candidate_of(other, experts["kofi"]).state is S.RELEASED


def test_a_consultation_leaves_the_list_once_the_request_is_closed(client, auth, world):
    people, request, experts = world
    candidate = in_consultation(people, request, experts["ama"])
    auth.login(people["fp_gh"].email)
    seen = answer_form(client, candidate)
    lifecycle.close(request, RequestStatus.CLOSED_UNFILLED, people["hr1"], "nobody fits")
    page = page_text(client.get("/outreach/consultations"))
    assert f'action="{answer_url(candidate)}"' not in page
    data = {**seen, "answer": "released"}
    page = page_text(client.post(answer_url(candidate), data=data, follow_redirects=True))
    assert "its shortlist is kept as it is" in page
    assert candidate_of(request, experts["ama"]).state is S.CONSULTATION
