"""Vocabularies kept in the database: core areas and the normalised skill vocabulary."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

_SPACES = re.compile(r"\s+")


def normalise_skill(name: str) -> str:
    """The vocabulary form of a skill name: trimmed, single-spaced, lower case."""
    return _SPACES.sub(" ", name).strip().lower()


class CoreArea(db.Model):
    """A core area of civilian capacity (security, justice, core government, political processes,
    economic revitalization). Seeded by the initial migration."""

    __tablename__ = "core_areas"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)


class Skill(db.Model):
    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
