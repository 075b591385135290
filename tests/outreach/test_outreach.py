"""Outreach service: publishing to member states, nominations, release consultations."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.candidates import workflow as candidates
from app.common.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.models import (
    AuditEvent,
    Candidate,
    CandidateState,
    ExpertStatus,
    OutboxMessage,
    RequestPublication,
    RequestStatus,
)
from app.outreach import consultations, nominations, publication
from app.outreach.publication import Audience
from tests.cast import focal_point_of, member_state
from tests.factories import make_expert, make_request

S = CandidateState


@pytest.fixture
def world(ghana, senegal, mission, un_hr, focal, focal_sn, requester, hr1, hr2):
    states = {
        "GH": ghana,  # Western Africa, global South
        "SN": senegal,  # Western Africa, global South
        "NO": member_state("NO"),  # Northern Europe
        "JP": member_state("JP"),  # Eastern Asia, not global South
    }
    people = {
        "fp_gh": focal,
        "fp_sn": focal_sn,
        "fp_no": focal_point_of(states["NO"]),
        "requester": requester,
        "hr1": hr1,
        "hr2": hr2,
    }
    request = make_request(mission, status=RequestStatus.OPEN, created_by=requester)
    return states, people, request


def names(organisations):
    return sorted(o.name for o in organisations)


def test_audiences_choose_member_states_by_region_south_and_name(world):
    states, _, _ = world
    assert names(publication.member_states(Audience(everyone=True))) == names(states.values())
    assert names(publication.member_states(Audience(regions={"Western Africa"}))) == [
        "Government of GH", "Government of SN",
    ]  # fmt: skip
    assert names(publication.member_states(Audience(global_south=True))) == [
        "Government of GH", "Government of SN",
    ]  # fmt: skip
    assert names(publication.member_states(Audience(organisation_ids={states["JP"].id}))) == [
        "Government of JP"
    ]
    union = Audience(regions={"Northern Europe"}, organisation_ids={states["JP"].id})
    assert names(publication.member_states(union)) == ["Government of JP", "Government of NO"]
    assert publication.member_states(Audience()) == []


def test_publish_reaches_new_states_once_audits_and_notifies(world):
    states, people, request = world
    reached = publication.publish(request, Audience(global_south=True), people["hr1"])
    assert names(reached) == ["Government of GH", "Government of SN"]
    again = publication.publish(request, Audience(everyone=True), people["hr1"])
    assert names(again) == ["Government of JP", "Government of NO"]  # only the new ones
    with pytest.raises(NotAllowed, match="already published"):
        publication.publish(request, Audience(regions={"Western Africa"}), people["hr1"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RequestPublication)) == 4
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "request.published")
    ).all()
    assert [e.after["organisations"] for e in events] == [
        ["Government of GH", "Government of SN"], ["Government of JP", "Government of NO"],
    ]  # fmt: skip
    mails = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    # JP has no focal point: nobody to tell there.
    assert [m.recipient for m in mails] == ["fp@gh.example", "fp@sn.example", "fp@no.example"]
    assert all(m.event == "request.published" for m in mails)


def test_publish_is_refused_for_the_wrong_person_state_or_audience(world):
    states, people, request = world
    with pytest.raises(NotAllowed):
        publication.publish(request, Audience(everyone=True), people["requester"])
    with pytest.raises(ValidationFailed, match="audience"):
        publication.publish(request, Audience(), people["hr1"])
    with pytest.raises(ValidationFailed, match="no member state"):
        publication.publish(request, Audience(regions={"Atlantis"}), people["hr1"])
    request.status = RequestStatus.SUBMITTED
    db.session.commit()
    with pytest.raises(NotAllowed, match="accept it first"):
        publication.publish(request, Audience(everyone=True), people["hr1"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RequestPublication)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_focal_points_see_only_what_is_published_to_them(world):
    states, people, request = world
    publication.publish(request, Audience(organisation_ids={states["GH"].id}), people["hr1"])
    seen = db.session.scalars(publication.requests_published_to(states["GH"].id)).all()
    assert [r.id for r in seen] == [request.id]
    assert db.session.scalars(publication.requests_published_to(states["SN"].id)).all() == []
    request.status = RequestStatus.CANCELLED
    db.session.commit()
    assert db.session.scalars(publication.requests_published_to(states["GH"].id)).all() == []


def test_nomination_enters_the_shortlist_with_score_and_explanation(world):
    states, people, request = world
    publication.publish(request, Audience(organisation_ids={states["GH"].id}), people["hr1"])
    ama = make_expert(states["GH"], full_name="Ama Owusu")
    kofi = make_expert(states["GH"], full_name="Kofi Mensah")
    added = nominations.nominate(request, [ama, kofi], people["fp_gh"])
    assert {c.expert_id for c in added} == {ama.id, kofi.id}
    for candidate in added:
        assert candidate.state is S.SUGGESTED
        assert candidate.nominated_by_id == states["GH"].id
        assert candidate.score is not None and candidate.score > 0
        assert candidate.explanation["run_id"]
        assert "matched_skills" in candidate.explanation
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.entity_type == "candidate")
    ).all()
    assert actions == ["candidate.nominated", "candidate.nominated"]


def test_nomination_is_all_or_nothing_and_only_of_own_experts(world):
    states, people, request = world
    publication.publish(request, Audience(organisation_ids={states["GH"].id}), people["hr1"])
    ama = make_expert(states["GH"], full_name="Ama Owusu")
    withdrawn = make_expert(states["GH"], full_name="Yaw Boateng")
    withdrawn.status = ExpertStatus.WITHDRAWN
    senegalese = make_expert(states["SN"], full_name="Awa Diop")
    db.session.commit()
    with pytest.raises(ValidationFailed, match="Yaw Boateng is not active"):
        nominations.nominate(request, [ama, withdrawn], people["fp_gh"])
    with pytest.raises(NotAllowed, match="only its own experts"):
        nominations.nominate(request, [ama, senegalese], people["fp_gh"])
    with pytest.raises(NotAllowed, match="not published"):
        nominations.nominate(request, [senegalese], people["fp_sn"])
    with pytest.raises(NotAllowed, match="not published"):
        nominations.nominate(request, [ama], people["hr1"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 0
    nominations.nominate(request, [ama], people["fp_gh"])
    with pytest.raises(ValidationFailed, match="already a candidate"):
        nominations.nominate(request, [ama], people["fp_gh"])
    request.status = RequestStatus.FILLED
    db.session.commit()
    with pytest.raises(NotAllowed, match="nominations are closed"):
        nominations.nominate(request, [make_expert(states["GH"])], people["fp_gh"])


def test_release_answers_move_the_candidate_and_tell_the_asker(world):
    states, people, request = world
    ama = make_expert(states["GH"], full_name="Ama Owusu")
    kofi = make_expert(states["GH"], full_name="Kofi Mensah")
    first = candidates.add(request, ama, people["hr1"])
    second = candidates.add(request, kofi, people["hr2"])
    for candidate, hr in ((first, "hr1"), (second, "hr2")):
        candidates.move(candidate, S.SHORTLISTED, people[hr])
        candidates.move(candidate, S.CONSULTATION, people[hr])
    assert [c.id for c in consultations.consultations(states["GH"].id)] == [second.id, first.id]
    assert consultations.consultations(states["SN"].id) == []

    with pytest.raises(NotAllowed, match="nominating member state"):
        consultations.answer(first, True, people["fp_sn"])
    with pytest.raises(ValidationFailed, match="reason"):
        consultations.answer(first, False, people["fp_gh"])
    consultations.answer(first, True, people["fp_gh"], note="Secondment law 12/2019, art. 4.")
    consultations.answer(second, False, people["fp_gh"], reason="Needed for the elections at home")
    assert (first.state, second.state) == (S.RELEASED, S.NOT_RELEASED)
    assert {c.id for c in consultations.consultations(states["GH"].id, waiting=False)} == {
        first.id, second.id,
    }  # fmt: skip
    answered = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.event == "candidate.consultation_answered")
        .order_by(OutboxMessage.id)
    ).all()
    assert [m.recipient for m in answered] == ["hr1@un.example", "hr2@un.example"]
    asked = db.session.scalars(
        sa.select(OutboxMessage.recipient).where(OutboxMessage.event == "candidate.consultation")
    ).all()
    assert asked == ["fp@gh.example", "fp@gh.example"]
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "candidate.released")
    )
    assert event.note == "Secondment law 12/2019, art. 4."
