"""The roster through the API: a focal point keeps their member state's experts with the same
rules as the form and the import, never another state's; every update names its version."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Expert, ExpertStatus
from tests.api.client import caller, expert_body
from tests.factories import make_expert

EXPERTS = "/api/v1/experts"


def registered(api, **overrides):
    response = api.post(EXPERTS, expert_body(**overrides))
    assert response.status_code == 201, response.get_json()
    return response


def test_a_focal_point_registers_reads_updates_and_withdraws_an_expert(client, focal):
    api = caller(client, focal)
    made = registered(api)
    expert = made.get_json()
    assert made.headers["Location"] == f"{EXPERTS}/{expert['id']}"
    assert made.headers["ETag"] == '"1"' and expert["version"] == 1
    assert expert["member_state"] == "Government of GH" and expert["status"] == "active"
    assert expert["languages"] == [{"code": "en", "level": "C1"}, {"code": "fr", "level": "B2"}]
    assert expert["consent"]["version"] and expert["consent"]["given_at"]

    read = api.get(made.headers["Location"])
    assert read.status_code == 200 and read.get_json() == expert

    changed = api.put(
        made.headers["Location"],
        expert_body(title="Judge", skills=["Judicial Reform"]),
        headers={"If-Match": read.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["title"] == "Judge" and changed.get_json()["version"] == 2
    assert changed.get_json()["skills"] == ["judicial reform"]  # normalised as on the form
    assert changed.headers["ETag"] == '"2"'

    withdrawn = api.post(f"{made.headers['Location']}/withdraw", {"version": 2})
    assert withdrawn.status_code == 200, withdrawn.get_json()
    assert withdrawn.get_json()["status"] == "withdrawn"
    row = db.session.get(Expert, expert["id"])
    assert row.status is ExpertStatus.WITHDRAWN and row.withdrawn_at is not None


def test_changes_through_the_api_are_audited_with_the_token_name(client, focal):
    api = caller(client, focal)
    expert_id = registered(api).get_json()["id"]
    api.put(f"{EXPERTS}/{expert_id}", expert_body(title="Judge", version=1))
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity_id == expert_id).order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["expert.registered", "expert.updated"]
    assert {e.actor_label for e in events} == {"fp@gh.example (API token 'test sync')"}
    assert all(e.actor_id == focal.id for e in events)


def test_the_same_rules_as_the_form_name_each_field(client, focal):
    api = caller(client, focal)
    response = api.post(
        EXPERTS,
        expert_body(
            nationality="ZZ",
            languages=[{"code": "xx", "level": "B2"}],
            available_until="2020-01-01",
            consent=False,
        ),
    )
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert {"nationality", "languages[0].code", "available_until", "consent"} <= fields
    assert db.session.scalar(sa.select(sa.func.count(Expert.id))) == 0


def test_the_shape_of_a_body_is_checked_before_anything(client, focal):
    api = caller(client, focal)
    body = expert_body(years_experience="many", languages=[{"code": "en", "level": "Z9"}])
    body["nickname"] = "Gee"
    del body["title"]
    problems = api.post(EXPERTS, body).get_json()
    found = {e["field"]: e["message"] for e in problems["errors"]}
    assert found["years_experience"] == "must be a whole number"
    assert found["languages[0].level"].startswith("must be one of: A1")
    assert found["title"] == "is required"
    assert found["nickname"] == "is not a field of this record"


def test_problems_are_in_the_callers_language(client, focal):
    api = caller(client, focal)
    response = api.post(EXPERTS, expert_body(title=""), headers={"Accept-Language": "fr"})
    problem = response.get_json()
    assert response.status_code == 422
    assert problem["title"] == "Données non valides"
    assert "title" in {e["field"] for e in problem["errors"]}
    assert "Some fields" not in problem["detail"]


def test_another_member_states_experts_are_not_found_whatever_the_id(client, focal, senegal):
    theirs = make_expert(senegal, external_id="SN-1")
    api = caller(client, focal)
    body = expert_body(version=1)
    for method, path, json in [
        ("GET", f"{EXPERTS}/{theirs.id}", None),
        ("PUT", f"{EXPERTS}/{theirs.id}", body),
        ("POST", f"{EXPERTS}/{theirs.id}/withdraw", {"version": 1}),
        ("GET", f"{EXPERTS}/by-external-id/SN-1", None),
        ("PUT", f"{EXPERTS}/by-external-id/SN-1", body),
    ]:
        response = api.call(method, path, json=json)
        assert response.status_code == 404, (method, path, response.get_json())
        assert "Senegal" not in response.get_data(as_text=True)
    listed = api.get(EXPERTS).get_json()
    assert listed["items"] == []
    assert db.session.get(Expert, theirs.id).version == 1


def test_an_external_id_of_another_member_state_is_refused_on_register(client, focal, senegal):
    make_expert(senegal, external_id="SHARED-1")
    response = caller(client, focal).post(EXPERTS, expert_body(external_id="SHARED-1"))
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {
            "field": "external_id",
            "message": "is already used by an expert of another member state; use another id",
        }
    ]


def test_an_external_id_names_one_expert(client, focal):
    api = caller(client, focal)
    first = registered(api).get_json()
    again = api.post(EXPERTS, expert_body())
    assert again.status_code == 422
    message = again.get_json()["errors"][0]["message"]
    assert f"#{first['id']}" in message


def test_a_stale_version_is_refused_with_the_current_record(client, focal):
    api = caller(client, focal)
    location = registered(api).headers["Location"]
    assert api.put(location, expert_body(title="Judge", version=1)).status_code == 200
    stale = api.put(location, expert_body(title="Prosecutor"), headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    problem = stale.get_json()
    assert problem["current"]["version"] == 2 and problem["current"]["title"] == "Judge"
    assert stale.headers["ETag"] == '"2"'
    assert api.get(location).get_json()["title"] == "Judge"


def test_an_update_without_a_version_is_refused(client, focal):
    api = caller(client, focal)
    location = registered(api).headers["Location"]
    missing = api.put(location, expert_body(title="Judge"))
    assert missing.status_code == 428
    assert api.post(f"{location}/withdraw", {}).status_code == 428
    assert api.put(location, expert_body(), headers={"If-Match": "yesterday"}).status_code == 412
    # "any version" is no version: a change names the one it was made on
    assert api.put(location, expert_body(), headers={"If-Match": "*"}).status_code == 428
    assert api.get(location).get_json()["version"] == 1


def test_upsert_by_external_id_registers_then_updates_with_its_version(client, focal):
    api = caller(client, focal)
    path = f"{EXPERTS}/by-external-id/GH-77"
    made = api.put(path, expert_body(external_id=None))
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["external_id"] == "GH-77"
    assert api.get(path).get_json()["id"] == made.get_json()["id"]
    assert api.put(path, expert_body(external_id=None, title="Judge")).status_code == 428
    updated = api.put(path, expert_body(external_id="GH-77", title="Judge", version=1))
    assert updated.status_code == 200 and updated.get_json()["title"] == "Judge"
    other = api.put(path, expert_body(external_id="GH-78", version=2))
    assert other.status_code == 422
    assert other.get_json()["errors"][0]["field"] == "external_id"
    assert db.session.scalar(sa.select(sa.func.count(Expert.id))) == 1


def test_lists_page_with_cursors_and_filter_as_the_pages(client, focal, ghana):
    for n in range(5):
        make_expert(ghana, full_name=f"Expert {n}", areas=["security"] if n % 2 else ["justice"])
    api = caller(client, focal)
    seen, cursor = [], None
    while True:
        query = f"?limit=2&after={cursor}" if cursor else "?limit=2"
        page = api.get(EXPERTS + query)
        assert page.status_code == 200
        body = page.get_json()
        seen += [item["full_name"] for item in body["items"]]
        cursor = body["next"]
        if cursor is None:
            assert "Link" not in page.headers
            break
        assert page.headers["Link"].endswith('>; rel="next"')
    assert seen == [f"Expert {n}" for n in range(5)]
    security = api.get(EXPERTS + "?area=security").get_json()["items"]
    assert [e["full_name"] for e in security] == ["Expert 1", "Expert 3"]
    bad = api.get(EXPERTS + "?after=nonsense")
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "after"
    assert api.get(EXPERTS + "?limit=0").status_code == 422
    assert api.get(EXPERTS + "?colour=red").status_code == 422


def test_hr_reads_every_member_states_experts_without_their_birth_year(client, hr, ghana, senegal):
    make_expert(ghana, birth_year=1980)
    make_expert(senegal, nationality="SN")
    api = caller(client, hr)
    items = api.get(EXPERTS).get_json()["items"]
    assert {e["member_state"] for e in items} == {"Government of GH", "Government of SN"}
    assert {e["birth_year"] for e in items} == {None}
    assert api.post(EXPERTS, expert_body()).status_code == 403


def test_a_requester_has_no_roster(client, requester):
    api = caller(client, requester)
    assert api.get(EXPERTS).status_code == 403


def test_a_nul_character_is_refused_with_its_field_in_the_body_and_the_query(client, focal):
    api = caller(client, focal)
    body = api.post(EXPERTS, expert_body(full_name="Grace\x00Mensah", skills=["a\x00b"]))
    assert body.status_code == 422
    assert {e["field"] for e in body.get_json()["errors"]} >= {"full_name", "skills"}
    query = api.get(EXPERTS + "?nationality=%00")
    assert query.status_code == 422
    assert query.get_json()["errors"][0]["field"] == "nationality"
    assert "NUL" in query.get_json()["errors"][0]["message"]
