"""Test data made through the same services the app uses."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from app.accounts import organisations
from app.assignments.evaluation import COMPETENCIES, Said
from app.common.vocabulary import SkillVocabulary, core_areas
from app.extensions import db
from app.models import (
    Candidate,
    Expert,
    ExpertiseRequest,
    Organisation,
    OrganisationKind,
    ReadinessItem,
    ReadinessStatus,
    RequestStatus,
    Role,
    User,
)
from app.models._types import utcnow
from app.requests import drafting as request_service
from app.requests.drafting import RequestData
from app.roster import experts as expert_service
from app.roster.experts import ExpertData
from tests.conftest import PASSWORD, TOTP_SECRET

_seq = count(1)
_PASSWORD_HASH: list[str] = []


def _password_hash() -> str:
    """scrypt is slow on purpose; hash the shared test password once per run."""
    if not _PASSWORD_HASH:
        _PASSWORD_HASH.append(generate_password_hash(PASSWORD))
    return _PASSWORD_HASH[0]


def make_organisation(
    kind: OrganisationKind = OrganisationKind.MEMBER_STATE,
    name: str | None = None,
    country: str | None = "GH",
) -> Organisation:
    org = organisations.new_organisation(
        name or f"{kind.label} {next(_seq)}",
        kind,
        country if kind is OrganisationKind.MEMBER_STATE else country,
    )
    db.session.commit()
    return org


def make_user(
    role: Role, organisation: Organisation, email: str | None = None, active: bool = True
) -> User:
    user = User(
        email=email or f"user{next(_seq)}@example.org",
        full_name=f"Test {role.label}",
        role=role,
        organisation=organisation,
        active=active,
    )
    user.password_hash = _password_hash()
    if role in (Role.HR_REVIEWER, Role.ADMIN):  # their logins need a second factor
        user.totp_secret, user.totp_enrolled_at = TOTP_SECRET, utcnow()
    db.session.add(user)
    db.session.commit()
    return user


def expert_data(**overrides: Any) -> ExpertData:
    values: dict[str, Any] = {
        "full_name": "Grace Mensah",
        "nationality": "GH",
        "title": "court administrator",
        "summary": "Court administrator with 14 years of professional experience.",
        "email": None,
        "gender": "female",
        "skills": ["manage court cases", "legislative drafting"],
        "areas": ["justice"],
        "languages": [("en", "C1"), ("fr", "B2")],
        "years_experience": 14,
        "available_from": date(2027, 2, 15),
        "available_until": date(2028, 1, 31),
        "modalities": ["government_provided", "consultant"],
        "countries_of_experience": ["LR", "SS"],
        "consent": True,
    }
    values.update(overrides)
    return ExpertData(**values)


def make_expert(organisation: Organisation, **overrides: Any) -> Expert:
    expert = Expert(organisation=organisation)
    expert_service.apply(
        expert,
        expert_data(**overrides),
        SkillVocabulary(),
        {a.code: a for a in core_areas()},
        "test",
    )
    db.session.add(expert)
    db.session.commit()
    return expert


def request_data(**overrides: Any) -> RequestData:
    values: dict[str, Any] = {
        "title": "chief inspector",
        "area": "security",
        "terms_of_reference": "Police inspectors coordinate and supervise a division.",
        "skills": ["handle case evidence"],
        "languages": [("en", "B2")],
        "min_years_experience": 7,
        "start_date": date(2027, 3, 4),
        "duration_months": 6,
        "modality": "government_provided",
        "country": "IQ",
        "duty_station": "Baghdad",
        "positions": 1,
    }
    values.update(overrides)
    return RequestData(**values)


def make_request(
    organisation: Organisation,
    status: RequestStatus = RequestStatus.DRAFT,
    created_by: User | None = None,
    **overrides: Any,
) -> ExpertiseRequest:
    request = ExpertiseRequest(organisation=organisation, created_by=created_by, status=status)
    request_service.apply(request, request_data(**overrides), SkillVocabulary())
    db.session.add(request)
    db.session.commit()
    return request


def make_ready(candidate: Candidate) -> None:
    """Every readiness item of ``candidate`` done and valid long enough (for the tests about
    other things than readiness, which move candidates to selected and deployed)."""
    from app.readiness.checklist import kinds_for

    have = {item.code for item in db.session.scalars(
        sa.select(ReadinessItem).where(ReadinessItem.candidate_id == candidate.id)
    )}  # fmt: skip
    for kind in kinds_for(candidate.request):
        if kind.code not in have:
            db.session.add(
                ReadinessItem(
                    candidate_id=candidate.id,
                    code=kind.code,
                    status=ReadinessStatus.DONE,
                    done_on=date(2026, 1, 5),
                    valid_until=date(2099, 12, 31),
                )  # fmt: skip
            )
    db.session.commit()


def rated(rating: int = 4, comment: str | None = "Steady under pressure.") -> Said:
    """An evaluation of a completed assignment: every competency rated ``rating``."""
    return Said({c.code: rating for c in COMPETENCIES}, comment)
