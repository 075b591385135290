"""Suggested candidates: rank the roster for a request and keep the ranking as a run.

Every ranking HR sees is saved (request, time, who, matcher version and parameters, filters, and
each candidate's score and reasons), so a shortlist can be explained later with what the matcher
said at the time. A ranking is saved once: a later view of the same request at the same version,
with the same filters, over the same roster (its watermark), is that ranking, and is shown the
run saved for it (its ``fingerprint``) instead of ranking and saving again. Nothing here
selects, dismisses or contacts anyone: civcap suggests; people decide.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.availability import staleness
from app.common.errors import NotAllowed
from app.common.reference import countries
from app.common.transaction import transaction
from app.extensions import db
from app.models import Expert, ExpertiseRequest, Organisation, RequestStatus, User
from app.models.suggestion import SuggestionEntry, SuggestionRun
from app.suggestions import explanations, worker_index
from matching import SIGNALS, STRONG, WEAK, Filters, Suggestion

# A request is matched once HR has it and until someone is selected.
MATCHABLE_STATUSES = frozenset(
    {RequestStatus.SUBMITTED, RequestStatus.OPEN, RequestStatus.SELECTION}
)


def can_be_matched(request_row: ExpertiseRequest) -> bool:
    return request_row.status in MATCHABLE_STATUSES


def run_suggestions(
    request_row: ExpertiseRequest,
    actor: User | None,
    filters: Filters | None = None,
    k: int = 50,
    near_misses: int = 20,
) -> SuggestionRun:
    """Rank the roster for ``request_row`` and save the run with every candidate shown; the
    saved run of the same ranking when there is one (read only: nothing is committed, so what
    the page has loaded stays loaded)."""
    if not can_be_matched(request_row):
        raise NotAllowed(
            f"A {request_row.status.label} request is not matched: only submitted, open and "
            "selection requests are."
        )
    made_from = fingerprint(request_row, filters, k, near_misses)
    saved = _saved_run(request_row, made_from)
    if saved is not None:  # the same ranking: its run is the record
        return saved
    return _new_run(request_row, actor, filters, k, near_misses, made_from)


def _saved_run(request_row: ExpertiseRequest, made_from: str) -> SuggestionRun | None:
    return db.session.scalar(
        sa.select(SuggestionRun)
        .where(SuggestionRun.request_id == request_row.id, SuggestionRun.fingerprint == made_from)
        .order_by(SuggestionRun.id.desc())
        .limit(1)
    )


@transaction("suggestion run")
def _new_run(
    request_row: ExpertiseRequest,
    actor: User | None,
    filters: Filters | None,
    k: int,
    near_misses: int,
    made_from: str,
) -> SuggestionRun:
    ranking = worker_index.rank(request_row, k=k, near_misses=near_misses, filters=filters)
    parameters = worker_index.parameters()
    filtered = filters_record(filters)
    run = SuggestionRun(
        fingerprint=made_from,
        request_id=request_row.id,
        created_by_id=actor.id if actor is not None else None,
        matcher_version=worker_index.MATCHER_VERSION,
        parameters=parameters,
        filters=filtered,
        roster_size=ranking.roster_size,
        deployable_count=ranking.deployable_count,
        # Of the whole roster only: a filtered run's lack of a strong match is no gap.
        strong_deployable=None if filtered else len(ranking.strong),
    )
    run.entries = [_entry(s, near_miss=False) for s in ranking.deployable] + [
        _entry(s, near_miss=True) for s in ranking.near_misses
    ]
    db.session.add(run)
    db.session.flush()  # the run and its entries have their ids, also inside a caller's operation
    return run


def fingerprint(
    request_row: ExpertiseRequest, filters: Filters | None, k: int, near_misses: int
) -> str:
    """What a ranking is made from: the matcher's version, the request at its version, the
    filters and sizes asked, and the roster as the index knows it (its watermark: the latest
    change to an expert, how many there are, the reindex generation)."""
    mark = worker_index.watermark()
    basis = {
        "matcher": worker_index.MATCHER_VERSION,
        "request": [request_row.id, request_row.version],
        "filters": filters_record(filters),
        "sizes": [k, near_misses],
        "roster": [mark.latest.isoformat() if mark.latest else None, mark.last_id, mark.generation],
    }
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()


def narrowed_by(
    *,
    nationality: str = "",
    gender: str = "",
    global_south: bool | None = None,
    language: str = "",
    min_level: str = "",
) -> Filters:
    """HR's narrowing of a ranking, as the suggestions page and the API take it (blank is no
    filter); a minimum level counts only with its language."""
    return Filters(
        nationalities=frozenset({nationality} - {""}),
        genders=frozenset({gender} - {""}),
        global_south=global_south,
        language=language,
        min_level=min_level if language else "",
    )


def filters_record(filters: Filters | None) -> dict[str, Any]:
    """The filters as plain JSON values (only those set)."""
    if filters is None:
        return {}
    record: dict[str, Any] = {
        "nationalities": sorted(filters.nationalities),
        "genders": sorted(filters.genders),
        "global_south": filters.global_south,
        "language": filters.language,
        "min_level": filters.min_level,
        "expert_ids": sorted(filters.expert_ids) if filters.expert_ids is not None else None,
    }
    return {key: value for key, value in record.items() if value not in ("", [], None)}


def _entry(suggestion: Suggestion, near_miss: bool) -> SuggestionEntry:
    return SuggestionEntry(
        expert_id=suggestion.expert_id,
        rank=suggestion.rank,
        score=suggestion.score,
        deployable=suggestion.deployable,
        near_miss=near_miss,
        relevance=suggestion.relevance,
        band=suggestion.band,
        components=dict(suggestion.components),
        explanation={
            "matched_skills": list(suggestion.matched_skills),
            "missing_skills": list(suggestion.missing_skills),
            "languages": [
                {"code": fit.code, "required": fit.required, "held": fit.held, "met": fit.met}
                for fit in suggestion.languages
            ],
            "availability": suggestion.availability,
            "seniority": suggestion.seniority,
            "modality": suggestion.modality,
            "area": suggestion.area,
            "reasons": list(suggestion.reasons),
            "facts": explanations.facts_record(suggestion.facts),
        },
    )


def latest_run(request_id: int) -> SuggestionRun | None:
    return db.session.scalar(
        sa.select(SuggestionRun)
        .where(SuggestionRun.request_id == request_id)
        .order_by(SuggestionRun.created_at.desc(), SuggestionRun.id.desc())
        .limit(1)
    )


# ---- display -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignalShare:
    signal: str
    contribution: float
    share: float  # of the score's positive part, 0…1


@dataclass
class CandidateRow:
    """One saved candidate joined with the expert, ready for a page."""

    expert_id: int
    rank: int
    score: float
    deployable: bool
    near_miss: bool
    full_name: str
    title: str
    nominated_by: str
    nationality: str
    gender: str
    global_south: bool
    shares: list[SignalShare] = field(default_factory=list)
    explanation: dict[str, Any] = field(default_factory=dict)
    stale: bool = False  # availability not confirmed recently (availability)
    band: str | None = None  # strong, possible or weak; None in runs saved before bands

    @property
    def weak(self) -> bool:
        return self.band == WEAK


@dataclass
class RunView:
    """A run's candidates for the page: the weak ones apart, folded away by default."""

    run: SuggestionRun
    deployable: list[CandidateRow]
    near_misses: list[CandidateRow]
    weak_deployable: list[CandidateRow] = field(default_factory=list)
    weak_near_misses: list[CandidateRow] = field(default_factory=list)

    @property
    def no_strong_match(self) -> bool:
        """No deployable suggestion shown is strong (a run saved before bands cannot tell)."""
        rows = self.deployable + self.weak_deployable
        return any(c.band for c in rows) and not any(c.band == STRONG for c in rows)

    @property
    def size(self) -> int:
        return sum(map(len, (self.deployable, self.weak_deployable, self.near_misses,
                             self.weak_near_misses)))  # fmt: skip

    def first(self, deployable: int, near_misses: int) -> RunView:
        """The best ``deployable`` deployable suggestions and ``near_misses`` near misses
        (the weak ones after the others, as the page folds them), for a page's first screen."""
        kept_deployable = self.deployable[:deployable]
        kept_near = self.near_misses[:near_misses]
        return RunView(
            run=self.run,
            deployable=kept_deployable,
            near_misses=kept_near,
            weak_deployable=self.weak_deployable[: deployable - len(kept_deployable)],
            weak_near_misses=self.weak_near_misses[: near_misses - len(kept_near)],
        )


def shares(components: dict[str, float]) -> list[SignalShare]:
    """Each signal's share of the score, in the matcher's signal order."""
    total = sum(v for v in components.values() if v > 0)
    names = [s for s in SIGNALS if s in components] + sorted(set(components) - set(SIGNALS))
    return [
        SignalShare(name, components[name], max(components[name], 0.0) / total if total else 0.0)
        for name in names
    ]


def _rows(run: SuggestionRun, expert_id: int | None = None) -> list[CandidateRow]:
    """The run's candidates (or the one of ``expert_id``) with their experts, in one query."""
    query = (
        sa.select(
            SuggestionEntry,
            Expert.full_name,
            Expert.title,
            Expert.nationality,
            Expert.gender,
            Organisation.name.label("nominated_by"),
            staleness.stale_condition().label("stale"),
        )
        .join(Expert, Expert.id == SuggestionEntry.expert_id)
        .join(Organisation, Organisation.id == Expert.organisation_id)
        .where(SuggestionEntry.run_id == run.id)
        .order_by(SuggestionEntry.near_miss, SuggestionEntry.rank)
    )
    if expert_id is not None:
        query = query.where(SuggestionEntry.expert_id == expert_id)
    known = countries()
    return [
        CandidateRow(
            expert_id=row.SuggestionEntry.expert_id,
            rank=row.SuggestionEntry.rank,
            score=row.SuggestionEntry.score,
            deployable=row.SuggestionEntry.deployable,
            near_miss=row.SuggestionEntry.near_miss,
            full_name=row.full_name,
            title=row.title,
            nominated_by=row.nominated_by,
            nationality=row.nationality,
            gender=row.gender,
            global_south=bool(known.get(row.nationality) and known[row.nationality].global_south),
            shares=shares(row.SuggestionEntry.components),
            explanation=row.SuggestionEntry.explanation,
            stale=bool(row.stale),
            band=row.SuggestionEntry.band,
        )
        for row in db.session.execute(query)
    ]


def candidate_in(run: SuggestionRun, expert_id: int) -> CandidateRow | None:
    """One candidate of a run, with everything the run said of them (None if not in it)."""
    found = _rows(run, expert_id)
    return found[0] if found else None


def run_view(run: SuggestionRun) -> RunView:
    """The run's candidates with their experts, in one query (no query per candidate)."""
    candidates = _rows(run)
    return RunView(
        run=run,
        deployable=[c for c in candidates if not c.near_miss and not c.weak],
        near_misses=[c for c in candidates if c.near_miss and not c.weak],
        weak_deployable=[c for c in candidates if not c.near_miss and c.weak],
        weak_near_misses=[c for c in candidates if c.near_miss and c.weak],
    )
