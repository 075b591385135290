"""Outreach to member states: HR publishes open requests; focal points nominate their experts
and answer release consultations.

A focal point sees a request only once it is published to their member state, and nominates
only their own experts; a nomination enters the shortlist with the matcher's score and
explanation for that expert (a saved suggestion run, as for HR's own additions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Candidate,
    CandidateState,
    Expert,
    ExpertiseRequest,
    ExpertStatus,
    Organisation,
    OrganisationKind,
    RequestPublication,
    RequestStatus,
    Role,
    User,
)
from app.services import audit, candidates, notifications, suggestions
from app.services.errors import Conflict, FieldError, NotAllowed, ValidationFailed
from matching import Filters

PUBLISHABLE = frozenset({RequestStatus.OPEN, RequestStatus.SELECTION})
# What a focal point sees of the requests published to them: the live ones by default.
LIVE = PUBLISHABLE


@dataclass
class Audience:
    """Whom HR publishes to: the union of everyone, regions, the global South and names."""

    everyone: bool = False
    regions: set[str] = field(default_factory=set)
    global_south: bool = False
    organisation_ids: set[int] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not (self.everyone or self.regions or self.global_south or self.organisation_ids)


def member_states(audience: Audience) -> list[Organisation]:
    """The member states ``audience`` describes, by name."""
    query = sa.select(Organisation).where(Organisation.kind == OrganisationKind.MEMBER_STATE)
    if not audience.everyone:
        chosen = []
        if audience.regions:
            chosen.append(Organisation.region.in_(sorted(audience.regions)))
        if audience.global_south:
            chosen.append(Organisation.global_south.is_(True))
        if audience.organisation_ids:
            chosen.append(Organisation.id.in_(sorted(audience.organisation_ids)))
        query = query.where(sa.or_(*chosen)) if chosen else query.where(sa.false())
    return list(db.session.scalars(query.order_by(Organisation.name)))


def publish(request: ExpertiseRequest, audience: Audience, actor: User) -> list[Organisation]:
    """Publish an open request; returns the member states newly reached (they are notified)."""
    if actor.role is not Role.HR_REVIEWER:
        raise NotAllowed("Only an HR reviewer publishes a request.")
    if request.status not in PUBLISHABLE:
        raise NotAllowed(
            f"This request is {request.status.label}; accept it first (only open requests "
            "and requests in selection are published)."
        )
    if audience.empty:
        raise ValidationFailed(
            [FieldError("audience", "choose all member states, regions, the global South or names")]
        )
    reached = member_states(audience)
    if not reached:
        raise ValidationFailed([FieldError("audience", "no member state matches this choice")])
    already = set(published_to(request))
    new = [o for o in reached if o.id not in already]
    if not new:
        raise NotAllowed("The request is already published to every member state chosen.")
    for organisation in new:
        db.session.add(
            RequestPublication(
                request_id=request.id, organisation_id=organisation.id, published_by_id=actor.id
            )
        )
    audit.record("request.published", "request", request.id, actor=actor,
                 after={"organisations": [o.name for o in new]})  # fmt: skip
    notifications.request_published(request, new)
    db.session.commit()
    return new


def published_to(request: ExpertiseRequest) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(RequestPublication.organisation_id).where(
                RequestPublication.request_id == request.id
            )
        )
    )


def publications(request: ExpertiseRequest) -> list[RequestPublication]:
    return list(
        db.session.scalars(
            sa.select(RequestPublication)
            .join(Organisation)
            .where(RequestPublication.request_id == request.id)
            .options(selectinload(RequestPublication.organisation))
            .order_by(Organisation.name)
        )
    )


def is_published_to(request: ExpertiseRequest, organisation_id: int | None) -> bool:
    if organisation_id is None:
        return False
    return db.session.get(RequestPublication, (request.id, organisation_id)) is not None


def requests_published_to(
    organisation_id: int, statuses: frozenset[RequestStatus] = LIVE
) -> sa.Select[tuple[ExpertiseRequest]]:
    """The requests published to a member state, newest publication first (for a pager)."""
    return (
        sa.select(ExpertiseRequest)
        .join(RequestPublication, RequestPublication.request_id == ExpertiseRequest.id)
        .where(
            RequestPublication.organisation_id == organisation_id,
            ExpertiseRequest.status.in_(sorted(statuses)),
        )
        .options(selectinload(ExpertiseRequest.organisation))
        .order_by(RequestPublication.published_at.desc(), ExpertiseRequest.id.desc())
    )


def nominate(request: ExpertiseRequest, experts: Sequence[Expert], actor: User) -> list[Candidate]:
    """A focal point puts their own experts forward; all of them or none."""
    if actor.role is not Role.FOCAL_POINT or not is_published_to(request, actor.organisation_id):
        raise NotAllowed("This request is not published to your member state.")
    if request.status not in PUBLISHABLE:
        raise NotAllowed(f"This request is {request.status.label}; nominations are closed.")
    if not experts:
        raise ValidationFailed([FieldError("experts", "choose at least one expert")])
    errors = []
    taken = {
        c.expert_id: c
        for c in db.session.scalars(
            sa.select(Candidate).where(
                Candidate.request_id == request.id,
                Candidate.expert_id.in_([e.id for e in experts]),
            )
        )
    }
    for expert in experts:
        if expert.organisation_id != actor.organisation_id:
            raise NotAllowed("A member state nominates only its own experts.")
        if expert.status is not ExpertStatus.ACTIVE or expert.consent_given_at is None:
            errors.append(FieldError("experts", f"{expert.full_name} is not active with consent"))
        elif expert.id in taken:
            errors.append(
                FieldError(
                    "experts",
                    f"{expert.full_name} is already a candidate ({taken[expert.id].state.label})",
                )
            )
    if errors:
        raise ValidationFailed(errors)
    ids = {e.id for e in experts}
    run = suggestions.run_suggestions(
        request, actor, Filters(expert_ids=frozenset(ids)), k=len(ids), near_misses=len(ids)
    )
    entries = {entry.expert_id: entry for entry in run.entries}
    added = []
    for expert in experts:
        entry = entries.get(expert.id)
        explanation = {**entry.explanation, "run_id": run.id, "rank": entry.rank} if entry else None
        added.append(
            candidates.put_forward(
                request, expert, actor, entry.score if entry else None, explanation,
                nominated=True,
            )
        )  # fmt: skip
    try:
        db.session.commit()
    except IntegrityError as exc:  # the same expert put forward at the same moment elsewhere
        db.session.rollback()
        raise Conflict(
            "One of these experts was put forward for this request by someone else at the same "
            "moment. Nothing of yours was saved; look at the request again."
        ) from exc
    return added


def nominations(request: ExpertiseRequest, organisation_id: int) -> list[Candidate]:
    """The candidates of one member state's experts for a request (whoever put them forward)."""
    return list(
        db.session.scalars(
            sa.select(Candidate)
            .join(Expert)
            .where(Candidate.request_id == request.id, Expert.organisation_id == organisation_id)
            .options(selectinload(Candidate.expert))
            .order_by(Expert.full_name)
        )
    )


def nominable_experts(request: ExpertiseRequest, organisation_id: int) -> list[Expert]:
    """A member state's experts it may still nominate for a request: active, with consent,
    and not already candidates (whoever put them forward)."""
    already = sa.select(Candidate.expert_id).where(Candidate.request_id == request.id)
    return list(
        db.session.scalars(
            sa.select(Expert)
            .where(
                Expert.organisation_id == organisation_id,
                Expert.status == ExpertStatus.ACTIVE,
                Expert.consent_given_at.is_not(None),
                Expert.id.not_in(already),
            )
            .order_by(Expert.full_name, Expert.id)
        )
    )


def consultations(organisation_id: int, waiting: bool = True) -> list[Candidate]:
    """Release consultations for a member state's experts: waiting for an answer, or answered."""
    states = (
        [CandidateState.CONSULTATION]
        if waiting
        else [CandidateState.RELEASED, CandidateState.NOT_RELEASED]
    )
    query = sa.select(Candidate).join(Expert)
    if waiting:  # a consultation on a closed, cancelled or replaced request can't be answered
        query = query.join(ExpertiseRequest, ExpertiseRequest.id == Candidate.request_id).where(
            ExpertiseRequest.status.in_(sorted(candidates.ACTIVE_REQUEST))
        )
    return list(
        db.session.scalars(
            query.where(Expert.organisation_id == organisation_id, Candidate.state.in_(states))
            .options(selectinload(Candidate.expert), selectinload(Candidate.request))
            .order_by(Candidate.updated_at.desc(), Candidate.id.desc())
            .limit(200)
        )
    )


def answer(
    candidate: Candidate,
    released: bool,
    actor: User,
    reason: str | None = None,
    note: str | None = None,
    expected_version: int | None = None,
) -> Candidate:
    """The focal point's answer to a release consultation: released, or not (with a reason)."""
    to = CandidateState.RELEASED if released else CandidateState.NOT_RELEASED
    return candidates.move(
        candidate, to, actor, expected_version=expected_version, reason=reason, note=note
    )
