"""HR reviewer pages: every organisation's submitted requests and every member state's experts."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.models import ExpertStatus, OrganisationKind, RequestStatus, Role
from tests.factories import make_expert, make_organisation, make_request, make_user


@pytest.fixture
def missions(mission):
    return mission, make_organisation(OrganisationKind.HQ_DEPARTMENT, "DPPA", None)


@pytest.fixture
def requests(missions):
    unmiss, dppa = missions
    return {
        "police": make_request(
            unmiss,
            RequestStatus.SUBMITTED,
            title="police commissioner adviser",
            area="security",
            languages=[("en", "B2")],
        ),
        "judge": make_request(
            unmiss,
            RequestStatus.OPEN,
            title="juge d'instruction",
            area="justice",
            languages=[("fr", "C1")],
            terms_of_reference="Appuyer les tribunaux de Bangui.",
        ),
        "elections": make_request(
            dppa,
            RequestStatus.SUBMITTED,
            title="electoral systems expert",
            area="political_processes",
            languages=[("fr", "B2"), ("ar", "B1")],
        ),
        "draft": make_request(unmiss, title="secret draft corrections officer", area="justice"),
    }


def listed(client, url: str, names: dict[str, str]) -> set[str]:
    page = client.get(url).get_data(as_text=True)
    return {key for key, text in names.items() if text in page}


def titles(requests) -> dict[str, str]:
    return {key: r.title.replace("'", "&#39;") for key, r in requests.items()}


def test_hr_lists_submitted_requests_of_every_organisation(client, auth, hr, requests):
    auth.login(hr.email)
    response = client.get("/review/requests")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "UNMISS" in page and "DPPA" in page
    assert "Arabic B1, French B2" in page
    assert listed(client, "/review/requests", titles(requests)) == {"police", "judge", "elections"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?area=justice", {"judge"}),
        ("?area=security", {"police"}),
        ("?language=fr", {"judge", "elections"}),
        ("?language=ar", {"elections"}),
        ("?status=open", {"judge"}),
        ("?status=submitted", {"police", "elections"}),
        ("?status=submitted&language=fr", {"elections"}),
        ("?text=Bangui", {"judge"}),
        # HR cannot ask for drafts: the value is ignored, drafts stay out.
        ("?status=draft", {"police", "judge", "elections"}),
        ("?language=zz&area=nowhere", {"police", "judge", "elections"}),
    ],
)
def test_hr_filters_requests(client, auth, hr, requests, query, expected):
    auth.login(hr.email)
    assert listed(client, "/review/requests" + query, titles(requests)) == expected


def test_hr_reads_a_submitted_request_but_never_a_draft(client, auth, hr, requests):
    auth.login(hr.email)
    page = client.get(f"/review/requests/{requests['elections'].id}")
    assert page.status_code == 200
    assert "electoral systems expert" in page.get_data(as_text=True)
    assert "DPPA" in page.get_data(as_text=True)
    assert client.get(f"/review/requests/{requests['draft'].id}").status_code == 404
    assert client.get("/review/requests/999999").status_code == 404


@pytest.fixture
def experts(ghana, senegal):
    return {
        "b1": make_expert(
            ghana,
            full_name="Kwame Boateng",
            languages=[("en", "C2"), ("fr", "B1")],
            areas=["security"],
            available_from=date(2027, 1, 1),
            available_until=date(2027, 6, 30),
            title="police trainer",
            skills=["community policing"],
        ),
        "c1": make_expert(
            senegal,
            full_name="Awa Diop",
            nationality="SN",
            languages=[("fr", "C1")],
            areas=["justice"],
            available_from=date(2027, 5, 1),
            available_until=None,
            title="magistrate",
            skills=["criminal procedure"],
        ),
        "b2": make_expert(
            senegal,
            full_name="Moussa Fall",
            nationality="SN",
            languages=[("fr", "B2")],
            areas=["justice", "core_government"],
            available_from=date(2028, 1, 1),
            available_until=None,
            title="public finance adviser",
            skills=["budget planning"],
        ),
    }


def names(experts) -> dict[str, str]:
    return {key: e.full_name for key, e in experts.items()}


def test_hr_lists_experts_of_every_member_state(client, auth, hr, experts):
    auth.login(hr.email)
    response = client.get("/review/experts")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Government of GH" in page and "Government of SN" in page
    assert "Senegal" in page  # nationality
    assert "French B1" in page
    assert listed(client, "/review/experts", names(experts)) == {"b1", "c1", "b2"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?language=fr&min_level=B2", {"c1", "b2"}),  # the B1 speaker is left out
        ("?language=fr&min_level=C1", {"c1"}),
        ("?language=fr", {"b1", "c1", "b2"}),
        ("?language=en&min_level=B2", {"b1"}),
        ("?area=justice", {"c1", "b2"}),
        ("?area=core_government", {"b2"}),
        ("?available_on=2027-06-01", {"b1", "c1"}),
        ("?available_on=2027-09-01", {"c1"}),
        ("?available_on=2028-02-01", {"c1", "b2"}),
        ("?nationality=SN", {"c1", "b2"}),
        ("?nationality=GH", {"b1"}),
        ("?text=magistrate", {"c1"}),
        ("?text=budget", {"b2"}),
        ("?text=Kwame", {"b1"}),
        ("?status=withdrawn", set()),
        ("?area=justice&language=fr&min_level=B2&available_on=2027-06-01", {"c1"}),
        ("?available_on=not-a-date&min_level=Z9", {"b1", "c1", "b2"}),
    ],
)
def test_hr_filters_experts(client, auth, hr, experts, query, expected):
    auth.login(hr.email)
    assert listed(client, "/review/experts" + query, names(experts)) == expected


def test_hr_filters_experts_by_status(client, auth, hr, experts):
    experts["b2"].status = ExpertStatus.UNAVAILABLE
    db.session.commit()
    auth.login(hr.email)
    assert listed(client, "/review/experts?status=unavailable", names(experts)) == {"b2"}
    assert listed(client, "/review/experts?status=active", names(experts)) == {"b1", "c1"}


def test_expert_list_is_paginated(client, auth, hr, experts, app):
    app.config["PAGE_SIZE"] = 2
    auth.login(hr.email)
    page = client.get("/review/experts").get_data(as_text=True)
    assert "Page 1 of 2 (3 in all)" in page
    assert "page=2" in page
    second = client.get("/review/experts?page=2").get_data(as_text=True)
    assert sum(name in second for name in names(experts).values()) == 1


def test_hr_reads_an_expert_profile(client, auth, hr, experts):
    auth.login(hr.email)
    response = client.get(f"/review/experts/{experts['c1'].id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Awa Diop" in page and "Government of SN" in page and "criminal procedure" in page
    assert client.get("/review/experts/999999").status_code == 404


@pytest.mark.parametrize(
    "role, kind",
    [
        (Role.REQUESTER, OrganisationKind.MISSION),
        (Role.FOCAL_POINT, OrganisationKind.MEMBER_STATE),
    ],
)
def test_other_roles_are_forbidden(client, auth, requests, experts, role, kind):
    user = make_user(role, make_organisation(kind, "Elsewhere", "GH"), email="x@example.org")
    auth.login(user.email)
    for page in (
        "/review/requests",
        f"/review/requests/{requests['police'].id}",
        "/review/experts",
        f"/review/experts/{experts['b1'].id}",
    ):
        assert client.get(page).status_code == 403, page


def test_anonymous_is_sent_to_login(client, requests):
    response = client.get("/review/requests")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
