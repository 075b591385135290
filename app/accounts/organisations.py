"""Organisations: member states, missions, HQ departments and UN HR."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.common import audit
from app.common.errors import FieldError, ValidationFailed
from app.common.reference import countries
from app.common.transaction import transaction
from app.extensions import db
from app.models import Organisation, OrganisationKind, User

_GOVERNMENT_OF = re.compile(r"^Government of ([A-Z]{2})$")


def by_name(name: str) -> Organisation | None:
    return db.session.scalar(sa.select(Organisation).where(Organisation.name == name))


def new_organisation(name: str, kind: OrganisationKind, country: str | None) -> Organisation:
    """An organisation whose region and global-South flag follow from its country."""
    name = name.strip()
    errors = []
    if not name:
        errors.append(FieldError("name", "is required"))
    elif len(name) > 200:
        errors.append(FieldError("name", "is too long (at most 200 characters)"))
    elif by_name(name) is not None:
        errors.append(FieldError("name", f"an organisation named {name!r} already exists"))
    info = countries().get(country) if country else None
    if country and info is None:
        errors.append(FieldError("country", f"{country!r} is not an ISO 3166-1 alpha-2 code"))
    if kind is OrganisationKind.MEMBER_STATE and not country:
        errors.append(FieldError("country", "is required for a member state"))
    if errors:
        raise ValidationFailed(errors)
    organisation = Organisation(
        name=name,
        kind=kind,
        country=country or None,
        region=info.subregion if info else None,
        global_south=info.global_south if info else False,
    )
    db.session.add(organisation)
    return organisation


def member_state_named(name: str, fallback_country: str | None) -> Organisation:
    """Find the nominating member state by name, or add it (imports name them by text).

    The country is read from names like "Government of GH", else taken from ``fallback_country``.
    """
    existing = by_name(name.strip())
    if existing is not None:
        if existing.kind is not OrganisationKind.MEMBER_STATE:
            raise ValidationFailed(
                [
                    FieldError(
                        "nominated_by", f"{name!r} is a {existing.kind.label}, not a member state"
                    )
                ]
            )
        return existing
    match = _GOVERNMENT_OF.match(name.strip())
    country = match.group(1) if match else fallback_country
    return new_organisation(name, OrganisationKind.MEMBER_STATE, country)


@transaction("organisation")
def create(
    name: str, kind: OrganisationKind, country: str | None, actor: User | None = None
) -> Organisation:
    """An administrator adds an organisation."""
    organisation = new_organisation(name, kind, country)
    db.session.flush()
    audit.record(
        "organisation.created",
        "organisation",
        organisation.id,
        actor=actor,
        after={"name": organisation.name, "kind": kind.value, "country": organisation.country},
    )
    return organisation
