"""The normalised skill vocabulary and the core areas, as the services use them.

A skill is stored under its canonical name: ``normalise_skill`` (case, spacing), then the known
synonyms of ``data/skill_synonyms.tsv`` ("SSR" is "security sector reform", "demobilization" is
"demobilisation"), so that the roster and the requests speak one vocabulary. Skills stored before
a synonym was listed keep their name; only what is stored from then on is mapped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import sqlalchemy as sa

from app.common.queries import escape_like
from app.extensions import db
from app.models import CoreArea, Skill
from app.models.expert import expert_skills
from app.models.request import request_skills
from app.models.taxonomy import normalise_skill

SKILL_NAME_MAX = 200  # the column's size (models.taxonomy.Skill.name)
_WORD = re.compile(r"\w+(?:-\w+)*")


@dataclass(frozen=True)
class Synonyms:
    names: dict[str, str]  # a whole skill name -> its canonical name
    words: dict[str, str]  # a word anywhere in a name -> its canonical words


@cache
def synonyms() -> Synonyms:
    """The shipped synonym list, read once per process."""
    text = resources.files("app").joinpath("data/skill_synonyms.tsv").read_text(encoding="utf-8")
    names: dict[str, str] = {}
    words: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        variant, canonical, *scope = (part.strip() for part in line.split("\t"))
        if scope not in ([], ["word"]) or not variant or not canonical:
            raise ValueError(f"skill_synonyms.tsv line {number}: {line!r}")
        target = words if scope else names
        target[normalise_skill(variant)] = normalise_skill(canonical)
    return Synonyms(names, words)


def canonical_skill(name: str) -> str:
    """The name a skill is stored under: normalised, with known synonyms replaced."""
    known = synonyms()
    text = normalise_skill(name)
    if text in known.names:
        return known.names[text]

    def replace(match: re.Match[str]) -> str:
        word = match.group()
        if word in known.words:
            return known.words[word]
        # "peace-keeping" is one word in the list; "ssr-related" is "ssr" and "related".
        return "-".join(known.words.get(part, part) for part in word.split("-"))

    text = _WORD.sub(replace, text)
    text = known.names.get(text, text)
    # A long name whose abbreviations would not fit the column stays as it was typed.
    return text if len(text) <= SKILL_NAME_MAX else normalise_skill(name)


def suggest(typed: str, limit: int = 10) -> list[str]:
    """Known skill names containing ``typed``, for completing a skill while it is typed.

    Names starting with it come first, then those with a word starting with it, then the rest;
    within each, the most used (by experts and requests) first. A known synonym ("SSR") puts its
    canonical name on top. Fewer than two characters suggest nothing.
    """
    text = normalise_skill(typed)
    if len(text) < 2:
        return []
    escaped = escape_like(text)
    place = sa.case(
        (Skill.name.like(f"{escaped}%", escape="\\"), 0),
        (Skill.name.like(f"% {escaped}%", escape="\\"), 1),
        else_=2,
    )
    # Counted per matching skill through the skill_id indexes, never over the whole roster.
    used_by_experts = (
        sa.select(sa.func.count())
        .where(expert_skills.c.skill_id == Skill.id)
        .correlate(Skill)
        .scalar_subquery()
    )
    used_by_requests = (
        sa.select(sa.func.count())
        .where(request_skills.c.skill_id == Skill.id)
        .correlate(Skill)
        .scalar_subquery()
    )
    query = (
        sa.select(Skill.name)
        .where(Skill.name.like(f"%{escaped}%", escape="\\"))
        .order_by(place, (used_by_experts + used_by_requests).desc(), Skill.name)
        .limit(limit)
    )
    names = list(db.session.scalars(query))
    known = synonyms()
    canonical = known.names.get(text) or known.words.get(text)
    if canonical:
        names = [canonical, *(n for n in names if n != canonical)][:limit]
    return names


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
        wanted = list(dict.fromkeys(n for n in (canonical_skill(x) for x in names) if n))
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
