"""Administrators keep organisations and users; nobody else can."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Organisation, OrganisationKind, Role, User
from tests.conftest import count, csrf_token, login, submit_form
from tests.factories import make_organisation, make_user


@pytest.fixture
def admin(admin, auth):
    """The shared cast's admin, logged in on ``client``."""
    auth.login("admin@un.example")
    return admin


def test_admin_adds_an_organisation_with_region_from_country(client, admin):
    response = submit_form(
        client,
        "/admin/",
        {"name": "Government of SN", "kind": "member_state", "country": "SN"},
        action="/admin/organisations",
    )
    assert response.status_code == 302
    org = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Government of SN"))
    assert org.kind is OrganisationKind.MEMBER_STATE
    assert org.region == "Western Africa" and org.global_south is True
    assert (
        db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "organisation.created")
        ).actor_id
        == admin.id
    )


def test_member_state_without_country_and_duplicate_name_are_refused(client, admin):
    before = count(Organisation)
    response = submit_form(
        client,
        "/admin/",
        {"name": "Government of X", "kind": "member_state", "country": ""},
        action="/admin/organisations",
    )
    assert "is required for a member state" in response.get_data(as_text=True)
    response = submit_form(
        client,
        "/admin/",
        {"name": "UN HR", "kind": "un_hr", "country": ""},
        action="/admin/organisations",
    )
    assert "already exists" in response.get_data(as_text=True)
    assert count(Organisation) == before


def test_admin_adds_a_user_whose_role_fits_the_organisation(client, admin, mission):
    data = {
        "email": "Req@UNMISS.example",
        "full_name": "Ana Requester",
        "role": "focal_point",
        "organisation": mission.id,
    }
    response = submit_form(client, "/admin/", data, action="/admin/users")
    assert "must belong to an organisation of kind member_state" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "req@unmiss.example")) is None

    response = submit_form(client, "/admin/", data | {"role": "requester"}, action="/admin/users")
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "req@unmiss.example"))
    assert user.role is Role.REQUESTER and user.password_hash is None  # the person sets it
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.created"))
    assert event.note == "invited to set a password"


def test_admin_switches_a_user_off_but_not_themselves(client, admin, focal):
    submit_form(client, "/admin/", {}, action=f"/admin/users/{focal.id}/active")
    db.session.refresh(focal)
    assert focal.active is False
    response = submit_form(
        client, "/admin/", {}, action=f"/admin/users/{admin.id}/active", follow_redirects=True
    )
    assert "cannot switch off your own account" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active is True


@pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.REQUESTER, Role.HR_REVIEWER])
def test_other_roles_cannot_administer(client, auth, app, role):
    kind = next(iter(role.organisation_kinds))
    org = make_organisation(kind, "Some organisation", "GH")
    make_user(role, org, email="someone@example.org")
    auth.login("someone@example.org")
    assert client.get("/admin/").status_code == 403
    token_page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "csrf_token" in token_page
    before = count(Organisation)
    response = client.post(
        "/admin/organisations", data={"name": "Forged", "kind": "un_hr", "country": ""}
    )
    assert response.status_code in (400, 403)
    assert count(Organisation) == before


def test_admin_forms_need_csrf(client, admin):
    before = count(Organisation)
    response = client.post(
        "/admin/organisations", data={"name": "No token", "kind": "un_hr", "country": ""}
    )
    assert response.status_code == 400
    assert count(Organisation) == before


@pytest.mark.parametrize("who", ["focal", "requester", "hr"])
def test_the_new_admin_actions_refuse_other_roles(app, request, who, focal, admin):
    """Invitations, second-factor resets, lifting locks and the security log: admins only."""
    client = login(app, request.getfixturevalue(who).email)
    assert client.get(f"/admin/users/{admin.id}/second-factor").status_code == 403
    assert client.get("/admin/security-log.csv").status_code == 403
    token = csrf_token(client, "/account/sessions")
    for action in (
        f"/admin/users/{focal.id}/invitation",
        f"/admin/users/{admin.id}/second-factor",
        "/admin/locks/1/lift",
    ):
        response = client.post(action, data={"csrf_token": token, "reason": "x"})
        assert response.status_code == 403, action
    db.session.refresh(admin)
    assert admin.has_second_factor
