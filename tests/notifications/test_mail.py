"""Notifications through a real SMTP server on loopback, the admin's outbox and `civcap send-mail`.

A workflow step is saved whatever happens to its email: a message that could not be delivered
keeps its error, is shown to admins as failed and is sent by a later retry.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from app.candidates import workflow as candidates
from app.cli import cli
from app.extensions import db
from app.jobs import run_queued
from app.models import (
    Candidate,
    CandidateState,
    OutboxMessage,
    RequestStatus,
)
from app.notifications import outbox as mail
from app.outreach import publication
from config import ConfigurationError, load_config
from tests.conftest import RANDOM_KEY, count, csrf_token, login
from tests.factories import make_expert, make_request
from tests.pages import page_text
from tests.smtp import PUBLIC_URL, free_port

S = CandidateState


@pytest.fixture
def smtp_down(app, smtp):
    """Point the app at a port where nothing listens; ``smtp_down()`` restores the server."""
    working = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()

    def restore() -> None:
        app.config["SMTP_PORT"] = working

    return restore


@pytest.fixture
def cast(ghana, mission, un_hr, hr, admin, focal, requester):
    people = {"hr": hr, "admin": admin, "fp": focal, "requester": requester}
    request = make_request(mission, RequestStatus.OPEN, created_by=requester, title="court adviser")
    expert = make_expert(ghana, full_name="Ama Owusu")
    candidate = candidates.add(request, expert, people["hr"])
    candidates.move(candidate, S.SHORTLISTED, people["hr"])
    return people, request, candidate


def words(response) -> str:
    """The page's text without tags, on one line."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


def retry(admin):
    """The outbox page's "Retry sending now" button."""
    token = csrf_token(admin, "/admin/outbox")
    return page_text(
        admin.post("/admin/outbox/retry", data={"csrf_token": token}, follow_redirects=True)
    )


def post_move(client, candidate: Candidate, to: str, version: int | None = None):
    """HR's move as the shortlist page's form posts it."""
    token = csrf_token(client, f"/review/requests/{candidate.request_id}/shortlist")
    data = {"csrf_token": token, "to": to, "version": version or candidate.version}
    return client.post(f"/review/candidates/{candidate.id}/move", data=data, follow_redirects=True)


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def state_of(candidate: Candidate) -> CandidateState:
    db.session.expire_all()
    return db.session.get(Candidate, candidate.id).state


def send_mail(runner, *args: str):
    return runner.invoke(cli, ["send-mail", *args])


# ---- through SMTP -----------------------------------------------------------------------------


def test_a_step_on_the_web_is_emailed_to_the_focal_point(app, smtp, cast):
    people, request, candidate = cast
    hr = login(app, "hr@un.example")
    assert "Ama Owusu is now release consultation." in page_text(
        post_move(hr, candidate, "consultation")
    )

    [envelope] = smtp.envelopes
    assert envelope.mail_from == "no-reply@civcap.example.org"
    assert envelope.rcpt_tos == ["fp@gh.example"]
    [email] = smtp.emails()
    assert email["To"] == "fp@gh.example"
    assert email["Subject"] == "[civcap] Release consultation: Ama Owusu"
    body = email.get_content()
    assert "court adviser" in body and "Requesting organisation: UNMISS" in body
    assert f"{PUBLIC_URL}/outreach/consultations" in body

    [message] = outbox()
    assert message.status == "sent" and message.sent_at is not None
    assert message.attempts == 1 and message.last_error is None
    assert message.event == "candidate.consultation"


def test_with_smtp_down_the_step_is_saved_and_the_message_waits_for_send_mail(
    app, smtp, smtp_down, cast, runner
):
    people, request, candidate = cast
    hr = login(app, "hr@un.example")
    page = page_text(post_move(hr, candidate, "consultation"))
    assert "Ama Owusu is now release consultation." in page  # the step, whatever the mail did
    assert state_of(candidate) is S.CONSULTATION
    [message] = outbox()
    assert message.sent_at is None and message.attempts == 1
    assert message.last_error.startswith("could not reach the SMTP server 127.0.0.1:")
    assert "ConnectionRefusedError" in message.last_error
    assert smtp.envelopes == []

    admin = login(app, "admin@un.example")
    listing = page_text(admin.get("/admin/outbox"))
    assert '<span class="badge failed">failed</span>' in listing
    assert "could not reach the SMTP server" in listing
    assert "0 waiting · 1 failed · 0 sent" in listing
    assert "Mail transport: SMTP through 127.0.0.1:" in words(admin.get("/admin/outbox"))
    assert "Release consultation: Ama Owusu" in listing and "fp@gh.example" in listing

    still_down = send_mail(runner)
    assert still_down.exit_code == 1
    assert still_down.stdout.strip() == "sent 0, failed 1, kept 0"
    assert "1 notification(s) could not be delivered" in still_down.stderr
    assert "latest error: could not reach the SMTP server" in still_down.stderr
    assert "Traceback" not in still_down.output
    assert outbox()[0].attempts == 2

    smtp_down()  # the server is back
    result = send_mail(runner)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "sent 1, failed 0, kept 0"
    [email] = smtp.emails()
    assert email["To"] == "fp@gh.example"
    assert email["Subject"] == "[civcap] Release consultation: Ama Owusu"
    [message] = outbox()
    assert message.status == "sent" and message.attempts == 3 and message.last_error is None

    again = send_mail(runner)
    assert again.stdout.strip() == "sent 0, failed 0, kept 0" and len(smtp.envelopes) == 1


def test_admin_retries_from_the_outbox_page(app, smtp, smtp_down, cast):
    people, request, candidate = cast
    post_move(login(app, "hr@un.example"), candidate, "consultation")
    admin = login(app, "admin@un.example")

    token = csrf_token(admin, "/admin/outbox")
    page = page_text(
        admin.post("/admin/outbox/retry", data={"csrf_token": token}, follow_redirects=True)
    )
    assert "Sent 0, failed 1, kept 0. The failed ones show their error" in page
    assert outbox()[0].attempts == 2

    smtp_down()
    token = csrf_token(admin, "/admin/outbox")
    page = page_text(
        admin.post("/admin/outbox/retry", data={"csrf_token": token}, follow_redirects=True)
    )
    assert "Sent 1, failed 0, kept 0." in page
    assert "0 waiting · 0 failed · 1 sent" in page
    assert 'value="Retry sending now"' not in page  # nothing left to retry
    assert [e["To"] for e in smtp.emails()] == ["fp@gh.example"]
    assert outbox()[0].status == "sent"

    token = csrf_token(admin, "/admin/outbox")
    page = page_text(
        admin.post("/admin/outbox/retry", data={"csrf_token": token}, follow_redirects=True)
    )
    assert "Nothing was waiting to be sent." in page


def test_retry_needs_the_csrf_token(app, smtp, smtp_down, cast):
    people, request, candidate = cast
    post_move(login(app, "hr@un.example"), candidate, "consultation")
    smtp_down()
    admin = login(app, "admin@un.example")
    assert admin.post("/admin/outbox/retry").status_code == 400
    assert outbox()[0].attempts == 1 and smtp.envelopes == []


def test_a_refused_recipient_fails_alone_and_send_mail_says_so(app, smtp, runner):
    app.config["JOBS_EMBEDDED_RUN"] = "manual"  # the messages' jobs wait: send-mail goes first
    mail.queue("test", ["a@example.org", "refused@example.org", "b@example.org"], "Hello", "Hi.")
    db.session.commit()
    result = send_mail(runner, "--batch-size", "2")  # two batches, each message tried once
    assert result.exit_code == 1
    assert result.stdout.strip() == "sent 2, failed 1, kept 0"
    assert "SMTPRecipientsRefused" in result.stderr
    assert sorted(r for e in smtp.envelopes for r in e.rcpt_tos) == [
        "a@example.org",
        "b@example.org",
    ]
    refused = [m for m in outbox() if m.recipient == "refused@example.org"][0]
    assert refused.status == "failed" and refused.attempts == 1
    assert "550" in refused.last_error

    assert run_queued() == 3  # then the jobs: the messages sent already are skipped
    assert len(smtp.envelopes) == 2
    assert [(m.status, m.attempts) for m in outbox()] == [("sent", 1), ("failed", 2), ("sent", 1)]


def test_a_subject_is_one_line_that_fits_whatever_the_names(app, smtp, cast):
    """A title with a line break, or long names, neither break the step nor the email."""
    people, request, candidate = cast
    long_name = "Ama " + "Owusu-" * 32  # 196 characters
    candidate.expert.full_name = long_name
    candidate.expert.organisation.name = "Government of " + "Ghana " * 30
    candidate.request.title = "court\nadviser\r\nBcc: someone@example.org"
    db.session.commit()
    ghana = candidate.expert.organisation
    publication.publish(request, publication.Audience(organisation_ids={ghana.id}), people["hr"])
    candidates.move(candidate, S.CONSULTATION, people["hr"])
    candidates.move(candidate, S.RELEASED, people["fp"])  # subject names state and expert
    assert state_of(candidate) is S.RELEASED
    subjects = [m.subject for m in outbox()]
    assert len(subjects) == 3
    assert (
        subjects[0] == "[civcap] New request for expertise: court adviser Bcc: someone@example.org"
    )
    assert all("\n" not in s and "\r" not in s and len(s) <= mail.SUBJECT_LENGTH for s in subjects)

    assert [m.status for m in outbox()] == ["sent"] * 3  # each by its job, as its step committed
    assert mail.deliver_pending().tried == 0
    assert all(e["Bcc"] is None and "\n" not in e["Subject"] for e in smtp.emails())
    assert sorted(r for e in smtp.envelopes for r in e.rcpt_tos) == [
        "fp@gh.example",
        "fp@gh.example",
        "hr@un.example",
    ]


def test_a_message_another_worker_is_sending_is_not_sent_twice(app, smtp):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks between workers: PostgreSQL")
    app.config["JOBS_EMBEDDED_RUN"] = "manual"
    mail.queue("test", ["someone@example.org"], "Once", "Only once.")
    db.session.commit()
    [message] = outbox()
    with db.engine.connect() as send_mail_elsewhere:  # holds the row while it sends
        send_mail_elsewhere.execute(sa.select(OutboxMessage.id).with_for_update())
        assert run_queued() == 1  # the message's job leaves it to the other sender
        db.session.execute(sa.text("SET LOCAL lock_timeout = '2s'"))  # fail, not hang
        assert mail.deliver_pending().tried == 0
        db.session.rollback()
    assert mail.deliver_pending().sent == 1
    assert len(smtp.envelopes) == 1 and outbox()[0].attempts == 1


# ---- the development outbox -------------------------------------------------------------------


def test_outbox_transport_keeps_messages_for_the_admin_to_read(app, smtp_server, cast, runner):
    controller, inbox = smtp_server
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, PUBLIC_URL=PUBLIC_URL)
    assert app.config["MAIL_TRANSPORT"] == "outbox"  # the testing default
    people, request, candidate = cast
    post_move(login(app, "hr@un.example"), candidate, "consultation")
    [message] = outbox()
    assert message.status == "waiting" and message.attempts == 0
    assert inbox.envelopes == []

    admin = login(app, "admin@un.example")
    listing = page_text(admin.get("/admin/"))
    assert 'href="/admin/outbox"' in listing
    listing = page_text(admin.get("/admin/outbox"))
    assert "Mail transport: outbox (the development outbox)" in words(admin.get("/admin/outbox"))
    assert '<span class="badge waiting">waiting</span>' in listing
    detail = page_text(admin.get(f"/admin/outbox/{message.id}"))
    assert "To</dt><dd>fp@gh.example" in detail
    assert "UN HR asks whether Ama Owusu can be released" in detail
    assert f"{PUBLIC_URL}/outreach/consultations" in detail
    assert admin.get("/admin/outbox/999999").status_code == 404

    token = csrf_token(admin, "/admin/outbox")
    page = page_text(
        admin.post("/admin/outbox/retry", data={"csrf_token": token}, follow_redirects=True)
    )
    assert "Sent 0, failed 0, kept 1. The transport is the development outbox" in page

    result = send_mail(runner)
    assert result.exit_code == 0
    assert result.stdout.strip().endswith("sent 0, failed 0, kept 1")
    assert "development outbox" in result.stdout
    assert inbox.envelopes == [] and outbox()[0].attempts == 0


def test_outbox_page_filters_by_status_newest_first_in_pages(app, cast):
    people, *_ = cast
    app.config["PAGE_SIZE"] = 2
    for n in range(3):
        mail.queue("test", [f"person{n}@example.org"], f"Message {n}", "Body")
    db.session.commit()
    first, second, third = outbox()
    first.sent_at = first.created_at
    second.last_error, second.attempts = "SMTPDataError: (554, b'rejected')", 1
    db.session.commit()
    admin = login(app, "admin@un.example")

    page_one = page_text(admin.get("/admin/outbox"))
    assert page_one.index("Message 2") < page_one.index("Message 1")
    assert "Message 0" not in page_one and "Page 1 of 2 (3 in all)" in page_one
    assert "Message 0" in page_text(admin.get("/admin/outbox?page=2"))

    def subjects(status: str) -> list[str]:
        return re.findall(r"Message \d", page_text(admin.get(f"/admin/outbox?status={status}")))

    assert subjects("sent") == ["Message 0"]
    assert subjects("failed") == ["Message 1"]
    assert subjects("waiting") == ["Message 2"]
    assert subjects("bogus") == ["Message 2", "Message 1"]  # a wrong filter is ignored
    assert "SMTPDataError: (554, b'rejected')" in page_text(
        admin.get("/admin/outbox?status=failed")
    )


@pytest.mark.parametrize("role", ["hr", "fp", "requester"])
def test_only_admins_see_the_outbox(app, cast, role):
    people, *_ = cast
    mail.queue("test", ["someone@example.org"], "Secret", "Body")
    db.session.commit()
    [message] = outbox()
    client = login(app, people[role].email)
    assert client.get("/admin/outbox").status_code == 403
    assert client.get(f"/admin/outbox/{message.id}").status_code == 403
    token = csrf_token(client, "/")
    assert client.post("/admin/outbox/retry", data={"csrf_token": token}).status_code == 403


def test_anonymous_is_sent_to_log_in(client, cast):
    response = client.get("/admin/outbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# ---- a step that is not saved sends nothing ---------------------------------------------------


def test_a_refused_or_conflicting_move_queues_nothing(app, smtp, cast):
    people, request, candidate = cast
    hr = login(app, "hr@un.example")
    page = page_text(post_move(hr, candidate, "released"))  # not asked yet, and not HR's answer
    assert "A candidate who is shortlisted cannot be moved to released" in page
    page = page_text(post_move(hr, candidate, "consultation", version=candidate.version - 1))
    assert "Someone else changed this candidate meanwhile" in page
    assert state_of(candidate) is S.SHORTLISTED
    assert count(OutboxMessage) == 0 and smtp.envelopes == []


def test_messages_of_a_rolled_back_transaction_are_neither_kept_nor_sent(app, smtp):
    app.config["JOBS_EMBEDDED_RUN"] = "manual"
    mail.queue("test", ["someone@example.org"], "Never", "Rolled back.")
    db.session.flush()
    db.session.rollback()
    db.session.commit()  # a later step commits: nothing of the rolled-back one comes back
    assert count(OutboxMessage) == 0
    assert run_queued(delayed=True) == 0  # and no job was sent for it
    assert smtp.envelopes == []


# ---- configuration ----------------------------------------------------------------------------


def test_mail_configuration_defaults(tmp_path):
    production = load_config(str(tmp_path), {"SECRET_KEY": RANDOM_KEY})
    assert production["MAIL_TRANSPORT"] == "smtp"
    assert (production["SMTP_HOST"], production["SMTP_PORT"]) == ("localhost", 25)
    assert production["SMTP_STARTTLS"] is False and production["SMTP_USERNAME"] is None
    assert load_config(str(tmp_path), {"CIVCAP_ENV": "testing"})["MAIL_TRANSPORT"] == "outbox"
    configured = load_config(
        str(tmp_path),
        {
            "CIVCAP_ENV": "development",
            "CIVCAP_MAIL_TRANSPORT": " SMTP ",
            "SMTP_HOST": "mail.example.org",
            "SMTP_PORT": "587",
            "SMTP_STARTTLS": "1",
            "SMTP_USERNAME": "civcap",
            "CIVCAP_PUBLIC_URL": "https://civcap.example.org/",
        },
    )
    assert configured["MAIL_TRANSPORT"] == "smtp" and configured["SMTP_PORT"] == 587
    assert configured["SMTP_STARTTLS"] is True and configured["SMTP_USERNAME"] == "civcap"
    assert configured["PUBLIC_URL"] == "https://civcap.example.org"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CIVCAP_MAIL_TRANSPORT", "sendmail", "CIVCAP_MAIL_TRANSPORT='sendmail' is not one of"),
        ("SMTP_PORT", "twenty-five", "SMTP_PORT='twenty-five' is not a whole number"),
        ("SMTP_PORT", "70000", "SMTP_PORT=70000 is not a TCP port"),
        ("SMTP_PORT", "0", "SMTP_PORT=0 is not a TCP port"),
        ("SMTP_TIMEOUT", "0", "SMTP_TIMEOUT=0 must be at least 1"),
    ],
)
def test_wrong_mail_configuration_is_refused(tmp_path, name, value, message):
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        load_config(str(tmp_path), {"CIVCAP_ENV": "testing", name: value})


def test_send_mail_with_a_wrong_configuration_says_so_in_one_line(tmp_path):
    env = {"CIVCAP_ENV": "testing", "CIVCAP_MAIL_TRANSPORT": "pigeon"}
    result = CliRunner().invoke(cli, ["send-mail"], env=env)
    assert result.exit_code == 2
    assert "civcap: configuration error: CIVCAP_MAIL_TRANSPORT='pigeon'" in result.stderr
    assert "Traceback" not in result.output
