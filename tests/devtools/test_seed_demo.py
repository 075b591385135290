"""`civcap seed-demo`: demo organisations, one login per role, the demo roster and requests."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.accounts import users
from app.assignments import ending
from app.cli import cli
from app.devtools import demo, demo_deployments
from app.extensions import db
from app.models import (
    AuditEvent,
    Candidate,
    CandidateState,
    Expert,
    ExpertiseRequest,
    Organisation,
    OrganisationKind,
    RequestPublication,
    Role,
    Skill,
    User,
)
from app.outreach import publication
from tests.conftest import count
from tests.pages import page_text

MODELS = (
    Organisation, User, Expert, ExpertiseRequest, Skill, AuditEvent, RequestPublication, Candidate,
)  # fmt: skip


def counts() -> dict[str, int]:
    return {model.__name__: count(model) for model in MODELS}


def experts_of(name: str) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(Expert)
        .join(Organisation)
        .where(Organisation.name == name)
    )
    return int(db.session.scalar(query) or 0)


def test_seed_demo_prints_a_login_per_role_that_logs_in(app, runner, client, auth):
    result = runner.invoke(cli, ["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo roster: 294 created" in result.output
    assert "Demo requests: 24 created" in result.output
    assert "Published 6 open request(s) to every member state." in result.output

    roles = set()
    for role, email, _name, organisation in demo.LOGINS:
        line = next(x for x in result.output.splitlines() if email in x)
        assert role.label in line and demo.DEMO_PASSWORD in line and organisation in line
        user = db.session.scalar(sa.select(User).where(User.email == email))
        assert user.role is role and user.organisation.name == organisation
        if role in (Role.HR_REVIEWER, Role.ADMIN):  # enrolled; the secret on the same line
            [printed] = re.findall(r"\b[A-Z2-7]{32}\b", line)
            assert user.has_second_factor and printed == user.totp_secret
        else:
            assert not user.has_second_factor
        response = auth.login(email, demo.DEMO_PASSWORD)
        assert response.status_code == 302, f"{email} could not log in"
        assert "/login" not in response.headers["Location"]
        auth.logout()
        roles.add(role)
    assert roles == set(Role)

    # The demo focal points see experts of their own member state; requests are split.
    assert experts_of("Government of GH") > 0 and experts_of("Government of SN") > 0
    for mission, country in (("UNMISS", "SS"), ("MINUSCA", "CF")):
        org = db.session.scalar(sa.select(Organisation).where(Organisation.name == mission))
        assert org.kind is OrganisationKind.MISSION and org.country == country
        requests = db.session.scalars(
            sa.select(ExpertiseRequest).where(ExpertiseRequest.organisation_id == org.id)
        ).all()
        assert len(requests) == 12
    # HR has published a few open requests to every member state: focal points have work.
    for state in ("Government of GH", "Government of SN"):
        org = db.session.scalar(sa.select(Organisation).where(Organisation.name == state))
        published = db.session.scalars(publication.requests_published_to(org.id)).all()
        assert len(published) == 2 * demo.PUBLISHED_PER_ORGANISATION
    # The demo covers what the demo should show.
    assert {a.code for e in db.session.scalars(sa.select(Expert)) for a in e.areas} == {
        "security",
        "justice",
        "core_government",
        "political_processes",
        "economic_revitalization",
    }


def test_the_demo_has_a_candidate_recommended_and_one_deployed_ending_soon(
    app, runner, client, auth
):
    result = runner.invoke(cli, ["seed-demo"])
    assert "Demo candidacies: 2 (on DR0033 one recommended" in result.output
    by_request = {c.request.external_id: c for c in db.session.scalars(sa.select(Candidate)).all()}
    recommended, deployed = (
        by_request[demo_deployments.RECOMMENDED_ON],
        by_request[demo_deployments.DEPLOYED_ON],
    )
    assert recommended.state is CandidateState.RECOMMENDED
    assert recommended.expert.organisation.name == "Government of GH"
    assert deployed.state is CandidateState.DEPLOYED
    today = datetime.now(UTC).date()
    assert deployed.ends_on == today + timedelta(days=demo_deployments.ENDS_IN_DAYS)
    # The Ghana focal point finds what their state must provide, and the end in their digest.
    focal = users.by_email("focal.ghana@example.org")
    assert [c.id for c in ending.ending_soon(focal, today)] == [deployed.id]
    auth.login("focal.ghana@example.org", demo.DEMO_PASSWORD)
    page = page_text(client.get("/readiness/"))
    assert recommended.expert.full_name in page and "Release and nomination letter" in page


def test_seed_demo_twice_changes_nothing(app, runner):
    assert runner.invoke(cli, ["seed-demo"]).exit_code == 0
    before = counts()
    result = runner.invoke(cli, ["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo roster: 0 created, 0 updated, 294 unchanged" in result.output
    assert "Demo requests: 0 created, 0 updated, 24 unchanged" in result.output
    assert counts() == before


def test_seed_demo_refuses_to_run_in_production(app, runner):
    app.config["CIVCAP_ENV"] = "production"
    result = runner.invoke(cli, ["seed-demo"])
    assert result.exit_code == 1
    assert "published passwords" in result.stderr
    assert count(User) == 0 and count(Expert) == 0


def test_the_demo_data_ships_with_its_attribution(repo_root):
    notice = (repo_root / "app" / "devtools" / "demo_data" / "NOTICE.md").read_text(
        encoding="utf-8"
    )
    assert (
        "built from the ESCO classification v1.1.1 (occupations, skills, occupation–skill "
        "relations, French occupation descriptions) © European Union, reused under the "
        "Commission's reuse policy"
    ) in notice
