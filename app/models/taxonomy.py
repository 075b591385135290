"""Vocabularies kept in the database: core areas and the normalised skill vocabulary."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._types import contains_index

_SPACES = re.compile(r"\s+")


# The seeded core areas (migration 0001) in the reader's language; an area added later shows its
# stored name until the catalogues name it.
AREA_LABELS = {
    "security": _l("Security"),
    "justice": _l("Justice and corrections"),
    "core_government": _l("Core government functions"),
    "political_processes": _l("Political processes"),
    "economic_revitalization": _l("Economic revitalization"),
}


def area_label(code: str | None, name: str | None = None) -> str:
    """A core area's name in the reader's language (its stored name, else the code, if unknown)."""
    if not code:
        return ""
    label = AREA_LABELS.get(code)
    return str(label) if label is not None else (name or code)


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

    @property
    def label(self) -> str:
        return area_label(self.code, self.name)


class Skill(db.Model):
    __tablename__ = "skills"
    __table_args__ = (contains_index("skills", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
