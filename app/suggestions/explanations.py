"""A saved suggestion's explanation, in the reader's language.

The matcher gives its reasons as figures (``matching.Facts``); a suggestion run keeps them in each
entry's ``explanation["facts"]``. This module turns them into sentences for the page's reader,
with the names of languages, core areas and modalities rather than their codes. Runs saved before
the figures were kept have English sentences only: those are shown as they were written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.common.i18n import day, listed
from app.common.reference import MODALITIES, capitalised, language_name
from app.models.taxonomy import area_label
from matching import (
    POSSIBLE,
    STRONG,
    WEAK,
    Facts,
    LanguageFit,
    PastDeployment,
    Relevance,
    Shortfall,
)

# The matcher's signals (``matching.SIGNALS``) as the page names them.
SIGNAL_LABELS = {
    "text": _l("words"),
    "meaning": _l("meaning"),
    "skills": _l("skills"),
    "area": _l("core area"),
    "seniority": _l("experience"),
    "modality": _l("modality"),
    "languages": _l("languages"),
    "availability": _l("availability"),
    "preferred": _l("preferred languages"),
    "deployed_before": _l("deployed before"),
}


def signal_label(name: str) -> str:
    return str(SIGNAL_LABELS.get(name, name))


@dataclass(frozen=True)
class LanguageLine:
    sentence: str
    met: bool


@dataclass(frozen=True)
class Explained:
    """What the page says of one candidate: skills, languages, fit and, for a near miss, why
    they are not deployable."""

    skills: list[str]
    languages: list[LanguageLine]
    fit: list[str]
    shortfalls: list[str]
    preferred: list[LanguageLine] = field(default_factory=list)
    band: str | None = None  # strong, possible, weak; None in runs saved before bands
    relevance: str = ""  # why the suggestion is in its band, in a sentence
    deployed: str = ""  # past UN deployments through civcap, in a sentence ("" when none)


def facts_record(facts: Facts | None) -> dict[str, Any] | None:
    """The figures as plain JSON values, for a run's entry."""
    if facts is None:
        return None
    return {
        "available_from": facts.available_from.isoformat(),
        "available_until": facts.available_until.isoformat() if facts.available_until else None,
        "start_date": facts.start_date.isoformat(),
        "years_experience": facts.years_experience,
        "min_years_experience": facts.min_years_experience,
        "modality": facts.modality,
        "modalities": list(facts.modalities),
        "area": facts.area,
        "areas": list(facts.areas),
        "shortfalls": [_shortfall_record(s) for s in facts.shortfalls],
        "preferred": [
            {"code": fit.code, "level": fit.required, "held": fit.held} for fit in facts.preferred
        ],
        "relevance": _relevance_record(facts.relevance),
        "deployments": [
            {"area": d.area, "mission": d.mission, "year": d.year} for d in facts.deployments
        ],
    }


def _relevance_record(relevance: Relevance | None) -> dict[str, Any] | None:
    if relevance is None:
        return None
    return {
        "score": relevance.score,
        "band": relevance.band,
        "text": relevance.text,
        "meaning": relevance.meaning,
        "skills": relevance.skills,
        "strong_from": relevance.strong_from,
        "possible_from": relevance.possible_from,
    }


def _relevance(record: dict[str, Any] | None) -> Relevance | None:
    if not record:
        return None
    skills = record.get("skills")
    return Relevance(
        score=float(record["score"]),
        band=str(record["band"]),
        text=float(record["text"]),
        meaning=float(record["meaning"]),
        skills=float(skills) if skills is not None else None,
        strong_from=float(record["strong_from"]),
        possible_from=float(record["possible_from"]),
    )


def _shortfall_record(shortfall: Shortfall) -> dict[str, Any]:
    if shortfall.language is not None:
        fit = shortfall.language
        return {
            "kind": shortfall.kind,
            "code": fit.code,
            "required": fit.required,
            "held": fit.held,
        }
    return {
        "kind": shortfall.kind,
        "expert_date": _iso(shortfall.expert_date),
        "limit": _iso(shortfall.limit),
        "start_date": _iso(shortfall.start_date),
        "allowance": shortfall.allowance,
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _facts(record: dict[str, Any]) -> Facts:
    def when(name: str, source: dict[str, Any] = record) -> date | None:
        value = source.get(name)
        return date.fromisoformat(value) if value else None

    shortfalls = tuple(
        Shortfall(
            s["kind"],
            language=LanguageFit(s["code"], s["required"], s.get("held"))
            if s["kind"] == "language"
            else None,
            expert_date=when("expert_date", s),
            limit=when("limit", s),
            start_date=when("start_date", s),
            allowance=int(s.get("allowance") or 0),
        )
        for s in record.get("shortfalls", [])
    )
    return Facts(
        available_from=date.fromisoformat(record["available_from"]),
        available_until=when("available_until"),
        start_date=date.fromisoformat(record["start_date"]),
        years_experience=int(record["years_experience"]),
        min_years_experience=int(record["min_years_experience"]),
        modality=record["modality"],
        modalities=tuple(record["modalities"]),
        area=record["area"],
        areas=tuple(record["areas"]),
        shortfalls=shortfalls,
        preferred=tuple(
            LanguageFit(p["code"], p["level"], p.get("held")) for p in record.get("preferred", [])
        ),
        relevance=_relevance(record.get("relevance")),
        deployments=tuple(
            PastDeployment(d["area"], d.get("mission") or "", d.get("year"))
            for d in record.get("deployments", [])
        ),
    )


def language_sentence(fit: LanguageFit) -> str:
    name = capitalised(language_name(fit.code))  # it starts the sentence
    if fit.held:
        return _(
            "%(language)s: needs %(required)s, holds %(held)s",
            language=name,
            required=fit.required,
            held=fit.held,
        )
    return _("%(language)s: needs %(required)s, not held", language=name, required=fit.required)


def preferred_sentence(fit: LanguageFit) -> str:
    """A preferred language: a plus when held at the level wanted, else what is held."""
    name = language_name(fit.code)
    if fit.met:
        return _("Speaks %(language)s %(held)s — preferred", language=name, held=fit.held)
    if fit.held:
        return _(
            "%(language)s preferred at %(level)s, holds %(held)s",
            language=capitalised(name),
            level=fit.required,
            held=fit.held,
        )
    return _(
        "%(language)s preferred at %(level)s, not held",
        language=capitalised(name),
        level=fit.required,
    )


def shortfall_sentence(shortfall: Shortfall) -> str:
    if shortfall.language is not None:
        return language_sentence(shortfall.language)
    if shortfall.kind == "starts_late":
        return _(
            "Available from %(available)s, after %(latest)s (the start date, %(start)s, "
            "plus %(days)s days)",
            available=day(shortfall.expert_date),
            latest=day(shortfall.limit),
            start=day(shortfall.start_date),
            days=shortfall.allowance,
        )
    return _(
        "Available until %(until)s, before %(needed)s (the start date plus %(months)s months)",
        until=day(shortfall.expert_date),
        needed=day(shortfall.limit),
        months=shortfall.allowance,
    )


def availability_sentence(facts: Facts) -> str:
    start, until = day(facts.available_from), day(facts.available_until)
    lag = facts.days_after_start
    if lag == 0 and until:
        return _(
            "Available by the start date (from %(start)s to %(until)s)", start=start, until=until
        )
    if lag == 0:
        return _("Available by the start date (from %(start)s, open-ended)", start=start)
    if until:
        return ngettext(
            "Available %(num)d day after the start date (from %(start)s to %(until)s)",
            "Available %(num)d days after the start date (from %(start)s to %(until)s)",
            lag,
            start=start,
            until=until,
        )
    return ngettext(
        "Available %(num)d day after the start date (from %(start)s, open-ended)",
        "Available %(num)d days after the start date (from %(start)s, open-ended)",
        lag,
        start=start,
    )


def seniority_sentence(facts: Facts) -> str:
    if facts.experienced_enough:
        return ngettext(
            "%(num)d year of experience (minimum %(minimum)s)",
            "%(num)d years of experience (minimum %(minimum)s)",
            facts.years_experience,
            minimum=facts.min_years_experience,
        )
    return ngettext(
        "%(num)d year of experience, below the minimum of %(minimum)s",
        "%(num)d years of experience, below the minimum of %(minimum)s",
        facts.years_experience,
        minimum=facts.min_years_experience,
    )


def _modality(code: str) -> str:
    return str(MODALITIES.get(code, code))


def modality_sentence(facts: Facts) -> str:
    wanted = _modality(facts.modality)
    if facts.accepts_modality:
        return _("Accepts the modality: %(modality)s", modality=wanted)
    if not facts.modalities:
        return _("Does not accept %(modality)s (accepts no modality)", modality=wanted)
    return _(
        "Does not accept %(modality)s (accepts %(accepted)s)",
        modality=wanted,
        accepted=listed([_modality(m) for m in facts.modalities]),
    )


def area_sentence(facts: Facts) -> str:
    if facts.works_in_area:
        return _("Works in %(area)s", area=area_label(facts.area))
    if facts.areas:
        return _("Other core areas: %(areas)s", areas=listed([area_label(a) for a in facts.areas]))
    return _("No core area given")


def deployments_sentence(facts: Facts) -> str:
    """The expert's past UN assignments through civcap: those in the request's area when there
    are any, else the others with their areas ("" when there is none)."""
    here = [d for d in facts.deployments if d.area == facts.area]
    if here:
        return _(
            "Deployed with the UN in this area before: %(missions)s",
            missions=listed([_mission(d) for d in here]),
        )
    if facts.deployments:
        return _(
            "Deployed with the UN before, in another area: %(missions)s",
            missions=listed([_mission(d, with_area=True) for d in facts.deployments]),
        )
    return ""


def _mission(deployment: PastDeployment, with_area: bool = False) -> str:
    mission, year = deployment.mission, deployment.year
    if with_area:
        area = area_label(deployment.area)
        if year:
            return _("%(mission)s (%(area)s, %(year)s)", mission=mission, area=area, year=year)
        return _("%(mission)s (%(area)s)", mission=mission, area=area)
    return _("%(mission)s (%(year)s)", mission=mission, year=year) if year else mission


# The bands (``matching.BANDS``) as the page names them.
BAND_LABELS = {STRONG: _l("strong"), POSSIBLE: _l("possible"), WEAK: _l("weak")}
# Closeness in wording or meaning from which it counts as close, or as somewhat close.
CLOSE, SOMEWHAT_CLOSE = 0.5, 0.15


def band_label(band: str | None) -> str:
    return str(BAND_LABELS.get(band or "", band or ""))


def relevance_sentence(relevance: Relevance, facts: Facts, held: int, required: int) -> str:
    """Why a suggestion is in its band: how close it is in wording and meaning, the required
    skills held and the core area, on which alone the band rests."""
    parts = [_closeness(relevance.text, "wording"), _closeness(relevance.meaning, "meaning")]
    if relevance.skills is not None and required:
        parts.append(
            ngettext(
                "holds %(held)s of the %(num)d required skill",
                "holds %(held)s of the %(num)d required skills",
                required,
                held=held,
            )
        )
    if facts.area:
        if facts.works_in_area:
            parts.append(_("works in the core area"))
        else:
            parts.append(_("works in other core areas") if facts.areas else _("no core area"))
    evidence = listed(parts)
    if relevance.band == STRONG:
        return _(
            "Strong match (relevance %(score)s): %(evidence)s.",
            score=_score(relevance),
            evidence=evidence,
        )
    if relevance.band == POSSIBLE:
        return _(
            "Possible match (relevance %(score)s): %(evidence)s.",
            score=_score(relevance),
            evidence=evidence,
        )
    return _(
        "Weak match (relevance %(score)s): %(evidence)s.",
        score=_score(relevance),
        evidence=evidence,
    )


def _score(relevance: Relevance) -> str:
    return format_decimal(relevance.score, format="0.00")


def _closeness(value: float, what: str) -> str:
    if what == "wording":
        if value >= CLOSE:
            return _("close in wording")
        return _("some shared wording") if value >= SOMEWHAT_CLOSE else _("little shared wording")
    if value >= CLOSE:
        return _("close in meaning")
    return _("somewhat close in meaning") if value >= SOMEWHAT_CLOSE else _("not close in meaning")


def explain(explanation: dict[str, Any]) -> Explained:
    """One saved explanation as the reader's sentences."""
    matched, missing = explanation.get("matched_skills", []), explanation.get("missing_skills", [])
    skills = []
    if matched:
        skills.append(_("Has: %(skills)s", skills=listed(matched)))
    if missing:
        skills.append(_("Missing: %(skills)s", skills=listed(missing)))
    if not skills:
        skills.append(_("No skills required"))
    languages = [
        LanguageLine(
            language_sentence(LanguageFit(fit["code"], fit["required"], fit.get("held"))),
            bool(fit.get("met")),
        )
        for fit in explanation.get("languages", [])
    ]
    record = explanation.get("facts")
    if record is None:  # a run saved before the figures were kept: its English words
        fit = [explanation.get(k, "") for k in ("availability", "seniority", "modality", "area")]
        return Explained(
            skills, languages, [f for f in fit if f], list(explanation.get("reasons", []))
        )
    facts = _facts(record)
    lines = [
        availability_sentence(facts),
        seniority_sentence(facts),
        modality_sentence(facts),
        area_sentence(facts),
    ]
    deployed = deployments_sentence(facts)
    if deployed:
        lines.append(deployed)
    return Explained(
        skills=skills,
        languages=languages,
        fit=lines,
        shortfalls=[shortfall_sentence(s) for s in facts.shortfalls],
        preferred=[LanguageLine(preferred_sentence(fit), fit.met) for fit in facts.preferred],
        band=facts.relevance.band if facts.relevance else None,
        relevance=(
            relevance_sentence(facts.relevance, facts, len(matched), len(matched) + len(missing))
            if facts.relevance
            else ""
        ),
        deployed=deployed,
    )
