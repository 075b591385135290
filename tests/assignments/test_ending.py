"""The end, 30 days before: HR and the sending state's focal points read the assignments
ending soon in their one daily digest (a real SMTP server on loopback); a focal point only their
own experts'; each stays there until completed; the first day it was told is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.assignments.ending import ending_soon
from app.digests import daily
from app.extensions import db
from app.models import AuditEvent, Candidate, CandidateState, RequestStatus
from tests.factories import make_expert, make_request

S = CandidateState


@pytest.fixture
def assignments(ghana, senegal, mission):
    """Ama (Ghana) ends in 20 days, Kofi (Ghana) in 90, Awa (Senegal) in 10; Yaw (Ghana)
    ended 3 days ago and is still not completed; Efua (Ghana) is completed."""
    today = datetime.now(UTC).date()
    request = make_request(mission, RequestStatus.FILLED, title="police adviser", positions=5)
    rows = {}
    for name, state, days, state_of in [
        ("Ama Owusu", S.DEPLOYED, 20, ghana), ("Kofi Mensah", S.DEPLOYED, 90, ghana),
        ("Awa Diop", S.DEPLOYED, 10, senegal), ("Yaw Boateng", S.DEPLOYED, -3, ghana),
        ("Efua Asante", S.COMPLETED, 5, ghana),
    ]:  # fmt: skip
        rows[name] = Candidate(
            request=request, expert=make_expert(state_of, full_name=name), state=state,
            starts_on=today - timedelta(days=150), ends_on=today + timedelta(days=days),
        )  # fmt: skip
    db.session.add_all(rows.values())
    db.session.commit()
    return rows


def names(candidates) -> list[str]:
    return [c.expert.full_name for c in candidates]


def test_hr_sees_all_a_focal_point_their_own(app, assignments, hr1, focal, focal_sn, requester):
    today = datetime.now(UTC).date()
    assert names(ending_soon(hr1, today)) == ["Yaw Boateng", "Awa Diop", "Ama Owusu"]
    assert names(ending_soon(focal, today)) == ["Yaw Boateng", "Ama Owusu"]
    assert names(ending_soon(focal_sn, today)) == ["Awa Diop"]
    assert ending_soon(requester, today) == []


def test_the_digest_tells_the_end_once_a_day(app, smtp, assignments, hr1, focal, focal_sn):
    today = datetime.now(UTC).date()
    daily.send_digests()
    daily.send_digests()  # the scheduler ran it twice today: still one digest each
    mails = {e["To"]: e for e in smtp.emails()}
    assert sorted(mails) == ["fp@gh.example", "fp@sn.example", "hr1@un.example"]
    assert len(smtp.envelopes) == 3
    to_hr = mails["hr1@un.example"].get_content()
    assert "Assignments ending within 30 days:" in to_hr
    assert "police adviser: Ama Owusu, ends on" in to_hr and "Awa Diop" in to_hr
    assert "Kofi Mensah" not in to_hr and "Efua Asante" not in to_hr
    assert mails["hr1@un.example"]["Subject"] == "[civcap] 3 things wait for you"
    to_ghana = mails["fp@gh.example"].get_content()
    assert "Ama Owusu" in to_ghana and "Yaw Boateng" in to_ghana and "Awa Diop" not in to_ghana
    to_senegal = mails["fp@sn.example"].get_content()
    assert "Awa Diop" in to_senegal and "Ama Owusu" not in to_senegal

    db.session.expire_all()
    told = {c.expert.full_name: c.ending_told_on for c in db.session.scalars(sa.select(Candidate))}
    assert told == {"Ama Owusu": today, "Kofi Mensah": None, "Awa Diop": today,
                    "Yaw Boateng": today, "Efua Asante": None}  # fmt: skip
    versions = {c.version for c in db.session.scalars(sa.select(Candidate))}
    assert versions == {1}  # telling is no change a reviewer's move would conflict with
    assert len(db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "candidate.ending_told")
    ).all()) == 3  # fmt: skip

    tomorrow = today + timedelta(days=1)
    assert daily.send_digest(hr1.id, tomorrow) is True  # still there until completed
    assert "Ama Owusu" in smtp.emails()[-1].get_content()
    db.session.expire_all()
    ama = db.session.get(Candidate, assignments["Ama Owusu"].id)
    assert ama.ending_told_on == today  # the first day it was told
