"""Demo organisations, logins, roster and requests, for trying civcap out (``civcap seed-demo``).

Everything comes from ``app/devtools/demo_data`` inside the package and goes through the
services a real deployment uses; running the seed again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import sqlalchemy as sa

from app import imports as importing
from app.accounts import organisations, second_factor, users
from app.common.transaction import transaction
from app.devtools import demo_deployments
from app.extensions import db
from app.imports import ImportSummary
from app.models import ExpertiseRequest, Organisation, OrganisationKind, RequestStatus, Role
from app.outreach import publication

# Published in the README and printed by the command: demo databases only.
DEMO_PASSWORD = "demo-password-1"  # noqa: S105 (a published demo password, on purpose)

UN_HR = "UN Department of Operational Support — Civilian Capacity"
HQ_DEPARTMENT = "UN Department of Political and Peacebuilding Affairs"
ORGANISATIONS: list[tuple[str, OrganisationKind, str | None]] = [
    (UN_HR, OrganisationKind.UN_HR, None),
    ("UNMISS", OrganisationKind.MISSION, "SS"),
    ("MINUSCA", OrganisationKind.MISSION, "CF"),
    (HQ_DEPARTMENT, OrganisationKind.HQ_DEPARTMENT, None),
    ("Government of GH", OrganisationKind.MEMBER_STATE, "GH"),
    ("Government of SN", OrganisationKind.MEMBER_STATE, "SN"),
]
# (role, email, full name, organisation): one login per role, two where separation shows.
LOGINS: list[tuple[Role, str, str, str]] = [
    (Role.FOCAL_POINT, "focal.ghana@example.org", "Akosua Boateng", "Government of GH"),
    (Role.FOCAL_POINT, "focal.senegal@example.org", "Mamadou Sarr", "Government of SN"),
    (Role.REQUESTER, "requester.unmiss@example.org", "James Deng", "UNMISS"),
    (Role.REQUESTER, "requester.minusca@example.org", "Claire Ngaba", "MINUSCA"),
    (Role.HR_REVIEWER, "hr.reviewer1@example.org", "Priya Raman", UN_HR),
    (Role.HR_REVIEWER, "hr.reviewer2@example.org", "Lucas Moreau", UN_HR),
    (Role.ADMIN, "admin@example.org", "Demo Administrator", UN_HR),
]
# Open requests HR has already published to every member state, so focal points have work.
PUBLISHED_PER_ORGANISATION = 3


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str
    password: str
    organisation: str
    created: bool
    # The base32 secret of the login's authenticator app, for the roles that need one.
    totp_secret: str | None = None


@dataclass
class DemoSeed:
    logins: list[DemoLogin]
    experts: ImportSummary
    requests: ImportSummary
    published: int = 0
    candidacies: int = 0


def seed_demo() -> DemoSeed:
    """Create the demo organisations and logins, and import the demo roster and requests.

    Idempotent: what exists already is left as it is (a demo login whose password was changed
    keeps it), and importing the same files again finds every record unchanged.
    """
    with transaction("organisation"):
        for name, kind, country in ORGANISATIONS:
            _organisation(name, kind, country)
    logins = [_login(role, email, name, org) for role, email, name, org in LOGINS]
    data = resources.files("app.devtools") / "demo_data"
    experts = importing.import_experts(
        data.joinpath("experts.jsonl").read_bytes().splitlines(),
        actor_label="seed-demo experts.jsonl",
    )
    requests = importing.import_requests(
        data.joinpath("requests.jsonl").read_bytes().splitlines(),
        actor_label="seed-demo requests.jsonl",
    )
    published = _publish_some()
    return DemoSeed(logins, experts, requests, published, _candidacies())


def _publish_some() -> int:
    """Publish each requesting organisation's first open requests to every member state."""
    hr = users.by_email(next(email for role, email, *_ in LOGINS if role is Role.HR_REVIEWER))
    assert hr is not None  # created above
    published = 0
    for name in ("UNMISS", "MINUSCA", HQ_DEPARTMENT):
        first_open = db.session.scalars(
            sa.select(ExpertiseRequest)
            .join(Organisation, Organisation.id == ExpertiseRequest.organisation_id)
            .where(Organisation.name == name, ExpertiseRequest.status == RequestStatus.OPEN)
            .order_by(ExpertiseRequest.external_id)
            .limit(PUBLISHED_PER_ORGANISATION)
        ).all()
        for request in first_open:
            if not publication.published_to(request):
                publication.publish(request, publication.Audience(everyone=True), hr)
                published += 1
    return published


def _candidacies() -> int:
    """One candidacy recommended, one deployed (``demo_deployments``), by the demo logins."""
    hr1, hr2, focal_point = (
        users.by_email(email)
        for email in ("hr.reviewer1@example.org", "hr.reviewer2@example.org",
                      "focal.ghana@example.org")
    )  # fmt: skip
    assert hr1 is not None and hr2 is not None and focal_point is not None  # created above
    return demo_deployments.seed(hr1, hr2, focal_point)


def _organisation(name: str, kind: OrganisationKind, country: str | None) -> Organisation:
    existing = organisations.by_name(name)
    if existing is not None:
        return existing
    return organisations.new_organisation(name, kind, country)


def _login(role: Role, email: str, full_name: str, organisation_name: str) -> DemoLogin:
    created = users.by_email(email) is None
    if created:
        organisation = organisations.by_name(organisation_name)
        assert organisation is not None  # created just before
        users.create_user(email, full_name, DEMO_PASSWORD, role, organisation)
    user = users.by_email(email)
    assert user is not None
    if second_factor.required_for(user) and not user.has_second_factor:
        second_factor.enrol_for_demo(user)
    return DemoLogin(role, email, DEMO_PASSWORD, organisation_name, created, user.totp_secret)
