"""Importing experts and requests from JSON Lines: `civcap import-experts` / `import-requests`."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import imports as importing
from app.cli import cli
from app.extensions import db
from app.models import (
    AuditEvent,
    Expert,
    ExpertiseRequest,
    ExpertStatus,
    Organisation,
    OrganisationKind,
    RequestStatus,
    Skill,
)
from tests.conftest import count
from tests.factories import make_organisation


def expert_line(**overrides):
    line = {
        "external_id": "DX00908",
        "full_name": "Grace Mensah",
        "gender": "female",
        "nationality": "GH",
        "nominated_by": "Government of GH",
        "title": "court administrator",
        "summary": "Court administrator with 14 years of professional experience.",
        "skills": ["  Manage   Court Cases ", "legislative drafting"],
        "areas": ["justice"],
        "languages": [{"code": "en", "level": "C1"}, {"code": "fr", "level": "B2"}],
        "years_experience": 14,
        "available_from": "2027-02-15",
        "available_until": "2028-01-31",
        "modalities": ["government_provided", "consultant"],
        "countries_of_experience": ["LR", "SS"],
    }
    line.update(overrides)
    return {k: v for k, v in line.items() if v is not ...}


def request_line(**overrides):
    line = {
        "external_id": "DR0001",
        "title": "chief inspector",
        "mission_country": "IQ",
        "terms_of_reference": "Police inspectors coordinate and supervise a division.",
        "area": "security",
        "required_skills": ["Handle case evidence"],
        "languages": [{"code": "en", "min_level": "B2"}],
        "min_years_experience": 7,
        "start_date": "2027-03-04",
        "duration_months": 6,
        "modality": "government_provided",
        "positions": 1,
    }
    line.update(overrides)
    return {k: v for k, v in line.items() if v is not ...}


def write_jsonl(path: Path, *lines: dict | str) -> Path:
    text = [line if isinstance(line, str) else json.dumps(line) for line in lines]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


def invoke(runner, *args: str):
    return runner.invoke(cli, list(args))


def counts() -> dict[str, int]:
    models = (Expert, ExpertiseRequest, Organisation, Skill, AuditEvent)
    return {model.__name__: count(model) for model in models}


def expert(external_id: str) -> Expert:
    found = db.session.scalar(sa.select(Expert).where(Expert.external_id == external_id))
    assert found is not None
    return found


def utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes, stored in UTC; PostgreSQL aware ones.
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


# ---- experts ---------------------------------------------------------------------------------


def test_a_good_file_imports_every_field(app, runner, tmp_path):
    consent = {"version": "2025-01", "given_at": "2026-10-01T09:30:00+02:00"}
    path = write_jsonl(
        tmp_path / "roster.jsonl",
        expert_line(),
        "",  # blank lines are skipped
        expert_line(
            external_id="DX00001",
            full_name="Awa Ndiaye",
            nationality="SN",
            nominated_by="Government of SN",
            areas=[],
            email="Awa.Ndiaye@Example.org",
            phone="+221 33 000 00 00",
            birth_year=1980,
            status="unavailable",
            consent=consent,
            availability_confirmed_at="2026-11-01T08:00:00",
        ),
    )
    result = invoke(runner, "import-experts", str(path))
    assert result.exit_code == 0, result.output
    assert "Imported roster.jsonl: 2 created, 0 updated, 0 unchanged" in result.output
    assert "New organisations: Government of GH, Government of SN" in result.output

    grace = expert("DX00908")
    assert grace.full_name == "Grace Mensah" and grace.title == "court administrator"
    assert grace.gender == "female" and grace.nationality == "GH"
    assert [s.name for s in grace.skills] == ["legislative drafting", "manage court cases"]
    assert [a.code for a in grace.areas] == ["justice"]
    assert {lang.code: lang.level for lang in grace.languages} == {"en": "C1", "fr": "B2"}
    assert sorted(m.modality for m in grace.modalities) == ["consultant", "government_provided"]
    assert [c.country for c in grace.countries] == ["LR", "SS"]
    assert grace.years_experience == 14
    assert grace.available_from == date(2027, 2, 15)
    assert grace.available_until == date(2028, 1, 31)
    assert grace.status is ExpertStatus.ACTIVE
    # No consent on the line: the member state attests it, now, for the current consent text.
    assert grace.consent_version == app.config["CONSENT_VERSION"]
    assert datetime.now(UTC) - utc(grace.consent_given_at) < timedelta(minutes=5)

    ghana = grace.organisation
    assert ghana.name == "Government of GH" and ghana.kind is OrganisationKind.MEMBER_STATE
    assert ghana.country == "GH" and ghana.region == "Western Africa" and ghana.global_south

    awa = expert("DX00001")
    assert awa.organisation.name == "Government of SN" and awa.organisation.country == "SN"
    assert awa.areas == []
    assert awa.email == "awa.ndiaye@example.org" and awa.phone == "+221 33 000 00 00"
    assert awa.birth_year == 1980 and awa.status is ExpertStatus.UNAVAILABLE
    assert awa.consent_version == "2025-01"
    db.session.expire_all()  # as stored: in UTC, whatever the offset on the line
    assert utc(awa.consent_given_at) == datetime(2026, 10, 1, 7, 30, tzinfo=UTC)
    assert utc(awa.availability_confirmed_at) == datetime(2026, 11, 1, 8, 0, tzinfo=UTC)

    registered = events("expert.registered")
    assert len(registered) == 2
    assert {e.entity_id for e in registered} == {grace.id, awa.id}
    assert all(e.actor_id is None for e in registered)
    assert all(e.actor_label == "import-experts roster.jsonl" for e in registered)
    assert registered[0].after["title"] in {"court administrator"}


def test_a_lapsed_availability_imports_but_a_reversed_future_window_does_not(app):
    # The dev roster holds availabilities that ended before they started: lapsed, not typos.
    lapsed = expert_line(available_from="2027-05-19", available_until="2026-10-01")
    importing.import_experts([json.dumps(lapsed)])
    assert expert("DX00908").available_until == date(2026, 10, 1)

    future = date.today() + timedelta(days=400)
    reversed_window = expert_line(
        external_id="DX2",
        available_from=(future + timedelta(days=30)).isoformat(),
        available_until=future.isoformat(),
    )
    with pytest.raises(importing.ImportFailed) as failed:
        importing.import_experts([json.dumps(reversed_window)])
    assert [str(e) for e in failed.value.errors] == [
        "line 1: available_until: must not be before available_from"
    ]


BAD_LINES = {
    "bad JSON": ('{"external_id": "DX2", "full_name": ', "line 2: not valid JSON ("),
    "not an object": ("[1, 2, 3]", "line 2: must be a JSON object"),
    "bad CEFR level": (
        expert_line(
            external_id="DX2",
            languages=[{"code": "en", "level": "C1"}, {"code": "fr", "level": "D1"}],
        ),
        "line 2: languages[1].level: 'D1' is not a CEFR level (A1, A2, B1, B2, C1, C2)",
    ),
    "missing title": (expert_line(external_id="DX2", title=...), "line 2: title: is required"),
    "unknown area": (
        expert_line(external_id="DX2", areas=["justice", "police"]),
        "line 2: areas[1]: 'police' is not a core area",
    ),
    "until before from": (
        expert_line(external_id="DX2", available_from="2099-06-01", available_until="2099-01-01"),
        "line 2: available_until: must not be before available_from",
    ),
    "duplicate external id": (
        expert_line(full_name="Someone Else"),
        "line 2: external_id: DX00908 appears twice in this file (also line 1)",
    ),
    "unknown field": (expert_line(external_id="DX2", foo=1), "line 2: unknown field 'foo'"),
    "not a whole number": (
        expert_line(external_id="DX2", years_experience="ten"),
        "line 2: years_experience: must be a whole number",
    ),
    "not a date": (
        expert_line(external_id="DX2", available_from="15/02/2027"),
        "line 2: available_from: '15/02/2027' is not an ISO 8601 date",
    ),
    "missing external id": (
        expert_line(external_id=...),
        "line 2: external_id: is required",
    ),
    "nominated by a mission": (
        expert_line(external_id="DX2", nominated_by="UNMISS"),
        "line 2: nominated_by: 'UNMISS' is a mission, not a member state",
    ),
    # Only found while writing, after the first organisation was added: still nothing is kept.
    "member state of an unknown country": (
        expert_line(external_id="DX2", nominated_by="Government of XX"),
        "line 2: nominated_by: cannot add 'Government of XX': country: 'XX' is not an ISO 3166-1",
    ),
}


@pytest.mark.parametrize("case", list(BAD_LINES))
def test_a_bad_line_is_reported_and_nothing_of_the_file_is_kept(app, runner, tmp_path, case):
    make_organisation(OrganisationKind.MISSION, name="UNMISS", country="SS")
    bad_line, message = BAD_LINES[case]
    path = write_jsonl(tmp_path / "roster.jsonl", expert_line(), bad_line)
    before = counts()

    result = invoke(runner, "import-experts", str(path))

    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.strip().endswith(f"nothing was imported: 1 problem in {path}")
    assert counts() == before


def test_every_problem_of_every_line_is_reported(app, tmp_path):
    lines = [
        json.dumps(expert_line(title="", languages=[{"code": "xx", "level": "C1"}])),
        "not json",
        json.dumps(expert_line(external_id="DX2", modalities=["volunteer"], nationality="ZZ")),
    ]
    with pytest.raises(importing.ImportFailed) as failed:
        importing.import_experts(lines)
    assert [str(e) for e in failed.value.errors] == [
        "line 1: title: is required",
        "line 1: languages[0].code: 'xx' is not an ISO 639-1 language code",
        "line 2: not valid JSON (Expecting value at column 1)",
        "line 3: nationality: 'ZZ' is not an ISO 3166-1 alpha-2 country code",
        "line 3: modalities[0]: 'volunteer' is not one of "
        "government_provided, consultant, staff, un_volunteer",
    ]
    assert count(Expert) == 0 and count(Organisation) == 0


def test_reimporting_updates_in_place_and_leaves_unchanged_records_alone(app, runner, tmp_path):
    path = write_jsonl(tmp_path / "roster.jsonl", expert_line(), expert_line(external_id="DX2"))
    assert invoke(runner, "import-experts", str(path)).exit_code == 0
    grace = expert("DX00908")
    grace_id, version = grace.id, grace.version
    before = counts()

    # The same file again: nothing changes, not even the audit trail.
    result = invoke(runner, "import-experts", str(path))
    assert "0 created, 0 updated, 2 unchanged" in result.output
    assert counts() == before
    assert expert("DX00908").version == version

    path = write_jsonl(
        tmp_path / "roster.jsonl",
        expert_line(title="senior court administrator", languages=[{"code": "en", "level": "C2"}]),
        expert_line(external_id="DX2"),
    )
    result = invoke(runner, "import-experts", str(path))
    assert result.exit_code == 0, result.output
    assert "0 created, 1 updated, 1 unchanged" in result.output
    assert count(Expert) == 2
    db.session.expire_all()
    grace = expert("DX00908")
    assert grace.id == grace_id
    assert grace.title == "senior court administrator"
    assert {lang.code: lang.level for lang in grace.languages} == {"en": "C2"}
    [updated] = events("expert.updated")
    assert updated.entity_id == grace_id and updated.actor_label == "import-experts roster.jsonl"
    assert updated.before["title"] == "court administrator"
    assert updated.after["title"] == "senior court administrator"
    assert count(AuditEvent) == before["AuditEvent"] + 1


def test_reimport_keeps_the_status_unless_the_line_gives_one(app):
    importing.import_experts([json.dumps(expert_line())])
    grace = expert("DX00908")
    grace.status = ExpertStatus.WITHDRAWN
    db.session.commit()

    importing.import_experts([json.dumps(expert_line(summary="Updated summary."))])
    assert expert("DX00908").status is ExpertStatus.WITHDRAWN

    importing.import_experts([json.dumps(expert_line(status="active"))])
    assert expert("DX00908").status is ExpertStatus.ACTIVE


def test_the_service_reads_lines_and_reports_progress(app):
    lines = [json.dumps(expert_line(external_id=f"DX{i}")) for i in range(260)]
    done: list[int] = []
    summary = importing.import_experts(lines, actor_label="test", progress=done.append)
    assert summary.created == 260 and summary.organisations_created == ["Government of GH"]
    assert sum(done) == 260 and len(done) == 2
    assert count(Expert) == 260 and count(AuditEvent) == 260


# ---- requests --------------------------------------------------------------------------------


def test_requests_import_for_the_named_organisation(app, runner, tmp_path):
    french = request_line(
        external_id="DR0002",
        title="commissaire divisionnaire de police",
        terms_of_reference="Les commissaires divisionnaires coordonnent une division.",
        required_skills=[],
        languages=[{"code": "fr", "min_level": "B2"}],
        duty_station="Bangui",
        status="submitted",
    )
    path = write_jsonl(tmp_path / "requests.jsonl", request_line(), french)

    result = invoke(runner, "import-requests", str(path), "--organisation", "UNAMI")
    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated, 0 unchanged" in result.output

    unami = db.session.scalar(sa.select(Organisation).where(Organisation.name == "UNAMI"))
    assert unami.kind is OrganisationKind.MISSION and unami.country == "IQ"
    first, second = db.session.scalars(
        sa.select(ExpertiseRequest).order_by(ExpertiseRequest.external_id)
    )
    assert first.organisation == unami and second.organisation == unami
    assert first.status is RequestStatus.OPEN and first.submitted_at is not None
    assert first.country == "IQ" and first.area_code == "security"
    assert [s.name for s in first.skills] == ["handle case evidence"]
    assert {lang.code: lang.min_level for lang in first.languages} == {"en": "B2"}
    assert first.min_years_experience == 7 and first.duration_months == 6
    assert first.start_date == date(2027, 3, 4) and first.created_by is None
    assert second.status is RequestStatus.SUBMITTED and second.skills == []
    assert second.duty_station == "Bangui"
    assert len(events("request.created")) == 2

    # Again, with one change: updated in place.
    path = write_jsonl(path, request_line(min_years_experience=10), french)
    result = invoke(runner, "import-requests", str(path), "--organisation", "UNAMI")
    assert "0 created, 1 updated, 1 unchanged" in result.output
    assert count(ExpertiseRequest) == 2
    db.session.expire_all()
    assert first.min_years_experience == 10
    assert len(events("request.updated")) == 1


def test_requests_name_their_organisation_or_get_one(app, runner, tmp_path):
    make_organisation(OrganisationKind.MEMBER_STATE, name="Government of GH", country="GH")
    path = write_jsonl(
        tmp_path / "requests.jsonl",
        request_line(requesting_organisation="Department of Peace Operations"),
        request_line(external_id="DR2"),
        request_line(external_id="DR3", requesting_organisation="Government of GH"),
    )
    before = counts()
    result = invoke(runner, "import-requests", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "line 2: requesting_organisation: is required when no organisation is given for the "
        "whole file",
        "line 3: requesting_organisation: 'Government of GH' is a member state, "
        "not a mission or an HQ department",
        f"nothing was imported: 2 problems in {path}",
    ]
    assert counts() == before

    path = write_jsonl(
        path,
        request_line(requesting_organisation="Department of Peace Operations"),
        request_line(external_id="DR2"),
    )
    result = invoke(
        runner, "import-requests", str(path), "--organisation", "UNMISS", "--kind", "hq_department"
    )
    assert result.exit_code == 0, result.output
    assert "New organisations: Department of Peace Operations, UNMISS" in result.output
    dpo = db.session.scalar(
        sa.select(Organisation).where(Organisation.name == "Department of Peace Operations")
    )
    assert dpo.kind is OrganisationKind.HQ_DEPARTMENT and dpo.country is None


def test_request_problems_name_the_file_fields(app):
    lines = [
        json.dumps(request_line(mission_country="XX", area="police", duration_months=0)),
        json.dumps(request_line(external_id="DR2", languages=[{"code": "en", "level": "B2"}])),
    ]
    with pytest.raises(importing.ImportFailed) as failed:
        importing.import_requests(lines, organisation="UNMISS")
    assert [str(e) for e in failed.value.errors] == [
        "line 1: area: 'police' is not a core area (core_government, economic_revitalization, "
        "justice, political_processes, security)",
        "line 1: duration_months: must be between 1 and 60 (got 0)",
        "line 1: mission_country: 'XX' is not an ISO 3166-1 alpha-2 country code",
        "line 2: languages[0]: unknown field 'level'",
        "line 2: languages[0].min_level: is required",
    ]


# ---- the whole development roster ------------------------------------------------------------


def test_the_whole_dev_roster_imports(app, repo_root):
    dev = repo_root.parent / "shared" / "eval" / "dev"
    if not (dev / "experts.jsonl").exists():
        message = f"the development split is not at {dev}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)

    started = time.perf_counter()
    summary = importing.import_experts(dev / "experts.jsonl")
    elapsed = time.perf_counter() - started

    assert summary.created == 1608 and count(Expert) == 1608
    assert count(AuditEvent) == 1608
    assert elapsed < 60, f"importing the dev roster took {elapsed:.1f}s"
    with open(dev / "experts.jsonl", encoding="utf-8") as handle:
        line = next(json.loads(x) for x in handle if '"DX00908"' in x)
    marie = expert("DX00908")
    assert marie.full_name == line["full_name"] == "Marie de Vries"
    assert marie.organisation.name == line["nominated_by"]
    assert marie.title == line["title"] and marie.years_experience == line["years_experience"]
    assert sorted(s.name for s in marie.skills) == sorted(line["skills"])
    assert {x.code: x.level for x in marie.languages} == {
        x["code"]: x["level"] for x in line["languages"]
    }
    assert marie.available_from.isoformat() == line["available_from"]


def test_a_nul_character_is_a_line_error_not_a_crash(app):
    line = json.dumps(expert_line(title="court\u0000administrator"))
    with pytest.raises(importing.ImportFailed) as failed:
        importing.import_experts([line])
    assert [str(e) for e in failed.value.errors] == [
        "line 1: title: contains a NUL character (\\x00); remove it"
    ]


def test_a_request_line_may_give_preferred_languages(app):
    line = request_line(external_id="DR3", preferred_languages=[{"code": "ar", "min_level": "B2"}])
    importing.import_requests([json.dumps(line)], organisation="UNMISS")
    saved = db.session.scalar(sa.select(ExpertiseRequest).filter_by(external_id="DR3"))
    assert [(p.code, p.level) for p in saved.preferred_languages] == [("ar", "B2")]

    both = request_line(external_id="DR4", preferred_languages=[{"code": "en", "min_level": "C1"}])
    with pytest.raises(importing.ImportFailed) as failed:
        importing.import_requests([json.dumps(both)], organisation="UNMISS")
    assert "preferred_languages[0].code: is already a required language" in str(
        failed.value.errors[0]
    )
