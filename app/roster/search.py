"""Finding experts by the filters people use on the roster lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.common.queries import InSubquery, like_pattern
from app.common.reference import levels_at_least
from app.models import Expert, ExpertLanguage, Skill
from app.models.expert import expert_areas, expert_skills


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
        pattern = like_pattern(filters.text.strip())
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
                InSubquery(Expert.id, skill_match),
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
                    ExpertLanguage.level.in_(levels_at_least(filters.min_level)),
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
