"""Who is told what, as each workflow step is made through its service.

Each step queues its emails in its own transaction (delivery is tested in test_mail.py): the
right member state's active focal points, the HR reviewer who asked, the request's author;
never another member state, never an account that is switched off.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.candidates import workflow as candidates
from app.common.errors import NotAllowed
from app.extensions import db
from app.models import CandidateState, OutboxMessage, RequestStatus, Role
from app.notifications import messages as notifications
from app.outreach import consultations, publication
from app.outreach.publication import Audience
from tests.cast import focal_point_of, member_state
from tests.factories import make_expert, make_ready, make_request, make_user

PUBLIC_URL = "https://civcap.example.org"
S = CandidateState


@pytest.fixture
def cast(app, ghana, mission, un_hr, hr1, hr2, focal, admin):
    app.config["PUBLIC_URL"] = PUBLIC_URL
    norway = member_state("NO")
    people = {
        "hr1": hr1,
        "hr2": hr2,
        # the request's author and a colleague of the same mission, told apart by e-mail
        "author": make_user(Role.REQUESTER, mission, email="author@unmiss.example"),
        "colleague": make_user(Role.REQUESTER, mission, email="colleague@unmiss.example"),
        "fp_gh": focal,
        "fp_gh2": focal_point_of(ghana, "fp2@gh.example"),
        "fp_gh_off": focal_point_of(ghana, "off@gh.example", active=False),
        "fp_no": focal_point_of(norway),
        "admin": admin,
    }
    request = make_request(
        mission,
        RequestStatus.OPEN,
        created_by=people["author"],
        title="court administration adviser",
        area="justice",
        languages=[("en", "B2"), ("fr", "B1")],
        positions=1,
    )
    expert = make_expert(ghana, full_name="Ama Owusu")
    return people, request, expert, {"ghana": ghana, "norway": norway}


def queued(event: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if event is not None:
        query = query.where(OutboxMessage.event == event)
    return list(db.session.scalars(query))


def recipients(event: str | None = None) -> list[str]:
    return sorted(m.recipient for m in queued(event))


def assert_facts(message: OutboxMessage, link_path: str) -> None:
    """The message tells the request's facts and links to where the person acts."""
    body = message.body
    assert "Request: court administration adviser" in body
    assert "Requesting organisation: UNMISS" in body
    assert "Languages: English B2 and French B1" in body
    assert "Start: 4 Mar 2027, for 6 month(s)" in body
    assert f"{PUBLIC_URL}{link_path}" in body
    links = [word for word in body.split() if "://" in word]
    assert links and all(link.startswith(PUBLIC_URL + "/") for link in links)


def shortlisted(request, expert, people):
    candidate = candidates.add(request, expert, people["hr1"])
    return candidates.move(candidate, S.SHORTLISTED, people["hr1"])


def recommended(request, expert, people):
    candidate = shortlisted(request, expert, people)
    candidates.move(candidate, S.CONSULTATION, people["hr1"])
    consultations.answer(candidate, True, people["fp_gh"])
    candidates.move(candidate, S.INTERVIEW, people["hr1"])
    candidates.move(candidate, S.RECOMMENDED, people["hr1"])
    make_ready(candidate)
    return candidate


def test_publishing_tells_the_active_focal_points_of_the_states_reached(cast):
    people, request, expert, states = cast
    publication.publish(request, Audience(organisation_ids={states["ghana"].id}), people["hr1"])
    assert recipients() == ["fp2@gh.example", "fp@gh.example"]  # not Norway's, not switched off
    message = queued()[0]
    assert message.event == "request.published"
    assert message.subject == "[civcap] New request for expertise: court administration adviser"
    assert_facts(message, f"/outreach/requests/{request.id}")

    publication.publish(request, Audience(everyone=True), people["hr1"])  # only Norway is new
    assert recipients() == ["fp2@gh.example", "fp@gh.example", "fp@no.example"]


def test_a_refused_publication_tells_nobody(cast):
    people, request, expert, states = cast
    with pytest.raises(NotAllowed):
        publication.publish(request, Audience(everyone=True), people["fp_gh"])
    db.session.rollback()
    assert queued() == []


def test_asking_a_release_consultation_tells_the_experts_member_state(cast):
    people, request, expert, states = cast
    candidate = shortlisted(request, expert, people)
    assert queued() == []  # shortlisting is HR's own business
    candidates.move(candidate, S.CONSULTATION, people["hr1"])
    assert recipients() == ["fp2@gh.example", "fp@gh.example"]
    message = queued()[0]
    assert message.event == "candidate.consultation"
    assert message.subject == "[civcap] Release consultation: Ama Owusu"
    assert "UN HR asks whether Ama Owusu can be released" in message.body
    assert_facts(message, "/outreach/consultations")


@pytest.mark.parametrize("released", [True, False])
def test_the_answer_goes_to_the_hr_reviewer_who_asked(cast, released):
    people, request, expert, states = cast
    candidate = shortlisted(request, expert, people)
    candidates.move(candidate, S.CONSULTATION, people["hr2"])  # hr2 asks, not hr1
    consultations.answer(
        candidate, released, people["fp_gh"], reason=None if released else "on duty"
    )
    [message] = queued("candidate.consultation_answered")
    assert message.recipient == "hr2@un.example"
    state = "released" if released else "not released"
    assert message.subject == f"[civcap] Government of GH answered: Ama Owusu {state}"
    assert f"Government of GH answered your release consultation for Ama Owusu: {state}." in (
        message.body
    )
    assert_facts(message, f"/review/requests/{request.id}/shortlist")


def test_an_answer_to_an_hr_reviewer_switched_off_goes_nowhere(cast):
    people, request, expert, states = cast
    candidate = shortlisted(request, expert, people)
    candidates.move(candidate, S.CONSULTATION, people["hr2"])
    people["hr2"].active = False
    db.session.commit()
    consultations.answer(candidate, True, people["fp_gh"])
    assert candidate.state is S.RELEASED  # the step is made all the same
    assert queued("candidate.consultation_answered") == []


def test_selection_tells_the_author_and_the_experts_member_state_and_fills_the_request(cast):
    people, request, expert, states = cast
    candidate = recommended(request, expert, people)
    before = {m.id for m in queued()}
    candidates.move(candidate, S.SELECTED, people["hr2"])
    new = [m for m in queued() if m.id not in before]
    assert sorted((m.event, m.recipient) for m in new) == [
        ("candidate.selected", "author@unmiss.example"),
        ("candidate.selected", "fp2@gh.example"),
        ("candidate.selected", "fp@gh.example"),
        ("request.filled", "author@unmiss.example"),
    ]  # not the author's colleague, not Norway, not the switched-off focal point
    by = {(m.event, m.recipient): m for m in new}

    to_author = by[("candidate.selected", "author@unmiss.example")]
    assert to_author.subject == "[civcap] Selection made: court administration adviser"
    assert "Ama Owusu (Government of GH) has been selected." in to_author.body
    assert_facts(to_author, f"/requests/{request.id}")

    to_state = by[("candidate.selected", "fp@gh.example")]
    assert to_state.subject == "[civcap] Your expert Ama Owusu was selected"
    assert_facts(to_state, f"/outreach/requests/{request.id}")

    filled = by[("request.filled", "author@unmiss.example")]
    assert filled.subject == "[civcap] Request filled: court administration adviser"
    assert "The 1 position of your request is filled." in filled.body
    assert_facts(filled, f"/requests/{request.id}")


def test_a_request_of_two_positions_is_filled_by_the_second_selection(cast):
    people, request, expert, states = cast
    request.positions = 2
    db.session.commit()
    first = recommended(request, expert, people)
    candidates.move(first, S.SELECTED, people["hr2"])
    assert queued("request.filled") == []
    second = recommended(request, make_expert(states["ghana"], full_name="Kofi Mensah"), people)
    candidates.move(second, S.SELECTED, people["hr2"])
    assert recipients("request.filled") == ["author@unmiss.example"]


def test_when_the_author_is_switched_off_the_missions_requesters_are_told(cast):
    people, request, expert, states = cast
    people["author"].active = False
    db.session.commit()
    candidate = recommended(request, expert, people)
    candidates.move(candidate, S.SELECTED, people["hr2"])
    assert recipients("request.filled") == ["colleague@unmiss.example"]
    assert "author@unmiss.example" not in recipients()


def test_a_refused_selection_tells_nobody(cast):
    people, request, expert, states = cast
    candidate = recommended(request, expert, people)
    before = len(queued())
    with pytest.raises(NotAllowed, match="Four eyes"):
        candidates.move(candidate, S.SELECTED, people["hr1"])  # who recommended
    db.session.rollback()
    assert len(queued()) == before
    assert queued("candidate.selected") == []


def test_nobody_switched_off_or_of_another_state_is_a_focal_point_to_tell(cast):
    people, request, expert, states = cast
    emails = sorted(u.email for u in notifications.focal_points([states["ghana"].id]))
    assert emails == ["fp2@gh.example", "fp@gh.example"]
    assert notifications.focal_points([]) == []
    assert [u.email for u in notifications.requesters(request)] == ["author@unmiss.example"]


def test_each_person_is_written_to_in_their_own_language(cast):
    people, request, expert, states = cast
    people["fp_gh"].language = "fr"
    people["fp_gh2"].language = "ar"
    db.session.commit()
    publication.publish(request, Audience(organisation_ids={states["ghana"].id}), people["hr1"])
    by_recipient = {m.recipient: m for m in queued("request.published")}

    french, arabic = by_recipient["fp@gh.example"], by_recipient["fp2@gh.example"]
    assert french.subject.startswith("[civcap] Nouvelle demande d’expertise")
    assert "Justice et administration pénitentiaire" in french.body  # the area's name, not a code
    assert "anglais B2 et français B1" in french.body
    assert "4 mars 2027" in french.body
    assert "court administration adviser" in arabic.subject  # data stays as typed
    assert "العدالة والسجون" in arabic.body
    assert "New request" not in french.subject + arabic.subject
