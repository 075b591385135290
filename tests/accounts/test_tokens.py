"""Personal access tokens: made on the account page (after a recent confirmation) or by the
operator's command, shown once, kept as a fingerprint, revocable, and never more than a live
token of an account that is on."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.accounts import tokens
from app.cli import cli
from app.extensions import db
from app.models import ApiToken, SecurityEvent
from tests.conftest import age_logins, count, login, submit_form

SECRET = re.compile(r'<code class="secret" id="new-token">(civcap_[A-Za-z0-9_-]+)</code>')


def make_on_page(client, **data):
    form = {"name": "Ghana roster sync", "scope": "write", "days": "30"} | data
    return submit_form(client, "/account/tokens", form)


def test_a_token_made_on_the_account_page_is_shown_once_and_kept_as_a_fingerprint(app, focal):
    client = login(app, focal.email)
    response = make_on_page(client)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    secret = SECRET.search(html).group(1)
    token = db.session.scalars(sa.select(ApiToken)).one()
    assert (token.name, token.scope, token.user_id) == ("Ghana roster sync", "write", focal.id)
    assert token.token_hash != secret and secret not in token.token_hash
    assert secret.startswith(token.prefix) and len(token.prefix) < 20
    assert token.expires_at - token.created_at == timedelta(days=30)
    # Listed afterwards by its first characters only; the secret is never shown again.
    listed = client.get("/account/tokens").get_data(as_text=True)
    assert f"<code>{token.prefix}…</code>" in listed and secret not in listed
    assert tokens.authenticate(secret).id == token.id
    event = db.session.scalars(sa.select(SecurityEvent).filter_by(kind="token.created")).one()
    assert event.user_id == focal.id and secret not in f"{event.subject} {event.detail}"


def test_an_old_login_confirms_who_it_is_before_making_a_token(app, focal):
    client = login(app, focal.email)
    age_logins(focal)
    response = submit_form(
        client, "/account/tokens", {"name": "x", "scope": "read", "days": "30"},
        headers={"Referer": "http://localhost/account/tokens"},
    )  # fmt: skip
    assert response.headers["Location"] == "/account/confirm?next=/account/tokens"
    assert count(ApiToken) == 0


def test_a_wrong_name_scope_or_lifetime_is_refused_on_its_field_and_nothing_is_made(app, focal):
    client = login(app, focal.email)
    for data, message in (
        ({"name": ""}, "is required: say what the token is for"),
        ({"days": "0"}, "must be a number of days from 1 to 365"),
        ({"days": "400"}, "must be a number of days from 1 to 365"),
        ({"name": "x" * 81}, "is longer than 80 characters"),
        ({"scope": "admin"}, "Not a valid choice"),
    ):
        html = make_on_page(client, **data).get_data(as_text=True)
        assert message in html and 'aria-invalid="true"' in html, data
    assert count(ApiToken) == 0


def test_the_owner_revokes_a_token_and_nobody_else_can(app, focal, requester):
    owner = login(app, focal.email)
    secret = SECRET.search(make_on_page(owner).get_data(as_text=True)).group(1)
    token = db.session.scalars(sa.select(ApiToken)).one()
    other = login(app, requester.email)
    refused = submit_form(other, "/account/tokens", {}, action=f"/account/tokens/{token.id}/revoke")
    assert refused.status_code == 404 and tokens.authenticate(secret) is not None
    done = submit_form(owner, "/account/tokens", {}, action=f"/account/tokens/{token.id}/revoke")
    assert done.status_code == 302
    assert tokens.authenticate(secret) is None
    page = owner.get("/account/tokens").get_data(as_text=True)
    assert "revoked" in page and "it no longer works" in page
    kinds = list(db.session.scalars(sa.select(SecurityEvent.kind)))
    assert "token.revoked" in kinds and "access.denied" in kinds


def test_only_a_live_token_of_an_account_that_is_on_authenticates(app, focal):
    made = tokens.create(focal, "sync", "read", 1)
    assert tokens.authenticate(made.secret).id == made.token.id
    assert db.session.get(ApiToken, made.token.id).last_used_at is not None
    assert tokens.authenticate(made.secret + "x") is None
    assert tokens.authenticate("Bearer " + made.secret) is None
    later = datetime.now(UTC) + timedelta(days=1, minutes=1)
    assert tokens.authenticate(made.secret, now=later) is None  # expired
    focal.active = False
    db.session.commit()
    assert tokens.authenticate(made.secret) is None  # the account is switched off


def test_civcap_create_token_prints_the_token_once(app, runner, focal):
    result = runner.invoke(
        cli, ["create-token", "--email", focal.email, "--scope", "read", "--name", "sync"]
    )
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert tokens.authenticate(secret).scope == "read"
    assert "shown only this once" in result.stderr
    bad = runner.invoke(cli, ["create-token", "--email", focal.email, "--scope", "read",
                              "--name", "sync", "--days", "0"])  # fmt: skip
    assert bad.exit_code == 2 and "days: must be a number of days" in bad.output
    nobody = runner.invoke(cli, ["create-token", "--email", "no@one.example", "--scope", "read",
                                 "--name", "x"])  # fmt: skip
    assert nobody.exit_code == 2 and "no user with the email" in nobody.output
    assert count(ApiToken) == 1
