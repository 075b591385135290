"""Who may do what with which record. Every view asks here, on the object itself.

A record the user may not see is reported as "not found" (404), so that ids of other
organisations' experts and requests are not even confirmed to exist; the security log keeps
each refusal (``refuse``), so that someone walking through other organisations' ids is seen.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn, TypeVar

import sqlalchemy as sa
from flask import abort, request
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from app.common import security_log
from app.extensions import db
from app.models import Candidate, Expert, ExpertiseRequest, RequestPublication, Role, User

F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: Role) -> Callable[[F], F]:
    """The view needs a logged-in user holding one of ``roles``; others get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                security_log.record(
                    "access.denied",
                    user=current_user,
                    subject=request.path,
                    detail=f"role {current_user.role.value} may not use this page",
                )
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def refuse(user: User, what: str, record_id: int) -> NoReturn:
    """Answer "not found" for a record that exists but ``user`` may not reach, and log it."""
    security_log.record(
        "access.denied", user=user, subject=request.path, detail=f"{what} {record_id}"
    )
    abort(404)


def can_view_expert(user: User, expert: Expert) -> bool:
    if user.role is Role.FOCAL_POINT:
        return expert.organisation_id == user.organisation_id
    return user.role is Role.HR_REVIEWER


def can_edit_expert(user: User, expert: Expert) -> bool:
    return user.role is Role.FOCAL_POINT and expert.organisation_id == user.organisation_id


def can_view_request(user: User, request: ExpertiseRequest) -> bool:
    if user.role is Role.REQUESTER:
        return request.organisation_id == user.organisation_id
    if user.role is Role.HR_REVIEWER:
        return request.status.value != "draft"
    if user.role is Role.FOCAL_POINT:
        # once HR has published it to their member state, or put one of their experts forward
        if db.session.get(RequestPublication, (request.id, user.organisation_id)) is not None:
            return True
        return (
            db.session.scalar(
                sa.select(Candidate.id)
                .join(Expert, Expert.id == Candidate.expert_id)
                .where(
                    Candidate.request_id == request.id,
                    Expert.organisation_id == user.organisation_id,
                )
                .limit(1)
            )
            is not None
        )
    return False


def can_edit_request(user: User, request: ExpertiseRequest) -> bool:
    return user.role is Role.REQUESTER and request.organisation_id == user.organisation_id


def expert_for(user: User, expert_id: int, *, edit: bool = False) -> Expert:
    """The expert, if ``user`` may see (or edit) it; otherwise 404."""
    expert = db.session.get(Expert, expert_id)
    if expert is None:
        abort(404)
    if not (can_edit_expert if edit else can_view_expert)(user, expert):
        refuse(user, "expert", expert_id)
    return expert


# A request with what its pages show, in one statement (a few rows: its languages and skills).
_REQUEST_PAGE = [
    joinedload(ExpertiseRequest.organisation),
    joinedload(ExpertiseRequest.languages),
    joinedload(ExpertiseRequest.preferred_languages),
    joinedload(ExpertiseRequest.skills),
]


def request_for(user: User, request_id: int, *, edit: bool = False) -> ExpertiseRequest:
    record = db.session.get(ExpertiseRequest, request_id, options=_REQUEST_PAGE)
    if record is None:
        abort(404)
    if not (can_edit_request if edit else can_view_request)(user, record):
        refuse(user, "request", request_id)
    return record


def can_view_candidate(user: User, candidate: Candidate) -> bool:
    """HR reads the candidates of any request it may see; a focal point those of their own
    member state's experts (to answer release consultations on them); nobody else."""
    if user.role is Role.HR_REVIEWER:
        return can_view_request(user, candidate.request)
    if user.role is Role.FOCAL_POINT:
        return candidate.expert.organisation_id == user.organisation_id
    return False


def candidate_for(user: User, candidate_id: int) -> Candidate:
    """The candidate, if ``user`` may see (and so act on) it; otherwise 404. What each may do
    with it is the workflow's (``candidates.workflow``)."""
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None:
        abort(404)
    if not can_view_candidate(user, candidate):
        refuse(user, "candidate", candidate_id)
    return candidate
