"""Personal data: export, erasure (focal point and admin), the retention purge, withdrawn_at.

Erasure keeps the record (past shortlists, figures) and takes the person out of it, of the
audit trail's snapshots and notes, and of the outbox; see app/personal_data/erasure.py.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from app.candidates import workflow as candidates
from app.cli import cli
from app.common import audit
from app.common.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.models import (
    AuditEvent,
    Candidate,
    CandidateState,
    Expert,
    ExpertStatus,
    OutboxMessage,
    RequestStatus,
)
from app.notifications import outbox as mail
from app.personal_data import erasure as privacy
from app.personal_data import export as personal_data_export
from app.roster import experts as expert_service
from app.suggestions import worker_index
from tests.conftest import AuthActions, count, login, submit_form
from tests.factories import expert_data, make_expert, make_request
from tests.forms import expert_form
from tests.pages import field_errors, page_text

NAME, EMAIL, PHONE, REF = "Grace Mensah", "grace.mensah@example.org", "+233 24 555 0101", "GH-0042"


@pytest.fixture
def cast(ghana, senegal, mission, un_hr, focal, focal_sn, hr, requester, admin):
    people = {"fp_gh": focal, "fp_sn": focal_sn, "hr": hr, "requester": requester, "admin": admin}
    return {"ghana": ghana, "senegal": senegal, "mission": mission, **people}


@pytest.fixture
def grace(cast):
    """An expert with a history: registered, edited, a candidate with a note, mail about her."""
    data = expert_data(full_name=NAME, email=EMAIL, phone=PHONE, birth_year=1980, external_id=REF)
    expert = expert_service.register(data, cast["ghana"], cast["fp_gh"], "2026-11")
    data.title = "chief court administrator"
    expert_service.update(expert, data, cast["fp_gh"], "2026-11")
    request = make_request(
        cast["mission"],
        RequestStatus.OPEN,
        title="court administration adviser",
        area="justice",
        skills=["manage court cases"],
        languages=[("en", "B2")],
    )
    candidate = candidates.add(request, expert, cast["hr"], score=0.8)
    db.session.commit()
    candidates.move(
        candidate, CandidateState.SHORTLISTED, cast["hr"], note=f"{NAME} ran the registry"
    )
    mail.queue("test.to_expert", [EMAIL], f"Hello {NAME}", "Please confirm your availability.")
    mail.queue("test.about", ["req@unmiss.example"], f"{NAME} selected", f"{NAME} (GH) selected.")
    db.session.commit()
    about = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.event == "test.about"))
    about.sent_at = datetime.now(UTC)
    db.session.commit()
    return expert


def cv_file(app, expert: Expert, tmp_path: Path) -> Path:
    """A CV file on disk, stored the way cv.files stores one."""
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    folder = tmp_path / "uploads" / "cv"
    folder.mkdir(parents=True)
    stored = secrets.token_hex(16) + ".pdf"
    path = folder / stored
    path.write_bytes(b"%PDF-1.4 Grace Mensah, curriculum vitae")
    expert.cv_file, expert.cv_filename = stored, "Grace_Mensah_CV.pdf"
    expert.cv_content_type, expert.cv_uploaded_at = "application/pdf", datetime.now(UTC)
    audit.record(
        "expert.cv_uploaded", "expert", expert.id, after={"cv_filename": "Grace_Mensah_CV.pdf"}
    )
    db.session.commit()
    return path


def everything_said_about(expert_id: int) -> str:
    """Every audit event and outbox message, as one text to search for personal data."""
    events = db.session.execute(
        sa.select(AuditEvent.before, AuditEvent.after, AuditEvent.note, AuditEvent.actor_label)
    ).all()
    messages = db.session.execute(
        sa.select(OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.body)
    ).all()
    return json.dumps([list(row) for row in events + messages], default=str)


def erase_form(client, expert_id: int, **data: Any):
    values = {"confirm_name": NAME, "reason": "The expert asked to be removed."}
    values.update(data)
    return submit_form(client, f"/roster/{expert_id}/erase", values)


# Export ----------------------------------------------------------------------------------------


def test_export_holds_the_profile_consent_cv_candidacies_and_history(app, grace, cast, tmp_path):
    cv_file(app, grace, tmp_path)
    data = personal_data_export.export(grace)
    assert json.loads(json.dumps(data)) == data  # JSON through and through
    expert = data["expert"]
    assert (expert["full_name"], expert["email"], expert["phone"]) == (NAME, EMAIL, PHONE)
    assert (expert["birth_year"], expert["external_id"], expert["status"]) == (1980, REF, "active")
    assert expert["title"] == "chief court administrator"
    assert expert["member_state"]["name"] == "Government of GH"
    assert expert["languages"] == [{"code": "en", "level": "C1"}, {"code": "fr", "level": "B2"}]
    assert expert["skills"] == ["legislative drafting", "manage court cases"]
    assert [a["code"] for a in expert["areas"]] == ["justice"]
    assert expert["modalities"] == ["consultant", "government_provided"]
    assert expert["countries_of_experience"] == ["LR", "SS"]
    assert expert["available_from"] == "2027-02-15" and expert["registered_at"]
    assert data["consent"]["text_version"] == "2026-11" and data["consent"]["given_at"]
    assert data["cv_file"]["filename"] == "Grace_Mensah_CV.pdf"
    assert "content" not in data["cv_file"] and "%PDF" not in json.dumps(data)
    [candidacy] = data["candidacies"]
    assert candidacy["request_title"] == "court administration adviser"
    assert candidacy["state"] == "shortlisted" and candidacy["since"]
    actions = [(e["action"], e["by"]) for e in data["history"]]
    assert actions[:2] == [("expert.registered", "Test Member-state focal point")] * 1 + [
        ("expert.updated", "Test Member-state focal point")
    ]
    assert data["history"][1]["changed"] == ["title"]


def test_the_own_focal_point_downloads_the_export(client, grace, cast):
    login(client, cast["fp_gh"].email)
    response = client.get(f"/roster/{grace.id}/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="civcap-expert-{grace.id}.json"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert json.loads(response.get_data(as_text=True))["expert"]["email"] == EMAIL
    exported = audit.history("expert", grace.id)[-1]
    assert (exported.action, exported.actor_id) == ("expert.exported", cast["fp_gh"].id)
    page = client.get(f"/roster/{grace.id}").get_data(as_text=True)
    assert f"/roster/{grace.id}/export.json" in page and f"/roster/{grace.id}/erase" in page


def test_the_admin_finds_any_expert_and_downloads_the_export(client, grace, cast):
    other = make_expert(cast["senegal"], full_name="Awa Ndiaye", email="awa@example.sn")
    other.status = ExpertStatus.WITHDRAWN
    db.session.commit()
    login(client, cast["admin"].email)
    assert "/admin/experts" in client.get("/admin/").get_data(as_text=True)
    for query, found, not_found in [
        ("grace.mensah@", NAME, "Awa Ndiaye"),
        ("ndiaye", "Awa Ndiaye", NAME),
        (f"#{other.id}", "Awa Ndiaye", NAME),
        ("gh-0042", NAME, "Awa Ndiaye"),
    ]:
        page = client.get("/admin/experts", query_string={"q": query}).get_data(as_text=True)
        assert found in page and not_found not in page, query
    assert "No expert matches" in client.get("/admin/experts?q=nobody").get_data(as_text=True)
    assert NAME in client.get(f"/admin/experts/{grace.id}").get_data(as_text=True)
    response = client.get(f"/admin/experts/{other.id}/export.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert json.loads(response.get_data(as_text=True))["expert"]["full_name"] == "Awa Ndiaye"
    assert client.get("/admin/experts/999999/export.json").status_code == 404


@pytest.mark.parametrize(
    ("who", "roster_status", "admin_status"),
    [("fp_sn", 404, 403), ("hr", 403, 403), ("requester", 403, 403), ("admin", 403, 200)],
)
def test_nobody_else_downloads_the_export(client, grace, cast, who, roster_status, admin_status):
    login(client, cast[who].email)
    assert client.get(f"/roster/{grace.id}/export.json").status_code == roster_status
    assert client.get(f"/admin/experts/{grace.id}/export.json").status_code == admin_status
    assert client.get(f"/admin/experts?q={NAME}").status_code == admin_status
    assert client.get(f"/roster/{grace.id}/erase").status_code == roster_status
    assert client.get(f"/admin/experts/{grace.id}").status_code == admin_status
    assert client.post(f"/roster/{grace.id}/erase").status_code in (roster_status, 400)
    db.session.expire_all()
    assert db.session.get(Expert, grace.id).erased_at is None


def test_a_focal_point_cannot_use_the_admin_pages(client, grace, cast):
    login(client, cast["fp_gh"].email)
    assert client.get(f"/admin/experts/{grace.id}").status_code == 403
    token_page = f"/roster/{grace.id}/erase"
    response = submit_form(
        client, token_page, {"confirm_name": NAME, "reason": "x"},
        action=f"/admin/experts/{grace.id}/erase",
    )  # fmt: skip
    assert response.status_code == 403
    assert db.session.get(Expert, grace.id).erased_at is None
    assert client.get("/roster/999999/export.json").status_code == 404


# Erasure ---------------------------------------------------------------------------------------


def test_erasing_removes_every_personal_field_and_the_cv_file(app, client, grace, cast, tmp_path):
    path = cv_file(app, grace, tmp_path)
    expert_id, candidate_ids = grace.id, set(db.session.scalars(sa.select(Candidate.id)))
    worker_index.roster_index().rebuild()
    login(client, cast["fp_gh"].email)
    response = erase_form(client, expert_id)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/roster/{expert_id}")
    db.session.expire_all()
    expert = db.session.get(Expert, expert_id)
    assert expert.full_name == f"Erased expert #{expert_id}"
    assert (expert.email, expert.phone, expert.birth_year, expert.external_id) == (None,) * 4
    assert (expert.summary, expert.title, expert.skills, expert.countries) == ("", "", [], [])
    assert (expert.cv_file, expert.cv_filename, expert.cv_content_type) == (None, None, None)
    assert expert.cv_uploaded_at is None and not path.exists()
    assert expert.consent_given_at is None and expert.consent_version is None
    assert expert.status is ExpertStatus.WITHDRAWN
    assert expert.erased_at is not None and expert.withdrawn_at is not None
    # what figures are made of stays
    assert (expert.nationality, expert.gender, expert.years_experience) == ("GH", "female", 14)
    assert [a.code for a in expert.areas] == ["justice"] and len(expert.languages) == 2
    assert expert.organisation_id == cast["ghana"].id
    # past shortlists stay, pointing at the erased record
    rows = db.session.scalars(sa.select(Candidate)).all()
    assert {c.id for c in rows} == candidate_ids
    assert [(c.expert_id, c.state) for c in rows] == [(expert_id, CandidateState.SHORTLISTED)]
    # who erased, when, why — and nobody's personal data anywhere in the trail or the outbox
    erased = audit.history("expert", expert_id)[-1]
    assert (erased.action, erased.actor_id) == ("expert.erased", cast["fp_gh"].id)
    assert erased.note == "The expert asked to be removed." and erased.at is not None
    said = everything_said_about(expert_id).lower()
    for personal in (NAME, EMAIL, PHONE, REF, "Grace_Mensah_CV", "chief court administrator"):
        assert personal.lower() not in said, personal
    assert "1980" not in said
    # the history keeps each event, its time, who, and which fields it changed
    history = audit.history("expert", expert_id)
    actions = [e.action for e in history]
    assert actions == ["expert.registered", "expert.updated", "expert.cv_uploaded", "expert.erased"]
    assert audit.changed_fields(history[1].before, history[1].after) == ["title"]
    note = db.session.scalar(
        sa.select(AuditEvent.note).where(
            AuditEvent.note.is_not(None), AuditEvent.entity_type == "candidate"
        )
    )
    assert note == "[erased] ran the registry"
    # mail still waiting for the expert is dropped; mail already sent about her is anonymised
    assert [m.event for m in db.session.scalars(sa.select(OutboxMessage))] == ["test.about"]
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.subject == "[erased] selected" and message.recipient == "req@unmiss.example"
    # never suggested again: the index drops the record
    request = rows[0].request
    ranking = worker_index.rank(request)
    assert expert_id not in {s.expert_id for s in ranking.deployable + ranking.near_misses}


def test_the_erasure_page_asks_for_the_name_and_a_reason(client, grace, cast):
    login(client, cast["fp_gh"].email)
    before = expert_service.snapshot(grace)
    response = erase_form(client, grace.id, confirm_name="Grace")
    assert response.status_code == 200
    html = page_text(response)
    assert any(NAME in e for e in field_errors(html, "confirm_name"))
    response = erase_form(client, grace.id, confirm_name="  grace   MENSAH ", reason="  ")
    html = page_text(response)
    assert field_errors(html, "reason") == ["say why the personal data is erased"]
    db.session.expire_all()
    assert expert_service.snapshot(db.session.get(Expert, grace.id)) == before
    assert "expert.erased" not in [e.action for e in audit.history("expert", grace.id)]


def test_erasure_needs_the_csrf_token(client, grace, cast):
    login(client, cast["fp_gh"].email)
    data = {"confirm_name": NAME, "reason": "asked"}
    assert client.post(f"/roster/{grace.id}/erase", data=data).status_code == 400
    assert db.session.get(Expert, grace.id).erased_at is None


def test_another_member_state_cannot_erase(client, grace, cast):
    login(client, cast["fp_sn"].email)
    assert client.get(f"/roster/{grace.id}/erase").status_code == 404
    # a token from the focal point's own page, sent to the other state's expert
    own = make_expert(cast["senegal"], full_name="Awa Ndiaye", nationality="SN")
    response = submit_form(
        client, f"/roster/{own.id}/erase", {"confirm_name": NAME, "reason": "forged"},
        action=f"/roster/{grace.id}/erase",
    )  # fmt: skip
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Expert, grace.id).full_name == NAME


def test_erasing_twice_is_refused(client, grace, cast):
    privacy.erase(grace, cast["admin"], "asked by the expert")
    with pytest.raises(NotAllowed, match="already erased"):
        privacy.erase(grace, cast["admin"], "again")
    login(client, cast["fp_gh"].email)
    response = erase_form(client, grace.id, confirm_name=f"Erased expert #{grace.id}")
    assert response.status_code == 200
    assert "already erased" in page_text(response)
    erasures = [e for e in audit.history("expert", grace.id) if e.action == "expert.erased"]
    assert len(erasures) == 1 and erasures[0].actor_id == cast["admin"].id
    with pytest.raises(ValidationFailed):
        privacy.erase(make_expert(cast["ghana"]), cast["admin"], " ")


def test_the_admin_erases_an_expert_of_any_state(client, grace, cast):
    login(client, cast["admin"].email)
    page = f"/admin/experts/{grace.id}"
    response = submit_form(
        client, page, {"confirm_name": "someone else", "reason": "asked"},
        action=f"{page}/erase",
    )  # fmt: skip
    assert response.status_code == 200
    assert field_errors(page_text(response), "confirm_name")
    response = submit_form(
        client, page, {"confirm_name": NAME, "reason": "request to the DPO"}, action=f"{page}/erase"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Expert, grace.id).full_name == f"Erased expert #{grace.id}"
    erased = audit.history("expert", grace.id)[-1]
    assert (erased.action, erased.actor_id) == ("expert.erased", cast["admin"].id)
    html = client.get(page).get_data(as_text=True)
    assert "erased" in html and 'name="confirm_name"' not in html


def test_erased_experts_still_show_on_hr_pages_and_the_roster(client, grace, cast):
    request_id = db.session.scalar(sa.select(Candidate.request_id))
    privacy.erase(grace, cast["fp_gh"], "asked by the expert")
    label = f"Erased expert #{grace.id}"
    login(client, cast["hr"].email)
    for page in (f"/review/experts/{grace.id}", f"/review/requests/{request_id}/shortlist"):
        response = client.get(page)
        assert response.status_code == 200, page
        html = page_text(response)
        assert label in html and NAME not in html, page
    AuthActions(client).logout()
    login(client, cast["fp_gh"].email)
    html = page_text(client.get("/roster/"))
    assert label in html and "badge withdrawn erased" in html and NAME not in html
    html = page_text(client.get(f"/roster/{grace.id}"))
    assert "was erased on" in html and f"/roster/{grace.id}/erase" not in html
    # and the record can no longer be edited
    response = submit_form(
        client, f"/roster/{grace.id}/edit", expert_form(version=str(grace.version))
    )
    assert "was erased" in page_text(response)
    db.session.expire_all()
    assert db.session.get(Expert, grace.id).full_name == label


# withdrawn_at and the purge --------------------------------------------------------------------


def test_withdrawn_at_follows_the_status_set_through_the_roster_edit(client, cast):
    expert = expert_service.register(expert_data(), cast["ghana"], cast["fp_gh"], "v")
    login(client, cast["fp_gh"].email)
    page = f"/roster/{expert.id}/edit"
    response = submit_form(client, page, expert_form(version="1", status="withdrawn"))
    assert response.status_code == 302
    db.session.expire_all()
    expert = db.session.get(Expert, expert.id)
    assert expert.status is ExpertStatus.WITHDRAWN and expert.withdrawn_at is not None
    withdrawn_at = expert.withdrawn_at
    # saving again while withdrawn keeps the date; a post without a status keeps the status
    submit_form(client, page, expert_form(version=str(expert.version), title="Judge"))
    db.session.expire_all()
    expert = db.session.get(Expert, expert.id)
    assert expert.status is ExpertStatus.WITHDRAWN and expert.withdrawn_at == withdrawn_at
    shown = client.get(f"/roster/{expert.id}").get_data(as_text=True)
    assert "civcap purge erases the personal data after" in shown
    submit_form(client, page, expert_form(version=str(expert.version), status="active"))
    db.session.expire_all()
    expert = db.session.get(Expert, expert.id)
    assert expert.status is ExpertStatus.ACTIVE and expert.withdrawn_at is None
    response = submit_form(client, page, expert_form(version=str(expert.version), status="merged"))
    assert field_errors(page_text(response), "status")
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).status is ExpertStatus.ACTIVE


def withdrawn(cast, name: str, when: datetime) -> int:
    expert = make_expert(cast["ghana"], full_name=name)
    expert.status = ExpertStatus.WITHDRAWN
    db.session.flush()
    expert.withdrawn_at = when
    db.session.commit()
    return expert.id


def test_purge_erases_only_experts_withdrawn_longer_than_the_retention_period(app, cast):
    app.config["RETENTION_DAYS"] = 30
    now = datetime.now(UTC).replace(microsecond=0)
    limit = now - timedelta(days=30)
    old = withdrawn(cast, "Long Gone", limit - timedelta(seconds=1))
    edge = withdrawn(cast, "Exactly At Limit", limit)
    recent = withdrawn(cast, "Recently Left", now - timedelta(days=2))
    active = make_expert(cast["ghana"], full_name="Still Here").id
    assert privacy.due_for_purge(now) == [old]
    assert privacy.purge(now) == [old]
    db.session.expire_all()
    assert db.session.get(Expert, old).full_name == f"Erased expert #{old}"
    for expert_id in (edge, recent, active):
        assert db.session.get(Expert, expert_id).erased_at is None
    erased = audit.history("expert", old)[-1]
    assert (erased.action, erased.actor_id, erased.actor_label) == (
        "expert.erased", None, "civcap purge"
    )  # fmt: skip
    assert privacy.purge(now) == []  # erased once only
    assert privacy.purge(now + timedelta(seconds=1)) == [edge]


def test_civcap_purge_and_its_dry_run(app, runner, cast):
    old = withdrawn(cast, "Long Gone", datetime.now(UTC) - timedelta(days=400))
    withdrawn(cast, "Recently Left", datetime.now(UTC) - timedelta(days=10))
    events = count(AuditEvent)
    result = runner.invoke(cli, ["purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"Would erase 1 expert(s) withdrawn more than 365 days ago: #{old}" in result.output
    assert "Nothing was changed" in result.output
    db.session.expire_all()
    assert db.session.get(Expert, old).erased_at is None and count(AuditEvent) == events
    result = runner.invoke(cli, ["purge"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Erased 1 expert(s) withdrawn more than 365 days ago: #{old}"
    db.session.expire_all()
    assert db.session.get(Expert, old).erased_at is not None
    result = runner.invoke(cli, ["purge"])
    assert "Nothing to purge" in result.output
