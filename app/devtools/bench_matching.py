"""``civcap bench-matching``: speed and memory of the matcher on a large synthetic roster.

The roster is resampled from the development split: each synthetic expert copies a dev expert
with varied text (skills sampled and shuffled, summary sentences dropped or repeated, a few
words misspelt) and attributes (years, availability dates, language levels, modalities), under
a unique id. Requests are resampled from the dev requests the same way. The same seed builds
the same roster and requests.

Everything is measured in one run on the ``matching`` package, as the app uses it (no
database): ``Matcher().fit``, ``Matcher.upsert`` of changed profiles, ``Matcher.rank`` with
explanations, then the FTS5 BM25 peer on the same roster.
"""

from __future__ import annotations

import gc
import json
import random
import resource
import statistics
import sys
import time
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from app.common.reference import countries
from app.models.taxonomy import normalise_skill
from matching import CEFR_LEVELS, ExpertProfile, Matcher, RequestProfile
from matching.bm25_peer import Bm25Peer

UPDATES = 50
MODALITIES = ("government_provided", "consultant", "staff", "un_volunteer")
UN_LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")


class BenchmarkError(Exception):
    """The benchmark cannot run (the development split is missing or malformed)."""


@dataclass(frozen=True)
class Split:
    """The development split's experts and requests as the matcher sees them."""

    experts: list[ExpertProfile]
    requests: list[RequestProfile]


@dataclass
class Benchmark:
    experts: int
    requests: int
    build_s: float
    update_ms: float
    rank_ms_median: float
    rank_ms_p95: float
    peak_rss_mb: float
    peer_ms_median: float
    rss_before_peer_mb: float = 0.0
    peer_build_s: float = 0.0

    def as_json(self) -> dict[str, Any]:
        figures = asdict(self)
        del figures["rss_before_peer_mb"], figures["peer_build_s"]
        return figures


# ---- the development split -------------------------------------------------------------------


def read_split(directory: Path) -> Split:
    """Read ``experts.jsonl`` and ``requests.jsonl`` of a split as matcher records."""
    files = [directory / "experts.jsonl", directory / "requests.jsonl"]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise BenchmarkError(
            f"the development split is missing ({', '.join(missing)}); "
            "give its directory with --dev DIR"
        )
    try:
        known = countries()
        experts = [_expert(i, r, known) for i, r in enumerate(_records(files[0]), start=1)]
        requests = [_request(i, r) for i, r in enumerate(_records(files[1]), start=1)]
    except (KeyError, ValueError, TypeError) as exc:
        raise BenchmarkError(f"{directory}: not in the interchange format ({exc!r})") from exc
    if not experts or not requests:
        raise BenchmarkError(f"{directory} holds no experts or no requests")
    return Split(experts, requests)


def _records(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _expert(expert_id: int, r: dict[str, Any], known: dict[str, Any]) -> ExpertProfile:
    nationality = r.get("nationality", "")
    return ExpertProfile(
        expert_id=expert_id,
        title=r["title"],
        summary=r.get("summary") or "",
        skills=tuple(sorted({normalise_skill(s) for s in r.get("skills") or []})),
        areas=tuple(sorted(r.get("areas") or [])),
        languages={x["code"]: x["level"] for x in r["languages"]},
        years_experience=int(r.get("years_experience") or 0),
        available_from=date.fromisoformat(r["available_from"]),
        available_until=_day(r.get("available_until")),
        modalities=tuple(sorted(r["modalities"])),
        nationality=nationality,
        gender=r.get("gender") or "undisclosed",
        global_south=bool(nationality in known and known[nationality].global_south),
    )


def _request(request_id: int, r: dict[str, Any]) -> RequestProfile:
    return RequestProfile(
        request_id=request_id,
        title=r["title"],
        terms_of_reference=r.get("terms_of_reference") or "",
        area=r["area"],
        required_skills=tuple(normalise_skill(s) for s in r.get("required_skills") or []),
        languages={x["code"]: x["min_level"] for x in r.get("languages") or []},
        min_years_experience=int(r.get("min_years_experience") or 0),
        start_date=date.fromisoformat(r["start_date"]),
        duration_months=int(r["duration_months"]),
        modality=r["modality"],
    )


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# ---- resampling ------------------------------------------------------------------------------


def _misspell(text: str, rng: random.Random, rate: float = 0.03) -> str:
    """``text`` with about ``rate`` of its longer words misspelt (two letters swapped)."""
    words = text.split(" ")
    for i, word in enumerate(words):
        if len(word) > 4 and word.isalpha() and rng.random() < rate:
            j = rng.randrange(len(word) - 1)
            words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    return " ".join(words)


def _sentences(text: str, rng: random.Random) -> str:
    """Drop or repeat a sentence now and then; the first sentence (the title) stays."""
    parts = [s for s in text.split(". ") if s]
    if len(parts) > 2 and rng.random() < 0.3:
        del parts[rng.randrange(1, len(parts))]
    if len(parts) > 1 and rng.random() < 0.2:
        parts.insert(rng.randrange(1, len(parts) + 1), parts[rng.randrange(1, len(parts))])
    return _misspell(". ".join(parts), rng)


def _sample(items: tuple[str, ...], rng: random.Random, low: float) -> tuple[str, ...]:
    if not items:
        return items
    keep = max(1, round(len(items) * rng.uniform(low, 1.0)))
    return tuple(sorted(rng.sample(items, keep)))


def _level(level: str, rng: random.Random) -> str:
    index = CEFR_LEVELS.index(level) + rng.choice((-1, 0, 0, 0, 1))
    return CEFR_LEVELS[min(max(index, 0), len(CEFR_LEVELS) - 1)]


def vary_expert(source: ExpertProfile, expert_id: int, rng: random.Random) -> ExpertProfile:
    """A new expert like ``source``: same occupation, other words and circumstances."""
    languages = {code: _level(level, rng) for code, level in source.languages.items()}
    if rng.random() < 0.1:
        languages.setdefault(rng.choice(UN_LANGUAGES), rng.choice(CEFR_LEVELS))
    modalities = set(source.modalities)
    if rng.random() < 0.3:
        modalities ^= {rng.choice(MODALITIES)}
    shift = timedelta(days=rng.randint(-60, 60))
    start = source.available_from + shift
    until = source.available_until
    if until is not None:
        until = max(until + shift + timedelta(days=rng.randint(-30, 30)), start)
    return replace(
        source,
        expert_id=expert_id,
        title=_misspell(source.title, rng, 0.02),
        summary=_sentences(source.summary, rng),
        skills=_sample(source.skills, rng, 0.6),
        languages=languages,
        years_experience=max(0, source.years_experience + rng.randint(-3, 3)),
        available_from=start,
        available_until=until,
        modalities=tuple(sorted(modalities or {rng.choice(MODALITIES)})),
    )


def vary_request(source: RequestProfile, request_id: int, rng: random.Random) -> RequestProfile:
    """A new request like ``source``: same occupation, other wording, dates and needs."""
    return replace(
        source,
        request_id=request_id,
        terms_of_reference=_sentences(source.terms_of_reference, rng),
        required_skills=_sample(source.required_skills, rng, 0.7),
        languages={code: _level(level, rng) for code, level in source.languages.items()},
        min_years_experience=max(0, source.min_years_experience + rng.randint(-2, 2)),
        start_date=source.start_date + timedelta(days=rng.randint(-45, 45)),
        duration_months=max(1, source.duration_months + rng.randint(-2, 2)),
    )


def resample(split: Split, n_experts: int, n_requests: int, seed: int
             ) -> tuple[list[ExpertProfile], list[RequestProfile]]:  # fmt: skip
    rng = random.Random(seed)  # noqa: S311 - reproducible sampling, not secrets
    experts = [vary_expert(rng.choice(split.experts), i, rng) for i in range(1, n_experts + 1)]
    requests = [vary_request(rng.choice(split.requests), i, rng) for i in range(1, n_requests + 1)]
    return experts, requests


# ---- measuring -------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """The process's peak resident memory so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes vs KiB


def _ms(seconds: list[float]) -> tuple[float, float]:
    """(median, 95th percentile) in milliseconds."""
    values = [s * 1000 for s in seconds]
    if len(values) < 2:
        return values[0], values[0]
    return statistics.median(values), statistics.quantiles(values, n=20, method="inclusive")[-1]


def run(split: Split, n_experts: int, n_requests: int, seed: int = 0) -> Benchmark:
    """Build a roster of ``n_experts``, then time build, updates, ranking and the peer."""
    experts, requests = resample(split, n_experts, n_requests, seed)
    rng = random.Random(seed + 1)  # noqa: S311 - reproducible sampling, not secrets
    gc.collect()

    started = time.perf_counter()
    matcher = Matcher().fit(experts)
    build_s = time.perf_counter() - started

    updates = []
    for source in rng.sample(experts, min(UPDATES, len(experts))):
        changed = vary_expert(source, source.expert_id, rng)
        started = time.perf_counter()
        matcher.upsert(changed)
        updates.append(time.perf_counter() - started)

    matcher.rank(requests[0], k=50)  # warm-up: first-call costs are not per-request costs
    ranks = []
    for request in requests:
        started = time.perf_counter()
        matcher.rank(request, k=50)
        ranks.append(time.perf_counter() - started)
    rank_median, rank_p95 = _ms(ranks)
    rss_before_peer = peak_rss_mb()

    started = time.perf_counter()
    peer = Bm25Peer().fit(experts)
    peer_build_s = time.perf_counter() - started
    peer_times = []
    try:
        for request in requests:
            started = time.perf_counter()
            peer.rank(request, k=50)
            peer_times.append(time.perf_counter() - started)
    finally:
        peer.close()

    return Benchmark(
        experts=len(matcher),
        requests=len(requests),
        build_s=build_s,
        update_ms=statistics.median(updates) * 1000,
        rank_ms_median=rank_median,
        rank_ms_p95=rank_p95,
        peak_rss_mb=peak_rss_mb(),
        peer_ms_median=_ms(peer_times)[0],
        rss_before_peer_mb=rss_before_peer,
        peer_build_s=peer_build_s,
    )


def report(result: Benchmark) -> str:
    """The figures for people."""
    speedup = result.peer_ms_median / result.rank_ms_median if result.rank_ms_median else 0.0
    return "\n".join(
        [
            f"Matching benchmark: {result.experts:,} experts, {result.requests} requests",
            f"  index build          {result.build_s:9.2f} s",
            f"  one-expert update    {result.update_ms:9.2f} ms (median of {UPDATES})",
            f"  ranking, top 50      {result.rank_ms_median:9.2f} ms median, "
            f"{result.rank_ms_p95:.2f} ms p95 (with explanations)",
            f"  FTS5 BM25 peer       {result.peer_ms_median:9.2f} ms median "
            f"({speedup:.1f}x civcap's median; peer index built in {result.peer_build_s:.2f} s)",
            f"  peak memory          {result.peak_rss_mb:9.0f} MB for the process "
            f"({result.rss_before_peer_mb:.0f} MB before the peer was built)",
        ]
    )
