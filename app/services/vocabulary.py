"""The normalised skill vocabulary and the core areas, as the services use them."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from app.extensions import db
from app.models import CoreArea, Skill
from app.models.taxonomy import normalise_skill


def core_areas() -> list[CoreArea]:
    return list(db.session.scalars(sa.select(CoreArea).order_by(CoreArea.position)))


def core_area_codes() -> set[str]:
    return set(db.session.scalars(sa.select(CoreArea.code)))


class SkillVocabulary:
    """Finds or creates skills by their normalised name, caching what it has seen.

    One vocabulary serves a whole import, so 1,600 experts with 15 skills each cost a single
    query for the skills that already exist.
    """

    def __init__(self, preload: bool = False) -> None:
        self._by_name: dict[str, Skill] = {}
        if preload:
            self._by_name = {s.name: s for s in db.session.scalars(sa.select(Skill))}
        self._complete = preload

    def skills(self, names: Iterable[str]) -> list[Skill]:
        wanted = list(dict.fromkeys(n for n in (normalise_skill(x) for x in names) if n))
        missing = [n for n in wanted if n not in self._by_name]
        if missing and not self._complete:
            # No autoflush: a half-applied record must not be written (and versioned) early.
            with db.session.no_autoflush:
                found = db.session.scalars(sa.select(Skill).where(Skill.name.in_(missing)))
                self._by_name.update((skill.name, skill) for skill in found)
        for name in wanted:
            if name not in self._by_name:
                skill = Skill(name=name)
                db.session.add(skill)
                self._by_name[name] = skill
        return [self._by_name[n] for n in wanted]
