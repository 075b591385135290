"""The plain records the matcher takes: the app adapts its database rows to these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
# Relevance bands, best first (the rule that assigns them: matching/_bands.py).
STRONG, POSSIBLE, WEAK = "strong", "possible", "weak"
BANDS = (STRONG, POSSIBLE, WEAK)


def cefr_rank(level: str) -> int:
    """0 for A1 … 5 for C2."""
    return CEFR_LEVELS.index(level)


@dataclass(frozen=True)
class PastDeployment:
    """One UN assignment an expert took through civcap: deployed on it, or completed it.

    ``area`` is the core area code of the request it filled, ``mission`` the name of the
    requesting mission or office, ``year`` the year it started (None when not recorded).
    """

    area: str
    mission: str = ""
    year: int | None = None


@dataclass(frozen=True)
class ExpertProfile:
    """What the matcher knows of one expert.

    Parameters
    ----------
    expert_id : int
        The app's id of the expert; the matcher returns it with each suggestion.
    title, summary : str
        Professional title and CV summary (any language; profiles are mostly English).
    skills : tuple of str
        Skill names, normalised (lower case, single spaces).
    areas : tuple of str
        Core area codes; may be empty.
    languages : dict
        ISO 639-1 code to CEFR level, e.g. ``{"en": "C1", "fr": "B2"}``.
    years_experience : int
    available_from : date
    available_until : date or None
        None means open-ended.
    modalities : tuple of str
        Deployment modalities the expert accepts.
    nationality, gender : str
    global_south : bool
        Whether the nationality is in the global South (for filters and outreach, not ranking).
    deployments : tuple of PastDeployment
        The UN assignments the expert took through civcap (deployed or completed), most
        recent first; the ``deployed_before`` signal reads their areas.
    """

    expert_id: int
    title: str
    summary: str
    skills: tuple[str, ...]
    areas: tuple[str, ...]
    languages: dict[str, str]
    years_experience: int
    available_from: date
    available_until: date | None
    modalities: tuple[str, ...]
    nationality: str = ""
    gender: str = "undisclosed"
    global_south: bool = False
    deployments: tuple[PastDeployment, ...] = ()


@dataclass(frozen=True)
class RequestProfile:
    """What the matcher knows of one request for expertise.

    ``languages`` maps ISO 639-1 codes to the minimum CEFR level required.
    """

    title: str
    terms_of_reference: str
    area: str
    required_skills: tuple[str, ...]
    languages: dict[str, str]
    min_years_experience: int
    start_date: date
    duration_months: int
    modality: str
    request_id: int | None = None
    # Languages the request would like (code → CEFR level): ranked on, never a condition.
    preferred_languages: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LanguageFit:
    """One required language: what the request needs and what the expert holds."""

    code: str
    required: str
    held: str | None

    @property
    def met(self) -> bool:
        return self.held is not None and cefr_rank(self.held) >= cefr_rank(self.required)


@dataclass(frozen=True)
class Shortfall:
    """One condition of the deployability rule an expert does not meet, with its figures.

    ``kind`` is ``"language"`` (``language`` says what is needed and held), ``"starts_late"``
    (available from ``expert_date``, after the latest start ``limit``: the start date plus
    ``allowance`` days) or ``"ends_early"`` (available until ``expert_date``, before ``limit``:
    the start date plus ``allowance`` months). The app words it in the reader's language;
    ``str()`` gives the English the command line prints.
    """

    kind: str
    language: LanguageFit | None = None
    expert_date: date | None = None
    limit: date | None = None
    start_date: date | None = None
    allowance: int = 0

    def __str__(self) -> str:
        if self.language is not None:
            fit = self.language
            held = f"holds {fit.held}" if fit.held else "not held"
            return f"language {fit.code}: needs {fit.required}, {held}"
        assert self.expert_date and self.limit and self.start_date
        if self.kind == "starts_late":
            return (
                f"available from {self.expert_date.isoformat()}, after {self.limit.isoformat()} "
                f"(start {self.start_date.isoformat()} + {self.allowance} days)"
            )
        return (
            f"available until {self.expert_date.isoformat()}, before {self.limit.isoformat()} "
            f"(start + {self.allowance} months)"
        )


@dataclass(frozen=True)
class Relevance:
    """Why a suggestion is in its band, as figures (see ``matching.RelevanceBands``).

    ``score`` is the relevance in [0, 1] and ``band`` its band (``"strong"``, ``"possible"``
    or ``"weak"``: strong from ``strong_from``, possible from ``possible_from``). It rests on
    ``text`` and ``meaning``, how close the profile is to the request in wording and in meaning
    (0: no closer than the roster's typical profile; 1: standing out clearly from the roster),
    ``skills``, the share of the required skills held (None when the request lists none), and
    whether the expert works in the request's core area (``Facts.works_in_area``). Seniority,
    modality, languages and availability play no part in it.
    """

    score: float
    band: str
    text: float
    meaning: float
    skills: float | None
    strong_from: float
    possible_from: float


@dataclass(frozen=True)
class Facts:
    """What a suggestion's explanation rests on, as figures rather than words, so that each
    reader gets it in their own language: the expert's availability against the start date,
    experience against the minimum, accepted modalities, core areas, and the shortfalls."""

    available_from: date
    available_until: date | None
    start_date: date
    years_experience: int
    min_years_experience: int
    modality: str
    modalities: tuple[str, ...]
    area: str
    areas: tuple[str, ...]
    shortfalls: tuple[Shortfall, ...] = ()
    # Each preferred language: the level wanted (``required``) and the level held.
    preferred: tuple[LanguageFit, ...] = ()
    # The relevance band and the figures it rests on; None in facts saved before bands.
    relevance: Relevance | None = None
    # The expert's past UN assignments through civcap, those in the request's area first.
    deployments: tuple[PastDeployment, ...] = ()

    @property
    def days_after_start(self) -> int:
        """How many days after the start date the expert becomes available (0 when by it)."""
        return max((self.available_from - self.start_date).days, 0)

    @property
    def accepts_modality(self) -> bool:
        return self.modality in self.modalities

    @property
    def works_in_area(self) -> bool:
        return self.area in self.areas

    @property
    def deployed_in_area(self) -> bool:
        """Whether the expert has been deployed with the UN in the request's area before."""
        return any(d.area == self.area for d in self.deployments)

    @property
    def experienced_enough(self) -> bool:
        return self.years_experience >= self.min_years_experience


@dataclass
class Suggestion:
    """One ranked candidate with the reasons for its place.

    ``components`` holds each signal's weighted contribution to ``score`` (they add up to it);
    ``relevance`` (in [0, 1]) and ``band`` say how relevant the expert is on the relevance
    signals alone, whatever their seniority, modality, languages or availability (the figures
    behind them are in ``facts.relevance``); ``reasons`` says in English why the expert is not
    deployable (empty when deployable), and the other text fields say the rest in English;
    ``facts`` holds the same as figures for readers of other languages.
    """

    expert_id: int
    rank: int
    score: float
    deployable: bool
    components: dict[str, float]
    relevance: float
    band: str
    matched_skills: list[str] = field(default_factory=list)
    missing_skills: list[str] = field(default_factory=list)
    languages: list[LanguageFit] = field(default_factory=list)
    availability: str = ""
    seniority: str = ""
    modality: str = ""
    area: str = ""
    reasons: list[str] = field(default_factory=list)
    facts: Facts | None = None

    def shares(self) -> dict[str, float]:
        """Each signal's share of the score, as fractions summing to 1 (0 if the score is 0)."""
        total = sum(v for v in self.components.values() if v > 0)
        if total <= 0:
            return {k: 0.0 for k in self.components}
        return {k: max(v, 0.0) / total for k, v in self.components.items()}


@dataclass
class Ranking:
    """A request's suggestions: deployable experts first, near misses apart."""

    deployable: list[Suggestion]
    near_misses: list[Suggestion]
    roster_size: int
    deployable_count: int

    @property
    def strong(self) -> list[Suggestion]:
        """The deployable suggestions in the strong band; none means the request has a gap."""
        return [s for s in self.deployable if s.band == STRONG]
