"""The end of an assignment, told ahead: HR reviewers and the sending member state's focal
points read, in their daily digest (``digests``), the assignments ending within
ENDING_WITHIN_DAYS days. Each stays in the digest, day after day, until HR completes it (an
end passed without completion is still listed): one part of the one daily digest, never a mail
of its own. ``ending_told_on`` keeps the first day it was told.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.common import audit
from app.extensions import db
from app.models import Candidate, CandidateState, Expert, Role, User

ENDING_WITHIN_DAYS = 30


def ending_soon(user: User, today: date) -> list[Candidate]:
    """The deployed candidates whose assignment ends by ``today`` + ENDING_WITHIN_DAYS, soonest
    first, that ``user`` may see: all of them for HR, their own experts' for a focal point."""
    if user.role not in (Role.HR_REVIEWER, Role.FOCAL_POINT):
        return []
    query = sa.select(Candidate).where(
        Candidate.state == CandidateState.DEPLOYED,
        Candidate.ends_on <= today + timedelta(days=ENDING_WITHIN_DAYS),
    )
    if user.role is Role.FOCAL_POINT:
        query = query.join(Expert, Expert.id == Candidate.expert_id).where(
            Expert.organisation_id == user.organisation_id
        )
    return list(
        db.session.scalars(
            query.options(selectinload(Candidate.expert), selectinload(Candidate.request))
            .order_by(Candidate.ends_on, Candidate.id)
            .limit(500)
        )
    )


def told(candidates: Iterable[Candidate], today: date) -> None:
    """Keep the first day each end was told (in the digest's transaction). Written without
    the candidate's version: telling is no change a reviewer's next move would conflict with."""
    first_time = [c.id for c in candidates if c.ending_told_on is None]
    if not first_time:
        return
    db.session.execute(
        sa.update(Candidate)
        .where(Candidate.id.in_(first_time), Candidate.ending_told_on.is_(None))
        .values(ending_told_on=today)
        .execution_options(synchronize_session=False)
    )
    for candidate_id in first_time:
        audit.record(
            "candidate.ending_told", "candidate", candidate_id, actor_label="system",
            after={"ending_told_on": today.isoformat()},
        )  # fmt: skip
    db.session.expire_all()
