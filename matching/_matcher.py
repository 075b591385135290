"""The matcher: rank the roster for a request, with the reasons for each place."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from matching._bands import Assessment, RelevanceBands, assess
from matching._deployability import deployability, deployable_rows
from matching._index import RosterIndex
from matching._records import (
    ExpertProfile,
    Facts,
    LanguageFit,
    Ranking,
    Relevance,
    RequestProfile,
    Suggestion,
    cefr_rank,
)
from matching._semantic import SemanticSimilarity
from matching._text import TextSimilarity, expert_text

SIGNALS = (
    "text", "meaning", "skills", "area", "seniority", "modality", "languages", "availability",
    "preferred", "deployed_before",
)  # fmt: skip


@dataclass(frozen=True)
class Weights:
    """How much each signal counts. Each signal is in [0, 1]; the score is their weighted sum.

    text
        Cosine similarity of the TF-IDF word vectors of the profile text and of the request
        text together with the roster phrases nearest to its meaning
        (``SemanticSimilarity.request_phrases``: what carries a Spanish, Arabic, Chinese or
        Russian terms of reference to the roster's English words), divided by the best on the
        roster for this request (so the closest profile gets 1).
    meaning
        Cosine similarity in the multilingual sentence encoder's space (``SemanticSimilarity``),
        negative values as 0, divided by the best on the roster; it is what lets a French terms
        of reference find English profiles.
    skills
        Share of the request's required skills the expert holds (0 when none are required).
    area
        1 when the expert works in the request's core area.
    seniority
        1 at or above the minimum years of experience; below it, half the share reached.
    modality
        1 when the expert accepts the request's modality.
    languages
        Mean over required languages of how far the held level reaches: 1 at the required
        level or above, less for each level short.
    availability
        1 when available by the start date, falling to 0 at 60 days after it.
    preferred
        Mean over the request's preferred languages of how far the held level reaches, as for
        ``languages``; 0 for everyone when none is preferred. It only ranks: a preferred
        language never decides deployability.
    deployed_before
        1 when the expert has been deployed with the UN through civcap (deployed or completed)
        in the request's core area, 0.5 when only in other areas, 0 when never. Small: it
        breaks ties among comparable profiles, it never outweighs the fit.
    """

    text: float = 0.16
    meaning: float = 0.24
    skills: float = 0.20
    area: float = 0.15
    seniority: float = 0.12
    modality: float = 0.10
    languages: float = 0.015
    availability: float = 0.015
    preferred: float = 0.04
    deployed_before: float = 0.02

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class Filters:
    """Narrow the candidates without re-ranking them. Empty means no filter."""

    nationalities: frozenset[str] = frozenset()
    genders: frozenset[str] = frozenset()
    global_south: bool | None = None
    language: str = ""
    min_level: str = ""
    expert_ids: frozenset[int] | None = None


class Matcher(BaseEstimator):  # type: ignore[misc]
    """Ranks a roster of ``ExpertProfile`` for a ``RequestProfile``.

    Parameters
    ----------
    weights : Weights
        The signals' weights (see ``Weights``).
    text : TextSimilarity or None
        The lexical text model; a default ``TextSimilarity()`` when None.
    semantic : SemanticSimilarity or None
        The multilingual model; a default ``SemanticSimilarity()`` when None. Not loaded at all
        when the ``meaning`` weight is 0.
    bands : RelevanceBands or None
        How each suggestion's relevance band is decided; ``RelevanceBands()`` when None. Bands
        never change the ranking.

    Attributes
    ----------
    index_ : RosterIndex
        The fitted roster.
    """

    def __init__(
        self,
        weights: Weights | None = None,
        text: TextSimilarity | None = None,
        semantic: SemanticSimilarity | None = None,
        bands: RelevanceBands | None = None,
    ) -> None:
        self.weights = weights
        self.text = text
        self.semantic = semantic
        self.bands = bands

    # ---- fitting and keeping current ----------------------------------------------------

    def fit(self, profiles: Iterable[ExpertProfile], y: object = None) -> Matcher:
        """Learn the text vocabulary from the roster and index every profile."""
        profiles = list(profiles)
        text = self.text if self.text is not None else TextSimilarity()
        matrix = text.fit_transform((expert_text(p) for p in profiles), format="csc")
        self.text_ = text
        self.weights_ = self.weights if self.weights is not None else Weights()
        self.bands_ = self.bands if self.bands is not None else RelevanceBands()
        self.semantic_: SemanticSimilarity | None = None
        if self.weights_.meaning > 0:
            semantic = self.semantic if self.semantic is not None else SemanticSimilarity()
            self.semantic_ = semantic.fit(profiles)
        self.index_ = RosterIndex(text, self.semantic_)
        self.index_.build(profiles, text_matrix=matrix)
        return self

    def upsert(self, profile: ExpertProfile) -> None:
        """Add or replace one expert (the text vocabulary stays as fitted)."""
        check_is_fitted(self, "index_")
        self.index_.upsert(profile)

    def remove(self, expert_id: int) -> bool:
        """Take one expert off the index; False if it was not there."""
        check_is_fitted(self, "index_")
        return self.index_.remove(expert_id)

    def __len__(self) -> int:
        check_is_fitted(self, "index_")
        return len(self.index_)

    # ---- ranking ------------------------------------------------------------------------

    def signals(self, request: RequestProfile) -> dict[str, np.ndarray]:
        """Every signal for every row of the index, each in [0, 1].

        Besides the ranking's ``SIGNALS``, ``text_cosine`` and ``meaning_cosine`` hold the
        text and meaning cosines before they are divided by the best on the roster: the
        relevance bands read them against the whole roster, not its best.
        """
        check_is_fitted(self, "index_")
        index = self.index_
        text_cosine = index.text_cosines(request)
        best = float(text_cosine[index.alive].max()) if index.alive.any() else 0.0
        text = text_cosine / best if best > 0 else text_cosine
        meaning_cosine = np.zeros(index.rows, dtype=np.float32)
        if self.semantic_ is not None:
            vector = self.semantic_.request_vector(request)
            meaning_cosine = np.maximum(index.meaning_scores(vector), 0)
        best = float(meaning_cosine[index.alive].max()) if index.alive.any() else 0.0
        meaning = meaning_cosine / best if best > 0 else meaning_cosine
        required = tuple(dict.fromkeys(request.required_skills))
        skills = (
            index.skill_counts(required) / len(required)
            if required
            else np.zeros(index.rows, dtype=np.float32)
        )
        area_code = index.areas.get(request.area)
        area = (
            ((index.area_bits >> area_code) & 1).astype(np.float32)
            if area_code is not None
            else np.zeros(index.rows, dtype=np.float32)
        )
        minimum = request.min_years_experience
        seniority = (
            np.where(index.years >= minimum, 1.0, 0.5 * index.years / minimum).astype(np.float32)
            if minimum > 0
            else np.ones(index.rows, dtype=np.float32)
        )
        modality_code = index.modalities.get(request.modality)
        modality = (
            ((index.modality_bits >> modality_code) & 1).astype(np.float32)
            if modality_code is not None
            else np.zeros(index.rows, dtype=np.float32)
        )
        languages = (
            self._reach(index, request.languages)
            if request.languages
            else np.ones(index.rows, dtype=np.float32)
        )
        preferred = (
            self._reach(index, request.preferred_languages)
            if request.preferred_languages
            else np.zeros(index.rows, dtype=np.float32)
        )
        deployed_before = np.where(index.deployed, np.float32(0.5), np.float32(0.0)).astype(
            np.float32
        )
        if area_code is not None:
            deployed_before[((index.deployed_bits >> area_code) & 1).astype(bool)] = 1.0
        start = request.start_date.toordinal()
        availability = np.clip(
            1.0 - np.maximum(index.available_from - start, 0) / 60.0, 0.0, 1.0
        ).astype(np.float32)
        return {
            "text": text, "meaning": meaning, "skills": skills, "area": area,
            "seniority": seniority,
            "modality": modality, "languages": languages, "availability": availability,
            "preferred": preferred, "deployed_before": deployed_before,
            "text_cosine": text_cosine, "meaning_cosine": meaning_cosine,
        }  # fmt: skip

    @staticmethod
    def _reach(index: RosterIndex, wanted: dict[str, str]) -> np.ndarray:
        """Mean over ``wanted`` (code → level) of how far each row's level reaches: 1 at the
        level or above, less for each level short, 0 when the language is not held."""
        reach = np.zeros(index.rows, dtype=np.float32)
        for code, level in wanted.items():
            column = index.languages.get(code)
            held = (
                index.levels[:, column].astype(np.float32)
                if column is not None
                else np.full(index.rows, -1.0, dtype=np.float32)
            )
            need = float(cefr_rank(level))
            reach += np.clip(1.0 - (need - held) / (need + 1.0), 0.0, 1.0)
        return (reach / len(wanted)).astype(np.float32)

    def deployable_mask(self, request: RequestProfile) -> np.ndarray:
        """Deployability (``matching.deployability``'s rule) of every row, alive rows only."""
        check_is_fitted(self, "index_")
        index = self.index_

        def level_column(code: str) -> np.ndarray | None:
            column = index.languages.get(code)
            return None if column is None else index.levels[:, column]

        rows = deployable_rows(request, level_column, index.available_from, index.available_until)
        return rows & index.alive

    def filter_mask(self, filters: Filters | None) -> np.ndarray:
        index = self.index_
        mask = index.alive.copy()
        if filters is None:
            return mask
        if filters.nationalities:
            codes = [index.nationalities.get(n) for n in filters.nationalities]
            mask &= np.isin(index.nationality, [c for c in codes if c is not None])
        if filters.genders:
            codes = [index.genders.get(g) for g in filters.genders]
            mask &= np.isin(index.gender, [c for c in codes if c is not None])
        if filters.global_south is not None:
            mask &= index.global_south == filters.global_south
        if filters.language:
            column = index.languages.get(filters.language)
            minimum = cefr_rank(filters.min_level) if filters.min_level else 0
            if column is None:
                mask[:] = False
            else:
                mask &= index.levels[:, column] >= minimum
        if filters.expert_ids is not None:
            rows = [index.row_of[i] for i in filters.expert_ids if i in index.row_of]
            allowed = np.zeros(index.rows, dtype=bool)
            allowed[rows] = True
            mask &= allowed
        return mask

    def rank(
        self,
        request: RequestProfile,
        k: int = 50,
        near_misses: int = 20,
        filters: Filters | None = None,
    ) -> Ranking:
        """The top ``k`` deployable experts and the top ``near_misses`` others, explained.

        Non-deployable experts never come before deployable ones: they are returned apart, in
        ``Ranking.near_misses``, each with the reasons they are not deployable.
        """
        signals = self.signals(request)
        weights = self.weights_.as_dict()
        score = np.zeros(self.index_.rows, dtype=np.float32)
        for name in SIGNALS:
            score += weights[name] * signals[name]
        candidates = self.filter_mask(filters)
        deployable = self.deployable_mask(request) & candidates
        others = candidates & ~deployable
        top = _top(score, deployable, k)
        misses = _top(score, others, near_misses)
        figures = self.relevance(request, signals).figures(top + misses)
        explain = self._explainer(request, signals, score, weights, figures)
        return Ranking(
            deployable=[explain(row, rank) for rank, row in enumerate(top, start=1)],
            near_misses=[explain(row, rank) for rank, row in enumerate(misses, start=1)],
            roster_size=int(candidates.sum()),
            deployable_count=int(deployable.sum()),
        )

    def relevance(
        self, request: RequestProfile, signals: dict[str, np.ndarray] | None = None
    ) -> Assessment:
        """The request's relevance evidence against the whole alive roster, whatever the
        filters (``matching._bands``), from ``signals`` (computed when None)."""
        check_is_fitted(self, "index_")
        signals = self.signals(request) if signals is None else signals
        return assess(
            signals,
            self.weights_.as_dict(),
            self.index_.alive,
            self.bands_,
            skills_listed=bool(request.required_skills),
            area_named=bool(request.area),
        )

    def _explainer(
        self,
        request: RequestProfile,
        signals: dict[str, np.ndarray],
        score: np.ndarray,
        weights: dict[str, float],
        figures: dict[int, Relevance],
    ) -> Callable[[int, int], Suggestion]:
        required = list(dict.fromkeys(request.required_skills))

        def explain(row: int, rank: int) -> Suggestion:
            expert = self.index_.profiles[row]
            verdict = deployability(expert, request)
            held = set(expert.skills)
            why = figures[row]
            facts = Facts(
                available_from=expert.available_from,
                available_until=expert.available_until,
                start_date=request.start_date,
                years_experience=expert.years_experience,
                min_years_experience=request.min_years_experience,
                modality=request.modality,
                modalities=tuple(expert.modalities),
                area=request.area,
                areas=tuple(expert.areas),
                shortfalls=tuple(verdict.shortfalls),
                preferred=tuple(
                    LanguageFit(code, level, expert.languages.get(code))
                    for code, level in sorted(request.preferred_languages.items())
                ),
                relevance=why,
                deployments=tuple(sorted(expert.deployments, key=lambda d: d.area != request.area)),
            )
            return Suggestion(
                expert_id=expert.expert_id,
                rank=rank,
                score=float(score[row]),
                deployable=verdict.deployable,
                components={n: float(weights[n] * signals[n][row]) for n in SIGNALS},
                relevance=why.score,
                band=why.band,
                matched_skills=[s for s in required if s in held],
                missing_skills=[s for s in required if s not in held],
                languages=verdict.languages,
                availability=_availability(facts),
                seniority=_seniority(facts),
                modality=(
                    f"accepts {facts.modality}"
                    if facts.accepts_modality
                    else f"does not accept {facts.modality} "
                    f"(accepts {', '.join(facts.modalities) or 'none'})"
                ),
                area=(
                    f"works in {facts.area}"
                    if facts.works_in_area
                    else "other core areas: " + ", ".join(facts.areas)
                    if facts.areas
                    else "no core area given"
                ),
                reasons=verdict.reasons,
                facts=facts,
            )

        return explain


def _top(score: np.ndarray, mask: np.ndarray, k: int) -> list[int]:
    """Rows of the ``k`` best scores among ``mask``, best first (ties: lower row first)."""
    rows = np.flatnonzero(mask)
    if k <= 0 or rows.size == 0:
        return []
    values = score[rows]
    if rows.size > k:
        part = np.argpartition(-values, k - 1)[:k]
        rows, values = rows[part], values[part]
    order = np.lexsort((rows, -values))
    return [int(r) for r in rows[order]]


def _availability(facts: Facts) -> str:
    until = facts.available_until.isoformat() if facts.available_until else "open-ended"
    lag = facts.days_after_start
    when = (
        "available by the start date" if lag == 0 else f"available {lag} days after the start date"
    )
    return f"{when} ({facts.available_from.isoformat()} to {until})"


def _seniority(facts: Facts) -> str:
    minimum = facts.min_years_experience
    if facts.experienced_enough:
        return f"{facts.years_experience} years (minimum {minimum})"
    return f"{facts.years_experience} years, below the minimum of {minimum}"
