"""The emails people wait for, written as each workflow step happens.

Each function queues its messages in the current transaction (``notifications.outbox``); the step's
own service calls it before committing. Messages say what happened and link to the page where
the person acts; they carry no more personal data than the recipient may see in civcap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from app.common import i18n
from app.common.i18n import day
from app.common.reference import MODALITIES, language_name
from app.extensions import db
from app.models import AuditEvent, Candidate, ExpertiseRequest, Organisation, Role, User
from app.notifications import outbox


def _link(path: str) -> str:
    return current_app.config["PUBLIC_URL"] + path


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
    languages = (
        i18n.listed(f"{language_name(lang.code)} {lang.min_level}" for lang in request.languages)
        or "—"
    )
    return _(
        "Request: %(title)s\n"
        "Requesting organisation: %(organisation)s\n"
        "Core area: %(area)s\n"
        "Languages: %(languages)s\n"
        "Minimum experience: %(years)s years\n"
        "Start: %(start)s, for %(months)s month(s)\n"
        "Modality: %(modality)s\n",
        title=request.title,
        organisation=request.organisation.name,
        area=request.area.label,
        languages=languages,
        years=request.min_years_experience,
        start=day(request.start_date),
        months=request.duration_months,
        modality=MODALITIES.get(request.modality, request.modality),
    )


def _send(event: str, users: Iterable[User], write: Callable[[], tuple[str, str]]) -> int:
    """Queue one message per user, each written (``write``) in the user's own language."""
    by_language: dict[str, list[str]] = {}
    for user in users:
        if user.active:
            by_language.setdefault(i18n.language_of(user), []).append(user.email)
    count = 0
    for language, emails in by_language.items():
        with force_locale(language):
            subject, body = write()
            count += outbox.queue(event, emails, subject, body)
    return count


def request_published(request: ExpertiseRequest, organisations: Iterable[Organisation]) -> int:
    def write() -> tuple[str, str]:
        return (
            _("[civcap] New request for expertise: %(title)s", title=request.title),
            _("UN HR has published a request for civilian expertise to your member state.")
            + "\n\n"
            + _facts(request)
            + "\n"
            + _(
                "See it and nominate experts: %(link)s",
                link=_link(f"/outreach/requests/{request.id}"),
            )
            + "\n",
        )

    return _send("request.published", focal_points(o.id for o in organisations), write)


def consultation_asked(candidate: Candidate) -> int:
    request, expert = candidate.request, candidate.expert

    def write() -> tuple[str, str]:
        return (
            _("[civcap] Release consultation: %(name)s", name=expert.full_name),
            _(
                "UN HR asks whether %(name)s can be released for the dates of this request.",
                name=expert.full_name,
            )
            + "\n\n"
            + _facts(request)
            + "\n"
            + _(
                "Answer (released / not released): %(link)s",
                link=_link("/outreach/consultations"),
            )
            + "\n",
        )

    return _send("candidate.consultation", focal_points([expert.organisation_id]), write)


def consultation_answered(candidate: Candidate) -> int:
    asker = _consulted_by(candidate)
    request, expert = candidate.request, candidate.expert

    def write() -> tuple[str, str]:
        names = {
            "name": expert.full_name,
            "state": expert.organisation.name,
            "answer": candidate.state.label,
        }
        return (
            _("[civcap] %(state)s answered: %(name)s %(answer)s", **names),
            _("%(state)s answered your release consultation for %(name)s: %(answer)s.", **names)
            + "\n\n"
            + _facts(request)
            + "\n"
            + _("Shortlist: %(link)s", link=_link(f"/review/requests/{request.id}/shortlist"))
            + "\n",
        )

    return _send("candidate.consultation_answered", [asker] if asker else [], write)


def selection_made(candidate: Candidate) -> int:
    request, expert = candidate.request, candidate.expert

    def selected() -> str:
        return (
            _(
                "%(name)s (%(state)s) has been selected.",
                name=expert.full_name,
                state=expert.organisation.name,
            )
            + "\n\n"
            + _facts(request)
            + "\n"
        )

    def to_requesters() -> tuple[str, str]:
        return (
            _("[civcap] Selection made: %(title)s", title=request.title),
            selected() + _("Your request: %(link)s", link=_link(f"/requests/{request.id}")) + "\n",
        )

    def to_focal_points() -> tuple[str, str]:
        return (
            _("[civcap] Your expert %(name)s was selected", name=expert.full_name),
            selected()
            + _("The request: %(link)s", link=_link(f"/outreach/requests/{request.id}"))
            + "\n",
        )

    count = _send("candidate.selected", requesters(request), to_requesters)
    return count + _send(
        "candidate.selected", focal_points([expert.organisation_id]), to_focal_points
    )


def request_filled(request: ExpertiseRequest) -> int:
    def write() -> tuple[str, str]:
        return (
            _("[civcap] Request filled: %(title)s", title=request.title),
            ngettext(
                "The %(num)d position of your request is filled.",
                "All %(num)d positions of your request are filled.",
                request.positions,
            )
            + "\n\n"
            + _facts(request)
            + "\n"
            + _("Your request: %(link)s", link=_link(f"/requests/{request.id}"))
            + "\n",
        )

    return _send("request.filled", requesters(request), write)
