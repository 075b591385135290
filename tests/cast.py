"""The cast most tests share: member states, missions, UN HR and a user in each role.

Each organisation and each person is a fixture of its own, made only when a test (or a file's own
fixture) asks for it: a test's database holds the people it names and nobody else, so who is
emailed, listed or counted stays what the test says. Fixtures are made in the order a test names
them. The names and e-mails are those the tests assert on (recipients, log-ins, page text).

A test module may define a fixture of the same name to play the part differently (another name
the assertions need); the shared fixtures that build on it then use that one.
"""

from __future__ import annotations

import pytest

from app.models import Organisation, OrganisationKind, Role, User
from tests.factories import make_organisation, make_user


def member_state(country: str) -> Organisation:
    """A member state named the way the tests name them: ``Government of GH``."""
    return make_organisation(OrganisationKind.MEMBER_STATE, f"Government of {country}", country)


def focal_point_of(state: Organisation, email: str | None = None, active: bool = True) -> User:
    """A focal point of ``state``; ``fp@gh.example`` for Ghana's unless told another e-mail."""
    assert state.country, state
    email = email or f"fp@{state.country.lower()}.example"
    return make_user(Role.FOCAL_POINT, state, email=email, active=active)


# ---- organisations ----------------------------------------------------------------------------


@pytest.fixture
def ghana(app) -> Organisation:
    return member_state("GH")


@pytest.fixture
def senegal(app) -> Organisation:
    return member_state("SN")


@pytest.fixture
def mission(app) -> Organisation:
    return make_organisation(OrganisationKind.MISSION, "UNMISS", "SS")


@pytest.fixture
def other_mission(app) -> Organisation:
    return make_organisation(OrganisationKind.MISSION, "MINUSCA", "CF")


@pytest.fixture
def un_hr(app) -> Organisation:
    return make_organisation(OrganisationKind.UN_HR, "UN HR", None)


# ---- people -----------------------------------------------------------------------------------


@pytest.fixture
def focal(ghana) -> User:
    """Ghana's focal point, ``fp@gh.example``."""
    return focal_point_of(ghana)


@pytest.fixture
def focal_sn(senegal) -> User:
    """Senegal's focal point, ``fp@sn.example``."""
    return focal_point_of(senegal)


@pytest.fixture
def requester(mission) -> User:
    return make_user(Role.REQUESTER, mission, email="req@unmiss.example")


@pytest.fixture
def other_requester(other_mission) -> User:
    """A requester of another mission than ``requester``'s."""
    return make_user(Role.REQUESTER, other_mission, email="req@minusca.example")


@pytest.fixture
def hr(un_hr) -> User:
    """The HR reviewer of a test that needs one."""
    return make_user(Role.HR_REVIEWER, un_hr, email="hr@un.example")


@pytest.fixture
def hr1(un_hr) -> User:
    """The first of two HR reviewers (four eyes: one recommends, the other selects)."""
    return make_user(Role.HR_REVIEWER, un_hr, email="hr1@un.example")


@pytest.fixture
def hr2(un_hr) -> User:
    """The second of two HR reviewers."""
    return make_user(Role.HR_REVIEWER, un_hr, email="hr2@un.example")


@pytest.fixture
def admin(un_hr) -> User:
    return make_user(Role.ADMIN, un_hr, email="admin@un.example")
