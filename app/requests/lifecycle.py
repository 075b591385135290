"""A request's life after submission: accepted, revised, closed unfilled, cancelled.

HR accepts a submitted request (it becomes open: matched and published). Revising a submitted
or open request makes a new revision linked to the old one; the old revision, its suggestions
and its shortlist stay as they were, readable, marked as replaced. Closing needs a reason.
Filling happens in ``candidates.workflow`` when the last position is selected.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.common import audit
from app.common.errors import (
    Conflict,
    FieldError,
    NotAllowed,
    ValidationFailed,
)
from app.common.transaction import flush_or_conflict, transaction
from app.common.vocabulary import SkillVocabulary
from app.extensions import db
from app.models import ExpertiseRequest, RequestPublication, RequestStatus, Role, User
from app.notifications import messages as notifications
from app.requests.drafting import RequestData, apply, snapshot, validate
from app.suggestions import ranking as suggestions

log = logging.getLogger(__name__)
R = RequestStatus
REVISABLE = frozenset({R.SUBMITTED, R.OPEN, R.SELECTION})
# status -> the statuses a request may be closed from, and who may do it
CLOSINGS: dict[RequestStatus, frozenset[RequestStatus]] = {
    R.CLOSED_UNFILLED: frozenset({R.OPEN, R.SELECTION}),
    R.CANCELLED: frozenset({R.DRAFT, R.SUBMITTED, R.OPEN, R.SELECTION}),
}


def _check_version(request: ExpertiseRequest, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != request.version:
        raise Conflict(
            _(
                "Someone else changed this request meanwhile: it is now %(status)s. "
                "Nothing of yours was saved.",
                status=request.status.label,
            )
        )


def _owns_or_reviews(request: ExpertiseRequest, actor: User) -> bool:
    if actor.role is Role.HR_REVIEWER:
        return request.status is not R.DRAFT
    return actor.role is Role.REQUESTER and actor.organisation_id == request.organisation_id


@transaction("request")
def accept(
    request: ExpertiseRequest, actor: User, expected_version: int | None = None
) -> ExpertiseRequest:
    """HR accepts a submitted request: it is open for matching and outreach."""
    _check_version(request, expected_version)
    if actor.role is not Role.HR_REVIEWER:
        raise NotAllowed(_("Only an HR reviewer accepts a request."))
    if request.status is not R.SUBMITTED:
        raise NotAllowed(
            _(
                "This request is %(status)s; only submitted requests are accepted.",
                status=request.status.label,
            )
        )
    request.status = R.OPEN
    audit.record("request.open", "request", request.id, actor=actor,
                 before={"status": "submitted"}, after={"status": "open"})  # fmt: skip
    return request


@transaction("request")
def close(
    request: ExpertiseRequest,
    outcome: RequestStatus,
    actor: User,
    reason: str,
    expected_version: int | None = None,
) -> ExpertiseRequest:
    """Close a request unfilled (HR) or cancel it (HR, or its own organisation's requester)."""
    refusal = close_refusal(request, outcome, actor)
    if refusal:
        raise NotAllowed(refusal)
    _check_version(request, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            [FieldError("reason", _("say why the request is %(outcome)s", outcome=outcome.label))]
        )
    before = request.status.value
    request.status, request.closed_reason = outcome, reason
    audit.record(
        f"request.{outcome.value}", "request", request.id, actor=actor,
        before={"status": before}, after={"status": outcome.value}, note=reason,
    )  # fmt: skip
    return request


def revise(
    request: ExpertiseRequest,
    data: RequestData,
    actor: User,
    expected_version: int | None = None,
    today: date | None = None,
) -> ExpertiseRequest:
    """Make a new revision of a submitted or open request; the old one is kept, replaced.

    The revision keeps the request's author and status (open stays open, a request in
    selection reopens), is published to the same member states, who are told, and the
    suggestions are run again for it.
    """
    refusal = revise_refusal(request, actor)
    if refusal:
        raise NotAllowed(refusal)
    _check_version(request, expected_version)
    errors = validate(data)
    if data.start_date is not None and data.start_date < (today or date.today()):
        errors.append(FieldError("start_date", _("is in the past; a revision starts from today")))
    if errors:
        raise ValidationFailed(errors)
    with transaction("request"):
        data.external_id = None  # the external id stays with the revision it came with
        revision = ExpertiseRequest(
            organisation_id=request.organisation_id,
            created_by_id=request.created_by_id,
            replaces_id=request.id,
            status=R.SUBMITTED if request.status is R.SUBMITTED else R.OPEN,
            submitted_at=datetime.now(UTC),
        )
        apply(revision, data, SkillVocabulary())
        db.session.add(revision)
        before = request.status.value
        request.status = R.SUPERSEDED
        flush_or_conflict("request")  # revised or closed by someone else at the same moment
        audit.record("request.superseded", "request", request.id, actor=actor,
                     before={"status": before}, after={"status": "superseded",
                                                       "replaced_by": revision.id})  # fmt: skip
        audit.record("request.revised", "request", revision.id, actor=actor,
                     before=snapshot(request), after=snapshot(revision))  # fmt: skip
        publications = db.session.scalars(
            sa.select(RequestPublication).where(RequestPublication.request_id == request.id)
        ).all()
        for publication in publications:
            db.session.add(
                RequestPublication(
                    request_id=revision.id,
                    organisation_id=publication.organisation_id,
                    published_by_id=publication.published_by_id,
                    published_at=publication.published_at,
                )
            )
        if publications:
            db.session.flush()
            notifications.request_published(revision, [p.organisation for p in publications])
    try:
        suggestions.run_suggestions(revision, actor)  # the new ranking, kept with the revision
    except Exception:  # the revision is saved; the suggestions page ranks again when opened
        log.exception("ranking revision %s failed", revision.id)
    return revision


def revisions(request: ExpertiseRequest) -> list[ExpertiseRequest]:
    """The request's chain of revisions, oldest first (including itself)."""
    chain = [request]
    while chain[0].replaces is not None:
        chain.insert(0, chain[0].replaces)
    newer = db.session.scalar(
        sa.select(ExpertiseRequest).where(ExpertiseRequest.replaces_id == chain[-1].id)
    )
    while newer is not None:
        chain.append(newer)
        newer = db.session.scalar(
            sa.select(ExpertiseRequest).where(ExpertiseRequest.replaces_id == newer.id)
        )
    return chain


# ---- the rules revise() and close() apply, also used for the buttons on a page ---------


def revise_refusal(request: ExpertiseRequest, actor: User) -> str | None:
    """Why ``actor`` cannot revise ``request`` now, or None if they can."""
    if not _owns_or_reviews(request, actor):
        return _("Only HR or the requesting organisation can revise this request.")
    if request.status not in REVISABLE:
        return _(
            "This request is %(status)s; only submitted, open or in-selection "
            "requests are revised (a draft is simply edited).",
            status=request.status.label,
        )
    return None


def close_refusal(request: ExpertiseRequest, outcome: RequestStatus, actor: User) -> str | None:
    """Why ``actor`` cannot close ``request`` as ``outcome`` now, or None if they can."""
    if outcome not in CLOSINGS:
        return _("A request cannot be closed as %(outcome)s.", outcome=outcome.label)
    if outcome is R.CLOSED_UNFILLED and actor.role is not Role.HR_REVIEWER:
        return _("Only an HR reviewer closes a request unfilled.")
    if not _owns_or_reviews(request, actor):
        return _("Only HR or the requesting organisation can cancel this request.")
    if request.status not in CLOSINGS[outcome]:
        allowed = ", ".join(sorted(s.label for s in CLOSINGS[outcome]))
        return _(
            "A %(status)s request cannot be %(outcome)s (only: %(allowed)s).",
            status=request.status.label,
            outcome=outcome.label,
            allowed=allowed,
        )
    return None


def allowed_closings(request: ExpertiseRequest, actor: User) -> list[RequestStatus]:
    """The outcomes ``actor`` may close ``request`` with now (for the buttons on a page)."""
    return [outcome for outcome in CLOSINGS if close_refusal(request, outcome, actor) is None]
