"""Nominations: a focal point puts their own member state's experts forward for a published request.

A nomination enters the shortlist with the matcher's score and explanation for that expert (a saved
suggestion run, as for HR's own additions)."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.candidates import queries as candidate_queries
from app.candidates import workflow as candidates
from app.common.errors import Conflict, FieldError, NotAllowed, ValidationFailed
from app.common.transaction import transaction
from app.extensions import db
from app.models import (
    Candidate,
    Expert,
    ExpertiseRequest,
    ExpertStatus,
    Role,
    User,
)
from app.outreach.publication import PUBLISHABLE, is_published_to
from app.suggestions import ranking
from matching import Filters


def nominate(request: ExpertiseRequest, experts: Sequence[Expert], actor: User) -> list[Candidate]:
    """A focal point puts their own experts forward; all of them or none."""
    if actor.role is not Role.FOCAL_POINT or not is_published_to(request, actor.organisation_id):
        raise NotAllowed(_("This request is not published to your member state."))
    if request.status not in PUBLISHABLE:
        raise NotAllowed(
            _("This request is %(status)s; nominations are closed.", status=request.status.label)
        )
    if not experts:
        raise ValidationFailed([FieldError("experts", _("choose at least one expert"))])
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
            raise NotAllowed(_("A member state nominates only its own experts."))
        if expert.status is not ExpertStatus.ACTIVE or expert.consent_given_at is None:
            message = _("%(name)s is not active with consent", name=expert.full_name)
            errors.append(FieldError("experts", message))
        elif expert.id in taken:
            message = _(
                "%(name)s is already a candidate (%(state)s)",
                name=expert.full_name,
                state=taken[expert.id].state.label,
            )
            errors.append(FieldError("experts", message))
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction("candidate"):
            ids = {e.id for e in experts}
            run = ranking.run_suggestions(
                request, actor, Filters(expert_ids=frozenset(ids)), k=len(ids), near_misses=len(ids)
            )
            entries = {entry.expert_id: entry for entry in run.entries}
            added = []
            for expert in experts:
                entry = entries.get(expert.id)
                explanation = candidate_queries.explanation_kept(entry)
                added.append(
                    candidates.put_forward(
                        request, expert, actor, entry.score if entry else None, explanation,
                        nominated=True,
                    )
                )  # fmt: skip
    except IntegrityError as exc:  # the same expert put forward at the same moment elsewhere
        raise Conflict(
            _(
                "One of these experts was put forward for this request by someone else at the "
                "same moment. Nothing of yours was saved; look at the request again."
            )
        ) from exc
    return added


def nominations(request: ExpertiseRequest, organisation_id: int) -> list[Candidate]:
    """The candidates of one member state's experts for a request (whoever put them forward)."""
    query = candidate_queries.of_request(request, organisation_id)
    return list(db.session.scalars(query.order_by(Expert.full_name, Candidate.id)))


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
