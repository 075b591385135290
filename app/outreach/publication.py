"""Publishing requests to member states: HR chooses the audience (all, regions, the global South,
named states); a focal point sees a request once it is published to their member state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.common import audit
from app.common.errors import FieldError, NotAllowed, ValidationFailed
from app.common.transaction import transaction
from app.extensions import db
from app.models import (
    ExpertiseRequest,
    Organisation,
    OrganisationKind,
    RequestPublication,
    RequestStatus,
    Role,
    User,
)
from app.notifications import messages as notifications

PUBLISHABLE = frozenset({RequestStatus.OPEN, RequestStatus.SELECTION})


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


def member_state_choices() -> list[tuple[int, str, str | None]]:
    """Every member state's id, name and region, by name: what the publish form offers (read
    as plain rows, not records, on every view of a request)."""
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name, Organisation.region)
        .where(Organisation.kind == OrganisationKind.MEMBER_STATE)
        .order_by(Organisation.name)
    )
    return [(id_, name, region) for id_, name, region in rows]


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


@transaction("request")
def publish(request: ExpertiseRequest, audience: Audience, actor: User) -> list[Organisation]:
    """Publish an open request; returns the member states newly reached (they are notified)."""
    if actor.role is not Role.HR_REVIEWER:
        raise NotAllowed(_("Only an HR reviewer publishes a request."))
    if request.status not in PUBLISHABLE:
        raise NotAllowed(
            _(
                "This request is %(status)s; accept it first (only open requests and requests "
                "in selection are published).",
                status=request.status.label,
            )
        )
    if audience.empty:
        message = _("choose all member states, regions, the global South or names")
        raise ValidationFailed([FieldError("audience", message)])
    reached = member_states(audience)
    if not reached:
        message = _("no member state matches this choice")
        raise ValidationFailed([FieldError("audience", message)])
    already = set(published_to(request))
    new = [o for o in reached if o.id not in already]
    if not new:
        raise NotAllowed(_("The request is already published to every member state chosen."))
    for organisation in new:
        db.session.add(
            RequestPublication(
                request_id=request.id, organisation_id=organisation.id, published_by_id=actor.id
            )
        )
    audit.record("request.published", "request", request.id, actor=actor,
                 after={"organisations": [o.name for o in new]})  # fmt: skip
    notifications.request_published(request, new)
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
            .options(
                contains_eager(RequestPublication.organisation),
                joinedload(RequestPublication.published_by),
            )
            .order_by(Organisation.name)
        )
    )


def is_published_to(request: ExpertiseRequest, organisation_id: int | None) -> bool:
    if organisation_id is None:
        return False
    return db.session.get(RequestPublication, (request.id, organisation_id)) is not None


def _published_to(
    query: sa.Select[Any], organisation_id: int, statuses: frozenset[RequestStatus]
) -> sa.Select[Any]:
    """``query`` of requests joined to their publications, kept to those published to the
    member state and in ``statuses``."""
    return query.join(
        RequestPublication, RequestPublication.request_id == ExpertiseRequest.id
    ).where(
        RequestPublication.organisation_id == organisation_id,
        ExpertiseRequest.status.in_(sorted(statuses)),
    )


def published_ids(
    organisation_id: int, statuses: frozenset[RequestStatus] = PUBLISHABLE
) -> sa.Select[tuple[int]]:
    """The ids of the requests published to a member state (for a filtered list)."""
    return _published_to(sa.select(ExpertiseRequest.id), organisation_id, statuses)


def requests_published_to(
    organisation_id: int, statuses: frozenset[RequestStatus] = PUBLISHABLE
) -> sa.Select[tuple[ExpertiseRequest]]:
    """The requests published to a member state, newest publication first (for a pager)."""
    return (
        _published_to(sa.select(ExpertiseRequest), organisation_id, statuses)
        .options(selectinload(ExpertiseRequest.organisation))
        .order_by(RequestPublication.published_at.desc(), ExpertiseRequest.id.desc())
    )
