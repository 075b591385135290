"""Who may call the API: a live token, within its owner's role and its own scope, throttled;
the login cookie of the pages opens nothing here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.accounts import tokens
from app.api import idempotency
from app.cli import cli
from app.extensions import db
from app.models import ApiToken, Expert, IdempotentRequest
from tests.api.client import Caller, caller, expert_body, token_of
from tests.conftest import login

EXPERTS = "/api/v1/experts"


def test_without_a_token_the_answer_is_401_as_a_problem(client, focal):
    response = client.get(EXPERTS)
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert Caller(client, "civcap_not-a-token").get(EXPERTS).status_code == 401
    assert client.get(EXPERTS, headers={"Authorization": "Basic abc"}).status_code == 401


def test_the_login_cookie_opens_nothing_on_the_api(app, focal):
    browser = login(app, focal.email)
    assert browser.get("/roster/").status_code == 200
    assert browser.get(EXPERTS).status_code == 401
    assert browser.post(EXPERTS, json=expert_body()).status_code == 401


def test_an_expired_or_revoked_token_is_refused(client, focal):
    expired = token_of(focal)
    row = db.session.scalars(sa.select(ApiToken)).one()
    row.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    assert Caller(client, expired).get(EXPERTS).status_code == 401
    revoked = token_of(focal, name="second")
    second = db.session.scalars(sa.select(ApiToken).where(ApiToken.name == "second")).one()
    assert Caller(client, revoked).get(EXPERTS).status_code == 200
    tokens.revoke(focal, second.id)
    assert Caller(client, revoked).get(EXPERTS).status_code == 401


def test_a_switched_off_account_s_token_is_refused(client, focal):
    api = caller(client, focal)
    focal.active = False
    db.session.commit()
    assert api.get(EXPERTS).status_code == 401


def test_a_read_token_reads_but_never_writes(client, focal):
    api = caller(client, focal, scope="read")
    assert api.get(EXPERTS).status_code == 200
    refused = api.post(EXPERTS, expert_body())
    assert refused.status_code == 403
    assert "only read" in refused.get_json()["detail"]
    assert db.session.scalar(sa.select(sa.func.count(Expert.id))) == 0


def test_calls_are_throttled_per_token(app, client, focal, senegal):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    api = caller(client, focal)
    answers = [api.get(EXPERTS).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = api.get(EXPERTS)
    assert limited.headers["Content-Type"] == "application/problem+json"
    assert int(limited.headers["Retry-After"]) > 0
    # Another token has its own count.
    assert caller(client, focal).get(EXPERTS).status_code == 200


def test_an_idempotency_key_makes_a_registration_safe_to_send_again(client, focal):
    api = caller(client, focal)
    key = {"Idempotency-Key": "sync-2026-12-02-GH-0001"}
    first = api.post(EXPERTS, expert_body(), headers=key)
    again = api.post(EXPERTS, expert_body(), headers=key)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert db.session.scalar(sa.select(sa.func.count(Expert.id))) == 1
    different = api.post(EXPERTS, expert_body(external_id="GH-0002"), headers=key)
    assert different.status_code == 422
    assert different.get_json()["errors"][0]["field"] == "Idempotency-Key"
    assert db.session.scalar(sa.select(sa.func.count(Expert.id))) == 1


def test_a_failed_call_keeps_no_answer_under_its_key(client, focal):
    api = caller(client, focal)
    key = {"Idempotency-Key": "k-1"}
    assert api.post(EXPERTS, expert_body(title=""), headers=key).status_code == 422
    assert api.post(EXPERTS, expert_body(), headers=key).status_code == 201
    assert db.session.scalar(sa.select(sa.func.count(IdempotentRequest.id))) == 1


def test_kept_answers_are_forgotten_after_a_day(client, focal):
    api = caller(client, focal)
    api.post(EXPERTS, expert_body(), headers={"Idempotency-Key": "k-2"})
    later = datetime.now(UTC) + timedelta(hours=idempotency.KEPT_HOURS + 1)
    assert idempotency.forget(later, dry_run=True) == 1
    assert db.session.scalar(sa.select(sa.func.count(IdempotentRequest.id))) == 1
    assert idempotency.forget(later) == 1
    assert db.session.scalar(sa.select(sa.func.count(IdempotentRequest.id))) == 0


def test_an_unknown_address_and_a_wrong_method_are_problems(client, focal):
    api = caller(client, focal)
    missing = api.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json"
    wrong = api.call("DELETE", EXPERTS)
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]


def test_purge_forgets_the_answers_kept_longer_than_a_day(client, focal, runner):
    api = caller(client, focal)
    api.post(EXPERTS, expert_body(), headers={"Idempotency-Key": "k-3"})
    kept = db.session.scalars(sa.select(IdempotentRequest)).one()
    kept.created_at = datetime.now(UTC) - timedelta(hours=idempotency.KEPT_HOURS + 1)
    db.session.commit()
    result = runner.invoke(cli, ["purge"])
    assert result.exit_code == 0, result.output
    assert "Forgot 1 API answer(s)" in result.output
    assert db.session.scalar(sa.select(sa.func.count(IdempotentRequest.id))) == 0
