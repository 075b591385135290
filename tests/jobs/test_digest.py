"""The daily digest: what waits for each staff member, theirs only, emailed once a day through
the outbox (a real SMTP server on loopback)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.digests import daily
from app.digests.awaiting import awaiting
from app.extensions import db
from app.models import Candidate, CandidateState, OutboxMessage, RequestStatus
from tests.factories import make_expert, make_request

S = CandidateState


@pytest.fixture
def waiting(ghana, senegal, mission, hr1, hr2, focal, focal_sn, requester, admin):
    """hr1 recommended Ama (Ghana); Kofi's consultation (Ghana) is three weeks old; Awa's
    (Senegal) was asked today; a request waits for HR to accept it; one email failed."""
    now = datetime.now(UTC)
    request = make_request(mission, RequestStatus.OPEN, created_by=requester, title="court adviser")
    submitted = make_request(mission, RequestStatus.SUBMITTED, title="police adviser")
    ama = make_expert(ghana, full_name="Ama Owusu")
    kofi = make_expert(ghana, full_name="Kofi Mensah")
    awa = make_expert(senegal, full_name="Awa Diop")
    db.session.add_all(
        [
            Candidate(request=request, expert=ama, state=S.RECOMMENDED, recommended_by_id=hr1.id),
            Candidate(
                request=request, expert=kofi, state=S.CONSULTATION, updated_at=now - timedelta(21)
            ),
            Candidate(request=request, expert=awa, state=S.CONSULTATION, updated_at=now),
            OutboxMessage(
                event="t", recipient="x@example.org", subject="s", body="b", last_error="550"
            ),
        ]
    )
    db.session.commit()
    return {"request": request, "submitted": submitted}


def names(candidates) -> list[str]:
    return [c.expert.full_name for c in candidates]


def test_each_person_is_shown_only_what_waits_for_them(
    app, waiting, hr1, hr2, focal, focal_sn, requester, admin
):
    mine = awaiting(hr1)
    assert mine.to_select == []  # their own recommendation waits for another reviewer
    assert names(mine.overdue_consultations) == ["Kofi Mensah"]  # Awa's is not overdue
    assert [r.title for r in mine.to_accept] == ["police adviser"]
    other = awaiting(hr2)
    assert names(other.to_select) == ["Ama Owusu"] and other.count == 3
    assert names(awaiting(focal).to_answer) == ["Kofi Mensah"]
    assert names(awaiting(focal_sn).to_answer) == ["Awa Diop"]
    assert awaiting(requester).count == 0
    found = awaiting(admin)
    assert found.failed_mail == 1 and found.count == 1
    focal.active = False
    assert awaiting(focal).count == 0


def test_a_digest_names_nobody_its_reader_may_not_see(
    app, waiting, hr1, hr2, focal, focal_sn, admin
):
    def body(user) -> str:
        subject, text = daily.write(awaiting(user))
        return subject + "\n" + text

    assert "Ama Owusu" in body(hr2) and "Ama Owusu" not in body(hr1)
    assert "Kofi Mensah" in body(focal) and "Awa Diop" not in body(focal)
    ghana_free = body(focal_sn)
    assert "Awa Diop" in ghana_free
    assert "Kofi Mensah" not in ghana_free and "Ama Owusu" not in ghana_free
    assert "police adviser" not in body(focal)  # HR's work, not the focal point's
    for_admin = body(admin)
    assert "1 notification could not be delivered" in for_admin
    assert not any(n in for_admin for n in ("Ama", "Kofi", "Awa", "x@example.org"))


def test_the_digest_goes_once_a_day_to_each_person_with_something_waiting(
    app, smtp, waiting, hr1, hr2, focal, focal_sn, requester, admin
):
    daily.send_digests()
    received = sorted(e["To"] for e in smtp.emails())
    assert received == sorted(
        ["hr1@un.example", "hr2@un.example", "fp@gh.example", "fp@sn.example", "admin@un.example"]
    )  # not the requester: nothing waits for them
    [to_hr2] = [e for e in smtp.emails() if e["To"] == "hr2@un.example"]
    assert to_hr2["Subject"] == "[civcap] 3 things wait for you"
    content = to_hr2.get_content()
    assert "court adviser: Ama Owusu" in content
    assert "https://civcap.example.org/review/requests/" in content

    daily.send_digests()  # the scheduler ran it twice today
    assert len(smtp.envelopes) == 5
    today = datetime.now(UTC).date()
    events = db.session.scalars(
        sa.select(OutboxMessage.event).where(OutboxMessage.recipient == "hr2@un.example")
    ).all()
    assert events == [f"digest:{today.isoformat()}"]

    assert daily.send_digest(hr2.id, today + timedelta(days=1)) is True  # the next day
    assert daily.send_digest(hr2.id, today + timedelta(days=1)) is False
    assert [e["To"] for e in smtp.emails()][5:] == ["hr2@un.example"]


def test_nothing_waiting_sends_nothing(app, smtp, hr1, requester):
    daily.send_digests()
    assert smtp.envelopes == []
    assert daily.send_digest(requester.id, date.today()) is False
