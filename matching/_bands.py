"""Relevance bands: is a suggestion strong, possible or weak, on the relevance signals alone?

The ranking score mixes relevance (text, meaning, skills, area) with seniority, modality,
languages and availability, and divides text and meaning by the best on the roster, so the
closest profile always gets 1: the score cannot tell a relevant top result from an irrelevant
one. A band answers the one question a reader asks first — *is this the right kind of expert?* —
from the relevance signals alone; the other signals are shown beside it, never mixed in.

The rule, in one place (``RelevanceBands``, ``assess``):

1. *Closeness* in wording (TF-IDF cosine) and in meaning (encoder cosine) is measured against
   the roster's crowd, not its best: how many standard deviations a profile's cosine stands
   above the roster's mean cosine for this request, as a share of ``text_spread`` (or
   ``meaning_spread``) standard deviations, capped at 1. A profile that merely happens to be the
   closest of an unrelated roster does not stand out, so it is not close. Standing out is also
   what carries across languages: a French terms of reference has lower cosines with English
   profiles than an English one has, for everyone alike, and scaling a request's scores as a
   whole (say, by how much of its vocabulary the roster knows) leaves every standing as it
   was. Word vectors are sparse — most profiles share no word with a request — so a matching
   profile stands out by more deviations in wording than in meaning: hence two spreads.
   The roster's crowd is only a crowd of *unrelated* profiles when most of the roster is
   unrelated. On a small roster, or one where many profiles fit (a pilot of two court
   administrators, a national roster of police officers), the fitting profiles make the
   crowd itself and none stands out. So a cosine is also read against a *prior crowd*, fixed
   constants for the cosines of unrelated profiles (``text_prior``, ``meaning_prior``), and a
   profile is as close as it stands out of either crowd. The prior only ever raises
   closeness, and only for cosines that would be high on any roster, so on a large diverse
   roster it changes nothing and the roster keeps the say.
2. *Relevance* is the mean of the evidence the request offers, weighted by the ranking's own
   weights: closeness in wording and in meaning, the share of required skills held (only when
   the request lists some: no list is no evidence, not evidence against) and working in the
   request's core area (when it names one). It is in [0, 1].
3. *Band*: strong from ``strong``, possible from ``possible``, weak below.

Fitting (/work/briefs/bands_fit.py, on the development split): with these spreads, the
thresholds fitted on either half of two splits of the requests (odd/even, and by occupation)
agreed — strong 0.75, possible 0.30 (0.25 once) — and on the other half kept 94 to 98 % of the
strong suggestions relevant (grade >= 2, among experts whose grade seniority and modality do not
lower) while folding away as weak about 2 % of the relevant experts. Since the roster phrases
joined the text signal (matcher 1.4), 0.75 keeps only 88 to 93 % on the halves (section 2 of the
script is the re-fit), so strong starts at 0.80: on the whole split 95 % of the strong top-10
suggestions are relevant (0.90 at 0.75), at the cost of fewer strong ones (74 % of requests have
one in their top 10, against 83 %). The prior crowds are read off the same split's full roster:
their mean is the median, over requests, of the roster's mean cosine (text 0.037, meaning
0.085), and they are fully close from the highest cosine that any request's own roster reads as
fully close (its mean plus ``text_spread`` or ``meaning_spread`` deviations: at most 0.749 in
wording, 0.568 in meaning), rounded up to 0.75 and 0.60: a cosine that is close on every roster
of the split, whatever the request. Fitted so on either half of both splits, they leave the
other half's bands as the roster alone gives them (at most one top-10 suggestion moves from weak
to possible). On rosters of 4 to 150 profiles drawn from the split and fitted afresh, half to
three quarters of them fitting, they keep strong 16 to 46 % of the profiles the full roster
reads as strong (the roster alone: 2 to 41 %), fold away fewer of the relevant ones (weak_leak
0.03 to 0.05 on homogeneous rosters, against 0.06 to 0.15) and turn none of the full roster's
weak ones strong. The prior is conservative on small rosters: below a few hundred distinct
phrases the meaning space is not projected (``SemanticSimilarity.dimensions``), and unprojected
cosines run a little lower than the projected ones the prior was read from. Re-fit whenever the
text or meaning signals change."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from matching._records import POSSIBLE, STRONG, WEAK, Relevance

RELEVANCE_SIGNALS = ("text", "meaning", "skills", "area")


@dataclass(frozen=True)
class Crowd:
    """A crowd of cosines for one request (the roster's, or a prior one), summed up: their
    mean, and ``scale``, the cosine distance above it at which a profile is fully close (0:
    nobody can stand out)."""

    mean: float
    scale: float

    def closeness(self, cosines: np.ndarray) -> np.ndarray:
        """How far each cosine stands above the mean, as a share of ``scale``, in [0, 1]."""
        if self.scale <= 0.0:
            return np.zeros(np.shape(cosines), dtype=np.float32)
        standing = (np.asarray(cosines, dtype=np.float32) - self.mean) / self.scale
        close: np.ndarray = np.clip(standing, 0.0, 1.0).astype(np.float32)
        return close


NO_PRIOR = Crowd(0.0, 0.0)  # nobody stands out of it: the roster's crowd alone decides


@dataclass(frozen=True)
class RelevanceBands:
    """The band thresholds and how closeness is read (see the module docstring).

    strong, possible
        Relevance from which a suggestion is strong, and from which it is possible; below
        ``possible`` it is weak.
    text_spread, meaning_spread
        How many standard deviations above the roster's mean cosine a profile must stand to
        count as fully close in wording (TF-IDF) and in meaning (the encoder). On a roster too
        small for anyone to stand out that far (at most sqrt(n - 1) deviations among n
        profiles), the most a profile can stand out counts as fully close. The roster alone
        cannot tell fitting profiles apart when they are many of it: k equal profiles among n
        stand out by at most sqrt((n - k) / k) deviations (three of twelve: about half-close;
        two of two: not at all) — hence the prior crowds.
    text_prior, meaning_prior
        The prior crowds: the cosines of unrelated profiles summed up as the roster's are
        (mean, and the distance above it at which a profile is fully close), fixed once from
        a large diverse roster (see the module docstring). A profile is as close as it stands
        out of the roster's crowd or of the prior crowd, whichever is more.
        ``NO_PRIOR`` leaves the roster alone to judge.
    """

    strong: float = 0.80
    possible: float = 0.30
    text_spread: float = 12.0
    meaning_spread: float = 4.0
    text_prior: Crowd = Crowd(mean=0.04, scale=0.71)  # fully close from a cosine of 0.75
    meaning_prior: Crowd = Crowd(mean=0.08, scale=0.52)  # fully close from 0.60

    def band(self, relevance: float) -> str:
        if relevance >= self.strong:
            return STRONG
        return POSSIBLE if relevance >= self.possible else WEAK


def crowd(cosines: np.ndarray, alive: np.ndarray, spread: float) -> Crowd:
    """The crowd of the alive rows: fully close at ``spread`` standard deviations above their
    mean, or at sqrt(n - 1), the most any of n rows can stand out, if that is less. Nobody
    can stand out of fewer than two rows, or of rows that all score alike."""
    rows = cosines if alive.all() else cosines[alive]
    n = int(rows.size)
    if n < 2:
        return Crowd(0.0, 0.0)
    mean = float(rows.sum(dtype=np.float64)) / n
    squares = float(np.einsum("i,i->", rows, rows, dtype=np.float64))  # no float64 copy
    variance = max(squares / n - mean * mean, 0.0)
    return Crowd(mean, math.sqrt(variance) * min(spread, math.sqrt(n - 1)))


@dataclass(frozen=True)
class Reading:
    """How one request's cosines are read: against the roster's crowd and the prior crowd."""

    roster: Crowd
    prior: Crowd

    def closeness(self, cosines: np.ndarray) -> np.ndarray:
        """The more of the two closenesses: standing out of either crowd is being close."""
        close: np.ndarray = np.maximum(
            self.roster.closeness(cosines), self.prior.closeness(cosines)
        )
        return close


def closeness(
    cosines: np.ndarray, alive: np.ndarray, spread: float, prior: Crowd = NO_PRIOR
) -> np.ndarray:
    """Every row's closeness against the crowd of the alive rows (see ``crowd``) and against
    ``prior`` (by default none: the roster alone)."""
    return Reading(crowd(cosines, alive, spread), prior).closeness(cosines)


@dataclass(frozen=True)
class Assessment:
    """One request's relevance evidence: the signals, how the two cosines are read, and the
    weight of each relevance signal the request offers evidence for (summing to 1). Rows are
    assessed on demand: only the crowd statistics read the whole roster."""

    signals: Mapping[str, np.ndarray]
    text: Reading
    meaning: Reading
    weights: Mapping[str, float]
    skills_listed: bool
    rule: RelevanceBands

    def evidence(self, rows: Sequence[int] | np.ndarray) -> dict[str, np.ndarray]:
        """Each relevance signal's evidence for ``rows``, in [0, 1]."""
        rows = np.asarray(rows, dtype=np.intp)
        return {
            "text": self.text.closeness(self.signals["text_cosine"][rows]),
            "meaning": self.meaning.closeness(self.signals["meaning_cosine"][rows]),
            "skills": self.signals["skills"][rows],
            "area": self.signals["area"][rows],
        }

    def relevance(
        self, rows: Sequence[int] | np.ndarray, evidence: dict[str, np.ndarray] | None = None
    ) -> np.ndarray:
        """The relevance of ``rows``: the weighted mean of the evidence offered, in [0, 1]."""
        evidence = self.evidence(rows) if evidence is None else evidence
        total = np.zeros(len(rows), dtype=np.float64)
        for name, weight in self.weights.items():
            total += weight * evidence[name]
        return np.clip(total, 0.0, 1.0)

    def figures(self, rows: Sequence[int]) -> dict[int, Relevance]:
        """Each row's relevance, band and evidence, as the suggestions' facts keep them."""
        evidence = self.evidence(rows)
        relevance = self.relevance(rows, evidence)
        return {
            row: Relevance(
                score=float(relevance[i]),
                band=self.rule.band(float(relevance[i])),
                text=float(evidence["text"][i]),
                meaning=float(evidence["meaning"][i]),
                skills=float(evidence["skills"][i]) if self.skills_listed else None,
                strong_from=self.rule.strong,
                possible_from=self.rule.possible,
            )
            for i, row in enumerate(rows)
        }


def assess(
    signals: Mapping[str, np.ndarray],
    weights: Mapping[str, float],
    alive: np.ndarray,
    rule: RelevanceBands,
    *,
    skills_listed: bool,
    area_named: bool,
) -> Assessment:
    """The relevance evidence of one request, from the matcher's signals (``text_cosine`` and
    ``meaning_cosine`` before normalisation, ``skills`` and ``area``) and the ranking weights of
    the four relevance signals. ``skills_listed`` and ``area_named`` say whether the request
    offers that evidence at all: evidence it cannot offer is left out, not counted as 0."""
    offered = {"text": True, "meaning": True, "skills": skills_listed, "area": area_named}
    kept = {name: weights[name] for name in RELEVANCE_SIGNALS if offered[name]}
    total = sum(kept.values())
    return Assessment(
        signals,
        Reading(crowd(signals["text_cosine"], alive, rule.text_spread), rule.text_prior),
        Reading(crowd(signals["meaning_cosine"], alive, rule.meaning_spread), rule.meaning_prior),
        {name: weight / total for name, weight in kept.items() if weight > 0} if total else {},
        skills_listed,
        rule,
    )
