"""Availability that is current: stale profiles, reconfirmation emails through a real SMTP
server on loopback, and the expert's answer through the signed link (no account)."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.availability import links as signed_links
from app.availability import staleness
from app.extensions import db
from app.models import AuditEvent, Expert, ExpertStatus, RequestStatus
from app.suggestions import ranking, worker_index
from tests.conftest import count, submit_form
from tests.factories import make_expert, make_organisation, make_request
from tests.pages import field_errors, page_text
from tests.smtp import PUBLIC_URL

LINK = re.compile(re.escape(PUBLIC_URL) + r"(/confirm/\S+)")
LONG_AGO = datetime.now(UTC) - timedelta(days=200)
WITHDRAW = {"answer": "withdraw", "leave": "y"}


@pytest.fixture
def ghana(app):
    """Named in full, not the shared cast's "Government of GH": the e-mail to experts names it."""
    return make_organisation(name="Government of Ghana", country="GH")


@pytest.fixture
def grace(ghana):
    """A stale expert with an email address."""
    return make_expert(
        ghana,
        full_name="Grace Mensah",
        email="grace.mensah@example.org",
        availability_confirmed_at=LONG_AGO,
    )


def ask(client, auth, focal, expert):
    """The focal point asks ``expert`` to reconfirm, on the expert's page."""
    auth.login(focal.email)
    return submit_form(
        client,
        f"/roster/{expert.id}",
        {},
        action=f"/roster/{expert.id}/reconfirm",
        follow_redirects=True,
    )


def links(smtp) -> dict[str, str]:
    """The reconfirmation link (path) of each email that arrived, by recipient."""
    found = {}
    for email in smtp.emails():
        match = LINK.search(email.get_content())
        assert match, email.get_content()
        found[email["To"]] = match.group(1)
    return found


def fresh(expert_id: int) -> Expert:
    db.session.expire_all()
    expert = db.session.get(Expert, expert_id)
    assert expert is not None
    return expert


def events(expert_id: int, action: str | None = None) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(
        AuditEvent.entity_type == "expert", AuditEvent.entity_id == expert_id
    )
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


# ---- stale profiles ----------------------------------------------------------------------


def test_stale_edges_in_python_and_in_sql_agree(app, ghana):
    now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    days = timedelta(days=90)
    experts = {
        "exactly_90_days": make_expert(ghana, availability_confirmed_at=now - days),
        "a_second_more": make_expert(
            ghana, availability_confirmed_at=now - days - timedelta(seconds=1)
        ),
        "recent": make_expert(ghana, availability_confirmed_at=now - timedelta(days=89)),
        "never": make_expert(ghana),
        "withdrawn_long_ago": make_expert(ghana, availability_confirmed_at=LONG_AGO),
    }
    experts["never"].availability_confirmed_at = None
    experts["withdrawn_long_ago"].status = ExpertStatus.WITHDRAWN
    db.session.commit()
    db.session.expire_all()

    in_python = {name for name, e in experts.items() if staleness.is_stale(e, now)}
    in_sql = {e.id for e in db.session.scalars(staleness.stale_experts(ghana.id, now))}
    assert in_python == {"a_second_more", "never"}
    assert in_sql == {experts[name].id for name in in_python}
    assert staleness.stale_count(ghana.id, now).stale == 2


def test_the_stale_period_is_configurable(app, ghana):
    now = datetime.now(UTC)
    expert = make_expert(ghana, availability_confirmed_at=now - timedelta(days=31))
    assert not staleness.is_stale(expert, now)
    app.config["STALE_AFTER_DAYS"] = 30
    assert staleness.is_stale(expert, now)
    assert list(db.session.scalars(staleness.stale_experts(ghana.id, now))) == [expert]


def test_the_roster_shows_stale_profiles_and_when_each_was_confirmed(
    client, auth, ghana, focal, grace
):
    current = make_expert(ghana, full_name="Kofi Current", email="kofi@example.org")
    make_expert(ghana, full_name="Ama Nomail", availability_confirmed_at=LONG_AGO)
    auth.login(focal.email)
    page = client.get("/roster/").get_data(as_text=True)
    assert "2 profiles" in page and "1 without an email address" in page
    assert "Send reconfirmation to all stale" in page
    rows = {name: row for row in page.split("<tr>") for name in ("Grace", "Kofi") if name in row}
    assert "stale" in rows["Grace"] and "stale" not in rows["Kofi"]

    page = client.get(f"/roster/{grace.id}").get_data(as_text=True)
    assert 'class="badge stale"' in page and "Ask the expert to reconfirm" in page
    page = client.get(f"/roster/{current.id}").get_data(as_text=True)
    assert 'class="badge stale"' not in page


# ---- the focal point asks ----------------------------------------------------------------


def test_the_email_is_in_the_language_the_expert_holds_best(client, auth, focal, ghana, smtp):
    awa = make_expert(
        ghana,
        full_name="Awa Ndiaye",
        email="awa@example.org",
        languages=[("fr", "C2"), ("en", "B2")],
        availability_confirmed_at=LONG_AGO,
    )
    ask(client, auth, focal, awa)  # the focal point's pages are in English
    [email] = smtp.emails()
    assert email["Subject"].startswith("Votre disponibilité pour les déploiements civils")
    body = email.get_content()
    assert "Awa" in body and "Dear" not in body and "UTC" in body
    assert links(smtp)["awa@example.org"].startswith("/confirm/")


def test_asking_one_expert_sends_an_email_with_a_working_link(client, auth, focal, grace, smtp):
    page = ask(client, auth, focal, grace).get_data(as_text=True)
    assert "Reconfirmation request sent to 1 expert: Grace Mensah." in page
    assert "waiting for the answer" in page

    [email] = smtp.emails()
    assert email["To"] == "grace.mensah@example.org"
    assert "availability" in email["Subject"]
    body = email.get_content()
    assert "Dear Grace," in body and "Government of Ghana" in body
    path = links(smtp)["grace.mensah@example.org"]

    expert = fresh(grace.id)
    assert expert.reconfirmation_sent_at is not None
    [sent] = events(grace.id, "expert.reconfirmation_sent")
    assert sent.actor_id == focal.id and sent.note == "sent to grace.mensah@example.org"

    # The expert opens the link, without an account, in another browser.
    page = client.application.test_client().get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Dear Grace" in html and "15 Feb 2027" in html and "Consultant" in html
    # No more personal data than needed to answer.
    assert "Mensah" not in html and "grace.mensah@example.org" not in html
    assert page.headers["Cache-Control"] == "no-store"


def test_asking_all_stale_experts_of_ones_own_state(
    client, auth, ghana, senegal, focal, grace, smtp
):
    make_expert(
        ghana,
        full_name="Abena Stale",
        email="abena@example.org",
        availability_confirmed_at=LONG_AGO,
    )
    no_email = make_expert(ghana, full_name="Ama Nomail", availability_confirmed_at=LONG_AGO)
    current = make_expert(ghana, full_name="Kofi Current", email="kofi@example.org")
    other = make_expert(
        senegal, full_name="Awa Ndiaye", email="awa@example.sn", availability_confirmed_at=LONG_AGO
    )
    auth.login(focal.email)
    response = submit_form(
        client, "/roster/", {}, action="/roster/reconfirm-stale", follow_redirects=True
    )
    page = page_text(response)
    assert "Reconfirmation request sent to 2 experts: Abena Stale, Grace Mensah." in page
    assert "Not sent to 1 expert: Ama Nomail (no email address)." in page

    assert sorted(links(smtp)) == ["abena@example.org", "grace.mensah@example.org"]
    for path in links(smtp).values():
        assert client.application.test_client().get(path).status_code == 200
    for untouched in (no_email, current, other):
        assert fresh(untouched.id).reconfirmation_sent_at is None
        assert events(untouched.id, "expert.reconfirmation_sent") == []


def test_an_expert_without_email_is_skipped_and_reported(client, auth, ghana, focal, smtp):
    expert = make_expert(ghana, full_name="Ama Nomail", availability_confirmed_at=LONG_AGO)
    auth.login(focal.email)
    assert "No email address" in client.get(f"/roster/{expert.id}").get_data(as_text=True)
    response = submit_form(
        client, f"/roster/{expert.id}", {}, action=f"/roster/{expert.id}/reconfirm"
    )
    assert response.status_code == 302
    page = page_text(client.get(f"/roster/{expert.id}"))
    assert "Not sent to 1 expert: Ama Nomail (no email address)." in page
    assert smtp.emails() == [] and fresh(expert.id).reconfirmation_sent_at is None


def test_another_states_focal_point_gets_404_and_nothing_is_sent(
    client, auth, focal_sn, grace, smtp
):
    auth.login(focal_sn.email)
    response = submit_form(client, "/roster/", {}, action=f"/roster/{grace.id}/reconfirm")
    assert response.status_code == 404
    response = submit_form(client, "/roster/", {}, action="/roster/999999/reconfirm")
    assert response.status_code == 404
    # "All stale" means the focal point's own state's only.
    response = submit_form(client, "/roster/", {}, action="/roster/reconfirm-stale")
    assert response.status_code == 302
    assert smtp.emails() == [] and fresh(grace.id).reconfirmation_sent_at is None


def test_other_roles_and_forged_requests_are_refused(client, auth, focal, grace, smtp, hr):
    auth.login(hr.email)
    response = submit_form(client, "/", {}, action=f"/roster/{grace.id}/reconfirm")
    assert response.status_code == 403
    auth.logout()
    auth.login(focal.email)
    # Without the CSRF token (a forged cross-site POST) nothing happens.
    assert client.post(f"/roster/{grace.id}/reconfirm").status_code == 400
    assert client.post("/roster/reconfirm-stale").status_code == 400
    assert smtp.emails() == [] and count(AuditEvent) == 0


# ---- the expert answers ------------------------------------------------------------------


@pytest.fixture
def link(client, auth, focal, grace, smtp):
    """The link in the email Grace received; the expert answers in a client of their own."""
    ask(client, auth, focal, grace)
    return links(smtp)["grace.mensah@example.org"]


@pytest.fixture
def expert_client(app):
    return app.test_client()


def test_confirming_as_is(expert_client, grace, link):
    before = fresh(grace.id)
    asked_at, updated_at = before.reconfirmation_sent_at, before.updated_at
    response = submit_form(expert_client, link, {"answer": "confirm"})
    assert response.status_code == 302 and response.headers["Location"] == "/confirm/thanks"
    thanks = expert_client.get("/confirm/thanks").get_data(as_text=True)
    assert "Thank you, Grace" in thanks and "Your availability is confirmed" in thanks

    expert = fresh(grace.id)
    assert expert.availability_confirmed_at >= asked_at
    assert expert.updated_at != updated_at  # the matching index sees the change
    assert not staleness.is_stale(expert)
    [event] = events(grace.id, "expert.availability_confirmed")
    assert event.actor_id is None and event.actor_label == "expert (reconfirmation link)"
    # The link is used up.
    refused = expert_client.get(link)
    assert refused.status_code == 410 and "already used" in refused.get_data(as_text=True)


def test_changing_the_window_and_modalities(expert_client, client, auth, focal, grace, link):
    response = submit_form(
        expert_client,
        link,
        {
            "answer": "change",
            "available_from": "2027-06-01",
            "available_until": "2028-06-30",
            "modalities": ["staff", "un_volunteer"],
        },
    )
    assert response.status_code == 302
    expert = fresh(grace.id)
    assert (expert.available_from, expert.available_until) == (date(2027, 6, 1), date(2028, 6, 30))
    assert sorted(m.modality for m in expert.modalities) == ["staff", "un_volunteer"]
    assert not staleness.is_stale(expert)
    [event] = events(grace.id, "expert.availability_changed")
    assert event.actor_label == "expert (reconfirmation link)"
    assert event.before["available_from"] == "2027-02-15"
    assert event.after["available_from"] == "2027-06-01"
    assert event.after["modalities"] == ["staff", "un_volunteer"]
    assert expert_client.get(link).status_code == 410

    # The focal point sees the answer on the expert's page.
    page = client.get(f"/roster/{grace.id}").get_data(as_text=True)
    assert "answered" in page and "availability changed" in page
    assert "1 Jun 2027" in page


def test_an_unchanged_window_sent_as_a_change_is_a_confirmation(expert_client, grace, link):
    data = {"answer": "change", "available_from": "2027-02-15", "available_until": "2028-01-31"}
    data["modalities"] = ["consultant", "government_provided"]
    assert submit_form(expert_client, link, data).status_code == 302
    assert len(events(grace.id, "expert.availability_confirmed")) == 1
    assert events(grace.id, "expert.availability_changed") == []


@pytest.mark.parametrize(
    ("sent", "field", "message"),
    [
        (
            {"available_from": "2027-06-01", "available_until": "2027-01-01"},
            "available_until",
            "must not be before available_from",
        ),
        ({"available_from": ""}, "available_from", "is required"),
        ({"available_from": "2027-13-45"}, "available_from", "Not a valid date value."),
        ({"modalities": []}, "modalities", "at least one accepted modality is required"),
        ({"modalities": ["astronaut"]}, "modalities", "'astronaut' is not a valid choice"),
    ],
)
def test_an_invalid_change_shows_the_error_and_changes_nothing(
    expert_client, grace, link, sent, field, message
):
    before = fresh(grace.id)
    state = (before.available_from, before.available_until, before.availability_confirmed_at)
    data = {
        "answer": "change",
        "available_from": "2027-06-01",
        "available_until": "2028-06-30",
        "modalities": ["consultant"],
    } | sent
    response = submit_form(expert_client, link, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert any(message in error for error in field_errors(html, field)), html
    assert "Nothing was saved" in html
    expert = fresh(grace.id)
    assert (expert.available_from, expert.available_until, expert.availability_confirmed_at) == (
        state
    )
    assert sorted(m.modality for m in expert.modalities) == ["consultant", "government_provided"]
    assert events(grace.id, "expert.availability_changed") == []
    # The link still works: the expert corrects and sends again.
    assert expert_client.get(link).status_code == 200


def test_withdrawing_from_the_roster(expert_client, grace, link):
    response = submit_form(expert_client, link, WITHDRAW, follow_redirects=True)
    assert "You are withdrawn from the roster" in response.get_data(as_text=True)
    expert = fresh(grace.id)
    assert expert.status is ExpertStatus.WITHDRAWN and expert.withdrawn_at is not None
    [event] = events(grace.id, "expert.withdrawn")
    assert event.before["status"] == "active" and event.after["status"] == "withdrawn"
    assert event.actor_label == "expert (reconfirmation link)"
    refused = expert_client.get(link)
    assert refused.status_code == 410
    assert "no longer on the roster" in refused.get_data(as_text=True)
    assert not staleness.is_stale(expert)


def test_withdrawing_needs_the_box_ticked(expert_client, grace, link):
    response = submit_form(expert_client, link, {"answer": "withdraw"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "leave") == ["Tick this box if you want to leave the roster."]
    assert fresh(grace.id).status is ExpertStatus.ACTIVE
    assert events(grace.id, "expert.withdrawn") == []


def test_a_withdrawn_expert_leaves_the_matching_index(expert_client, grace, link):
    index = worker_index.roster_index()
    assert grace.id in index.rebuild().index_.row_of
    submit_form(expert_client, link, WITHDRAW)
    assert grace.id not in index.current().index_.row_of


def test_an_unknown_answer_or_a_missing_csrf_token_changes_nothing(expert_client, grace, link):
    assert submit_form(expert_client, link, {"answer": "delete_everything"}).status_code == 400
    assert expert_client.post(link, data=WITHDRAW).status_code == 400
    assert fresh(grace.id).status is ExpertStatus.ACTIVE
    assert events(grace.id, "expert.withdrawn") == []
    assert expert_client.get(link).status_code == 200


# ---- links that no longer work -----------------------------------------------------------


def signed_ago(seconds: int, expert: Expert) -> str:
    """The expert's real link, as if it had been signed ``seconds`` ago."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - seconds)
        return "/confirm/" + signed_links.token_for(expert)


def test_a_link_expires_after_the_configured_days(app, expert_client, grace, link):
    expert = fresh(grace.id)
    days = app.config["RECONFIRM_LINK_DAYS"]
    assert expert_client.get(signed_ago(days * 86400 - 60, expert)).status_code == 200
    expired = signed_ago(days * 86400 + 60, expert)
    response = expert_client.get(expired)
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    # Nor can it be answered: nothing changes.
    response = submit_form(expert_client, link, WITHDRAW, action=expired)
    assert response.status_code == 410
    assert fresh(grace.id).status is ExpertStatus.ACTIVE

    app.config["RECONFIRM_LINK_DAYS"] = days + 1
    assert expert_client.get(expired).status_code == 200


def test_tampered_links_are_refused(app, expert_client, grace, link, ghana):
    token = link.removeprefix("/confirm/")
    other = make_expert(ghana, full_name="Kofi Other", email="kofi@example.org")
    payload, signature = token.rsplit(".", 1)
    forged = [
        f"{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}",
        f"{payload[:-1]}x.{signature}",
        "not-a-token",
        # Signed, but with another key or for another purpose.
        URLSafeTimedSerializer("another key", salt=signed_links.SALT).dumps(
            {"expert": other.id, "sent": 0}
        ),
        URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="another-salt").dumps(
            {"expert": grace.id}
        ),
    ]
    for bad in forged:
        response = expert_client.get(f"/confirm/{bad}")
        assert response.status_code == 400, bad
        assert "not valid" in response.get_data(as_text=True)
    assert expert_client.get(link).status_code == 200


def test_a_used_link_cannot_be_answered_again(expert_client, grace, link):
    assert submit_form(expert_client, link, {"answer": "confirm"}).status_code == 302
    confirmed = fresh(grace.id).availability_confirmed_at
    assert expert_client.get(link).status_code == 410
    # A second answer from the page still open (with a valid CSRF token) is refused too.
    response = submit_form(expert_client, "/login", WITHDRAW, action=link)
    assert response.status_code == 410
    expert = fresh(grace.id)
    assert expert.status is ExpertStatus.ACTIVE and expert.availability_confirmed_at == confirmed
    assert len(events(grace.id, "expert.availability_confirmed")) == 1


def test_a_newer_request_replaces_the_older_link(
    client, expert_client, auth, focal, grace, link, smtp
):
    submit_form(client, f"/roster/{grace.id}", {}, action=f"/roster/{grace.id}/reconfirm")
    assert len(smtp.emails()) == 2
    newer = LINK.search(smtp.emails()[1].get_content()).group(1)
    assert newer != link
    response = expert_client.get(link)
    assert response.status_code == 410 and "replaced by a newer one" in response.get_data(
        as_text=True
    )
    assert submit_form(expert_client, newer, {"answer": "confirm"}).status_code == 302


def test_a_focal_point_edit_after_the_request_counts_as_its_answer(expert_client, grace, link):
    # The focal point entered a new window meanwhile: the availability is confirmed already.
    expert = fresh(grace.id)
    expert.availability_confirmed_at = datetime.now(UTC)
    db.session.commit()
    assert expert_client.get(link).status_code == 410


# ---- HR's suggestions --------------------------------------------------------------------


def test_hr_sees_stale_candidates_marked_in_one_query(client, auth, ghana, grace, mission, hr):
    current = make_expert(ghana, full_name="Kofi Current")
    request_row = make_request(
        mission,
        RequestStatus.SUBMITTED,
        title="court administrator",
        area="justice",
        skills=["manage court cases"],
        languages=[("en", "B2")],
        modality="consultant",
        min_years_experience=5,
    )
    worker_index.roster_index().rebuild()

    run = ranking.run_suggestions(request_row, hr)
    db.session.refresh(run)  # loaded: what follows counts run_view's own queries
    statements: list[str] = []

    def collect(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", collect)
    try:
        view = ranking.run_view(run)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", collect)
    rows = {c.expert_id: c for c in view.deployable + view.near_misses}
    assert rows[grace.id].stale and not rows[current.id].stale
    assert len(statements) == 1

    auth.login(hr.email)
    page = client.get(f"/review/requests/{request_row.id}/suggestions").get_data(as_text=True)
    cells = {
        name: cell
        for cell in page.split("<tr>")
        for name in ("Grace Mensah", "Kofi Current")
        if name in cell
    }
    assert 'class="badge stale"' in cells["Grace Mensah"]
    assert 'class="badge stale"' not in cells["Kofi Current"]
