"""Two demo candidacies, so that readiness and the end of an assignment can be tried out: one
recommended (its readiness items asked of the Ghana focal point and of HR), one deployed with
its assignment ending within the daily digest's 30 days. Both go through the workflow a real
deployment uses (the moves, four eyes, readiness, the dates); a request that has candidates
already is left as it is, so running the seed again changes nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from app.candidates import workflow
from app.extensions import db
from app.models import (
    Candidate,
    CandidateState,
    Expert,
    ExpertiseRequest,
    ExpertStatus,
    Organisation,
    ReadinessStatus,
    RequestStatus,
    User,
)
from app.models.expert import ExpertModality, expert_areas
from app.readiness import items as readiness
from app.readiness.checklist import Holds, kinds_for

S = CandidateState
SENDING_STATE = "Government of GH"
RECOMMENDED_ON = "DR0033"  # UNMISS, justice, government-provided personnel (not published)
DEPLOYED_ON = "DR0041"  # UNMISS, justice, consultant (not among those published)
DEPLOYED_FOR_DAYS = 150
ENDS_IN_DAYS = 20


def seed(hr1: User, hr2: User, focal_point: User) -> int:
    """Make the two candidacies where their requests have none yet; how many were made."""
    made = 0
    for external_id, deploy in ((RECOMMENDED_ON, False), (DEPLOYED_ON, True)):
        request = db.session.scalar(
            sa.select(ExpertiseRequest).where(ExpertiseRequest.external_id == external_id)
        )
        if request is None or request.status is not RequestStatus.OPEN or _has_candidates(request):
            continue
        expert = _expert_for(request)
        if expert is None:
            continue
        candidate = workflow.add(request, expert, hr1)
        for to, who in [(S.SHORTLISTED, hr1), (S.CONSULTATION, hr1), (S.RELEASED, focal_point),
                        (S.INTERVIEW, hr1), (S.RECOMMENDED, hr1)]:  # fmt: skip
            workflow.move(candidate, to, who)
        if deploy:
            _deploy(candidate, hr1, hr2, datetime.now(UTC).date())
        made += 1
    return made


def _has_candidates(request: ExpertiseRequest) -> bool:
    found = db.session.scalar(sa.select(Candidate.id).where(Candidate.request_id == request.id))
    return found is not None


def _expert_for(request: ExpertiseRequest) -> Expert | None:
    """The sending state's first active expert of the request's area who accepts its
    modality and is not a candidate anywhere yet."""
    return db.session.scalar(
        sa.select(Expert)
        .join(Organisation, Organisation.id == Expert.organisation_id)
        .join(expert_areas, expert_areas.c.expert_id == Expert.id)
        .join(ExpertModality, ExpertModality.expert_id == Expert.id)
        .where(
            Organisation.name == SENDING_STATE,
            Expert.status == ExpertStatus.ACTIVE,
            expert_areas.c.area_code == request.area_code,
            ExpertModality.modality == request.modality,
            ~sa.exists().where(Candidate.expert_id == Expert.id),
        )
        .order_by(Expert.external_id)
        .limit(1)
    )


def _deploy(candidate: Candidate, hr1: User, hr2: User, today: date) -> None:
    """Every readiness item recorded, selected by the second reviewer, deployed since
    DEPLOYED_FOR_DAYS days until ENDS_IN_DAYS days from ``today``."""
    starts_on = today - timedelta(days=DEPLOYED_FOR_DAYS)
    ends_on = today + timedelta(days=ENDS_IN_DAYS)
    for kind in kinds_for(candidate.request):
        readiness.record(
            candidate, kind.code, hr1, ReadinessStatus.DONE,
            done_on=starts_on - timedelta(days=30),
            valid_until=None if kind.holds is Holds.ALWAYS else ends_on + timedelta(days=3650),
            note="Demo data.",
        )  # fmt: skip
    workflow.move(candidate, S.SELECTED, hr2)
    workflow.move(candidate, S.DEPLOYED, hr1, starts_on=starts_on, ends_on=ends_on)
