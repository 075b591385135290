"""What intake proposes: each value with its evidence, the sentence of the document it came from.

A proposal is a suggestion for a form, never a record: the person sees every value beside its
sentence, corrects what is wrong and submits the form, which validates it as typed input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Proposed(Generic[T]):
    """One proposed value and the sentence of the document that says it ("" when the value is
    read from the document as a whole, e.g. a CV's years from its list of posts)."""

    value: T
    evidence: str = ""


@dataclass(frozen=True)
class LanguageLevel:
    """A language (ISO 639-1) at a CEFR level (A1 … C2)."""

    code: str
    level: str


@dataclass
class RequestProposal:
    """The fields of the request form a terms of reference gives (None / [] where it is silent)."""

    title: Proposed[str] | None = None
    area: Proposed[str] | None = None  # a core-area code (app.models.taxonomy.AREA_LABELS)
    languages: list[Proposed[LanguageLevel]] = field(default_factory=list)  # required
    preferred_languages: list[Proposed[LanguageLevel]] = field(default_factory=list)
    min_years_experience: Proposed[int] | None = None
    start_date: Proposed[date] | None = None
    duration_months: Proposed[int] | None = None
    modality: Proposed[str] | None = None  # a code of app.common.reference.MODALITIES
    mission_country: Proposed[str] | None = None  # ISO 3166-1 alpha-2 of the duty station
    skills: list[Proposed[str]] = field(default_factory=list)  # at most 10, best first


@dataclass
class ProfileProposal:
    """The fields of the expert form a CV gives (None / [] where it is silent)."""

    full_name: Proposed[str] | None = None
    nationality: Proposed[str] | None = None  # ISO 3166-1 alpha-2
    title: Proposed[str] | None = None  # the current post
    languages: list[Proposed[LanguageLevel]] = field(default_factory=list)
    years_experience: Proposed[int] | None = None
    areas: list[Proposed[str]] = field(default_factory=list)  # core-area codes
    countries_of_experience: list[Proposed[str]] = field(default_factory=list)  # ISO alpha-2
    skills: list[Proposed[str]] = field(default_factory=list)  # at most 10, best first


def evidence(proposal: RequestProposal | ProfileProposal) -> dict[str, list[str]]:
    """Each proposed field's evidence, by the proposal's field name: the distinct sentences its
    value (or values) came from, in document order; fields with none are left out."""
    found: dict[str, list[str]] = {}
    for name, value in vars(proposal).items():
        values = value if isinstance(value, list) else [value]
        sentences = [p.evidence for p in values if isinstance(p, Proposed) and p.evidence]
        if sentences:
            found[name] = list(dict.fromkeys(sentences))
    return found
