"""Who may do what with which record. Every view asks here, on the object itself.

A record the user may not see is reported as "not found" (404), so that ids of other
organisations' experts and requests are not even confirmed to exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort
from flask_login import current_user, login_required

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
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


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
    allowed = can_edit_expert if edit else can_view_expert
    if expert is None or not allowed(user, expert):
        abort(404)
    return expert


def request_for(user: User, request_id: int, *, edit: bool = False) -> ExpertiseRequest:
    request = db.session.get(ExpertiseRequest, request_id)
    allowed = can_edit_request if edit else can_view_request
    if request is None or not allowed(user, request):
        abort(404)
    return request
