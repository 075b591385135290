"""The emails people wait for, written as each workflow step happens.

Each function queues its messages in the current transaction (``notifications.outbox``); the step's
own service calls it before committing. Messages say what happened and link to the page where
the person acts; they carry no more personal data than the recipient may see in civcap.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import AuditEvent, Candidate, ExpertiseRequest, Organisation, Role, User
from app.notifications import outbox


def _link(path: str) -> str:
    return current_app.config["PUBLIC_URL"] + path


def _emails(users: Iterable[User]) -> list[str]:
    return [u.email for u in users if u.active]


def focal_points(organisation_ids: Iterable[int]) -> list[User]:
    ids = list(organisation_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(User).where(
                User.role == Role.FOCAL_POINT,
                User.active.is_(True),
                User.organisation_id.in_(ids),
            )
        )
    )


def requesters(request: ExpertiseRequest) -> list[User]:
    """Who waits for news of a request: its author, or else its organisation's requesters."""
    if request.created_by is not None and request.created_by.active:
        return [request.created_by]
    return list(
        db.session.scalars(
            sa.select(User).where(
                User.role == Role.REQUESTER,
                User.active.is_(True),
                User.organisation_id == request.organisation_id,
            )
        )
    )


def _consulted_by(candidate: Candidate) -> User | None:
    """The HR reviewer who asked the release consultation (from the audit trail)."""
    actor_id = db.session.scalar(
        sa.select(AuditEvent.actor_id)
        .where(
            AuditEvent.entity_type == "candidate",
            AuditEvent.entity_id == candidate.id,
            AuditEvent.action == "candidate.consultation",
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return db.session.get(User, actor_id) if actor_id is not None else None


def _facts(request: ExpertiseRequest) -> str:
    languages = ", ".join(f"{lang.code} {lang.min_level}" for lang in request.languages) or "—"
    return (
        f"Request: {request.title}\n"
        f"Requesting organisation: {request.organisation.name}\n"
        f"Core area: {request.area.name}\n"
        f"Languages: {languages}\n"
        f"Minimum experience: {request.min_years_experience} years\n"
        f"Start: {request.start_date.isoformat()}, {request.duration_months} month(s)\n"
        f"Modality: {request.modality.replace('_', ' ')}\n"
    )


def request_published(request: ExpertiseRequest, organisations: Iterable[Organisation]) -> int:
    recipients = _emails(focal_points(o.id for o in organisations))
    return outbox.queue(
        "request.published",
        recipients,
        f"[civcap] New request for expertise: {request.title}",
        "UN HR has published a request for civilian expertise to your member state.\n\n"
        + _facts(request)
        + f"\nSee it and nominate experts: {_link(f'/outreach/requests/{request.id}')}\n",
    )


def consultation_asked(candidate: Candidate) -> int:
    request, expert = candidate.request, candidate.expert
    return outbox.queue(
        "candidate.consultation",
        _emails(focal_points([expert.organisation_id])),
        f"[civcap] Release consultation: {expert.full_name}",
        f"UN HR asks whether {expert.full_name} can be released for the dates of this "
        "request.\n\n"
        + _facts(request)
        + f"\nAnswer (released / not released): {_link('/outreach/consultations')}\n",
    )


def consultation_answered(candidate: Candidate) -> int:
    asker = _consulted_by(candidate)
    request, expert = candidate.request, candidate.expert
    return outbox.queue(
        "candidate.consultation_answered",
        _emails([asker] if asker else []),
        f"[civcap] {expert.organisation.name} answered: {expert.full_name} {candidate.state.label}",
        f"{expert.organisation.name} answered your release consultation for "
        f"{expert.full_name}: {candidate.state.label}.\n\n"
        + _facts(request)
        + f"\nShortlist: {_link(f'/review/requests/{request.id}/shortlist')}\n",
    )


def selection_made(candidate: Candidate) -> int:
    request, expert = candidate.request, candidate.expert
    body = f"{expert.full_name} ({expert.organisation.name}) has been selected.\n\n" + _facts(
        request
    )
    count = outbox.queue(
        "candidate.selected",
        _emails(requesters(request)),
        f"[civcap] Selection made: {request.title}",
        body + f"\nYour request: {_link(f'/requests/{request.id}')}\n",
    )
    return count + outbox.queue(
        "candidate.selected",
        _emails(focal_points([expert.organisation_id])),
        f"[civcap] Your expert {expert.full_name} was selected",
        body + f"\nThe request: {_link(f'/outreach/requests/{request.id}')}\n",
    )


def request_filled(request: ExpertiseRequest) -> int:
    return outbox.queue(
        "request.filled",
        _emails(requesters(request)),
        f"[civcap] Request filled: {request.title}",
        f"All {request.positions} position(s) of your request are filled.\n\n"
        + _facts(request)
        + f"\nYour request: {_link(f'/requests/{request.id}')}\n",
    )
