"""Finding experts and requests by the filters people use on the list pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.models import Expert, ExpertiseRequest, ExpertLanguage, RequestLanguage, Skill
from app.models.expert import expert_areas, expert_skills
from app.reference import CEFR_LEVELS, cefr_rank


def _levels_at_least(level: str | None) -> list[str]:
    if not level:
        return list(CEFR_LEVELS)
    return list(CEFR_LEVELS[cefr_rank(level) :])


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass
class ExpertFilters:
    text: str = ""
    area: str = ""
    language: str = ""
    min_level: str = ""
    available_on: date | None = None
    status: str = ""
    nationality: str = ""
    organisation_id: int | None = None


def experts(filters: ExpertFilters) -> sa.Select[tuple[Expert]]:
    """A query for the experts matching every given filter, newest change first."""
    query = sa.select(Expert)
    if filters.organisation_id is not None:
        query = query.where(Expert.organisation_id == filters.organisation_id)
    if filters.text.strip():
        pattern = _like(filters.text.strip())
        skill_match = (
            sa.select(expert_skills.c.expert_id)
            .join(Skill, Skill.id == expert_skills.c.skill_id)
            .where(Skill.name.ilike(pattern, escape="\\"))
        )
        query = query.where(
            sa.or_(
                Expert.full_name.ilike(pattern, escape="\\"),
                Expert.title.ilike(pattern, escape="\\"),
                Expert.external_id.ilike(pattern, escape="\\"),
                Expert.id.in_(skill_match),
            )
        )
    if filters.area:
        query = query.where(
            Expert.id.in_(
                sa.select(expert_areas.c.expert_id).where(expert_areas.c.area_code == filters.area)
            )
        )
    if filters.language:
        query = query.where(
            Expert.id.in_(
                sa.select(ExpertLanguage.expert_id).where(
                    ExpertLanguage.code == filters.language,
                    ExpertLanguage.level.in_(_levels_at_least(filters.min_level)),
                )
            )
        )
    if filters.available_on is not None:
        query = query.where(
            Expert.available_from <= filters.available_on,
            sa.or_(
                Expert.available_until.is_(None), Expert.available_until >= filters.available_on
            ),
        )
    if filters.status:
        query = query.where(Expert.status == filters.status)
    if filters.nationality:
        query = query.where(Expert.nationality == filters.nationality)
    return query.order_by(Expert.updated_at.desc(), Expert.id.desc())


@dataclass
class RequestFilters:
    text: str = ""
    area: str = ""
    language: str = ""
    status: str = ""
    organisation_id: int | None = None
    exclude_drafts: bool = False


def requests(filters: RequestFilters) -> sa.Select[tuple[ExpertiseRequest]]:
    query = sa.select(ExpertiseRequest)
    if filters.organisation_id is not None:
        query = query.where(ExpertiseRequest.organisation_id == filters.organisation_id)
    if filters.exclude_drafts:
        query = query.where(ExpertiseRequest.status != "draft")
    if filters.text.strip():
        pattern = _like(filters.text.strip())
        query = query.where(
            sa.or_(
                ExpertiseRequest.title.ilike(pattern, escape="\\"),
                ExpertiseRequest.terms_of_reference.ilike(pattern, escape="\\"),
                ExpertiseRequest.external_id.ilike(pattern, escape="\\"),
            )
        )
    if filters.area:
        query = query.where(ExpertiseRequest.area_code == filters.area)
    if filters.language:
        query = query.where(
            ExpertiseRequest.id.in_(
                sa.select(RequestLanguage.request_id).where(
                    RequestLanguage.code == filters.language
                )
            )
        )
    if filters.status:
        query = query.where(ExpertiseRequest.status == filters.status)
    return query.order_by(ExpertiseRequest.updated_at.desc(), ExpertiseRequest.id.desc())
