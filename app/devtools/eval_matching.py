"""``civcap eval-matching``: measure the matcher through the real product path.

The evaluation never touches the configured database. It builds a fresh SQLite database in a
temporary directory with the Alembic migrations, in an app of its own; imports the split's
``experts.jsonl`` and ``requests.jsonl`` with ``app.imports`` (the code users run); ranks
each request with ``suggestions.worker_index.rank`` (the code the suggestions page runs) and
scores the ranked list (deployable experts, then near misses) against ``qrels.tsv``. In the same
run, on the same profiles, it scores the keyword-search peer (``matching.bm25_peer``). The
metrics are ndcg@10 (also over the French requests alone), recall@50, MRR and deployable@10,
and for civcap's relevance bands (``band_metrics``) strong_precision and weak_leak.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app import imports as importing
from app.extensions import db
from app.models import Expert, ExpertiseRequest
from app.suggestions import worker_index
from matching import (
    BANDS,
    STRONG,
    WEAK,
    ExpertProfile,
    RequestProfile,
    Suggestion,
    deployability,
    metrics,
)
from matching.bm25_peer import Bm25Peer

REQUESTING_ORGANISATION = "Evaluation requests"
K = 50
FILES = ("experts.jsonl", "requests.jsonl", "qrels.tsv")
METRICS = ("ndcg@10", "ndcg@10_fr", "recall@50", "mrr", "deployable@10")

Qrels = dict[str, dict[str, int]]


class EvaluationError(Exception):
    """The split cannot be evaluated (a file is missing or malformed)."""


@dataclass
class RequestRun:
    """One request's ranked experts (external ids) and the facts the metrics need.

    For civcap's runs, ``bands``, ``deployable`` and ``qualified`` hold, rank by rank, the
    relevance band, whether the expert is deployable, and whether they meet the minimum years
    and accept the modality (the two conditions the grades of ``qrels.tsv`` are lowered for,
    and which bands ignore); the peer's runs leave them empty.
    """

    request_id: str
    ranked: list[str]
    deployable_top10: float
    without_skills: bool
    seconds: float
    bands: list[str] = field(default_factory=list)
    deployable: list[bool] = field(default_factory=list)
    qualified: list[bool] = field(default_factory=list)


@dataclass
class Evaluation:
    """Scores of civcap and of the peer on one split, and the hopeless requests.

    ``ndcg_by_request`` holds (civcap, peer) nDCG@10 for each judged request, to look into.
    """

    civcap: dict[str, float | int]
    peer: dict[str, float | int]
    no_deployable: list[str] = field(default_factory=list)
    ndcg_by_request: dict[str, tuple[float, float]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {**self.civcap, "peer": self.peer, "no_deployable": self.no_deployable}


def read_qrels(path: Path) -> Qrels:
    """request id -> expert id -> grade (1..3) from a ``request_id expert_id grade`` TSV."""
    qrels: Qrels = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        cells = line.split("\t")
        if not line.strip() or (number == 1 and cells[0] == "request_id"):
            continue
        try:
            request_id, expert_id, grade = cells
            qrels.setdefault(request_id, {})[expert_id] = int(grade)
        except ValueError as exc:
            raise EvaluationError(
                f"{path}: line {number}: expected request_id<TAB>expert_id<TAB>grade"
            ) from exc
    return qrels


def evaluate(directory: Path) -> Evaluation:
    """Evaluate the split in ``directory`` in a temporary database of its own.

    The evaluation runs in an app of its own, created on the temporary database's URL, so the
    configured database is never opened (whatever app context the caller is in). Raises
    ``EvaluationError`` for a missing file and ``importing.ImportFailed`` for a file the import
    refuses.
    """
    missing = [name for name in FILES if not (directory / name).is_file()]
    if missing:
        raise EvaluationError(f"{directory} lacks {', '.join(missing)}")
    qrels = read_qrels(directory / "qrels.tsv")
    with tempfile.TemporaryDirectory(prefix="civcap-eval-") as tmp:
        url = "sqlite:///" + str(Path(tmp) / "eval.sqlite3")
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}})
        if app.config["SQLALCHEMY_DATABASE_URI"] != url:  # never score the real roster
            raise EvaluationError("the evaluation app is not on its temporary database")
        with app.app_context():
            try:
                upgrade()
                importing.import_experts(directory / "experts.jsonl")
                importing.import_requests(
                    directory / "requests.jsonl", organisation=REQUESTING_ORGANISATION
                )
                return _score(qrels)
            finally:
                db.session.remove()
                db.engine.dispose()


def _score(qrels: Qrels) -> Evaluation:
    expert_ids: dict[int, str | None] = {
        expert_id: external_id
        for expert_id, external_id in db.session.execute(sa.select(Expert.id, Expert.external_id))
    }
    worker_index.roster_index().rebuild()
    profiles = {p.expert_id: p for p in worker_index.load_profiles()[0]}
    rows = db.session.scalars(
        sa.select(ExpertiseRequest).order_by(ExpertiseRequest.external_id)
    ).all()
    requests = [(row, worker_index.request_profile(row)) for row in rows]

    def external(ids: Sequence[int]) -> list[str]:
        return [expert_ids[i] or str(i) for i in ids]

    civcap_runs, peer_runs = [], []
    for row, request in requests:
        started = time.perf_counter()
        ranking = worker_index.rank(row, k=K)
        seconds = time.perf_counter() - started
        suggestions = ranking.deployable + ranking.near_misses
        run = _run(row, request, [s.expert_id for s in suggestions], external, profiles, seconds)
        civcap_runs.append(_with_bands(run, suggestions))

    peer = Bm25Peer().fit(profiles.values())
    try:
        for row, request in requests:
            started = time.perf_counter()
            ranked = peer.rank(request, k=K)
            seconds = time.perf_counter() - started
            peer_runs.append(_run(row, request, ranked, external, profiles, seconds))
    finally:
        peer.close()

    hopeless = [
        row.external_id or str(row.id)
        for row, request in requests
        if not any(deployability(p, request).deployable for p in profiles.values())
    ]
    return Evaluation(
        civcap=_metrics(civcap_runs, qrels, len(profiles)) | band_metrics(civcap_runs, qrels),
        peer=_metrics(peer_runs, qrels, len(profiles)),
        no_deployable=hopeless,
        ndcg_by_request={
            ours.request_id: (
                metrics.ndcg_at(ours.ranked, qrels[ours.request_id]),
                metrics.ndcg_at(theirs.ranked, qrels[theirs.request_id]),
            )
            for ours, theirs in zip(civcap_runs, peer_runs, strict=True)
            if ours.request_id in qrels
        },
    )


def _run(
    row: ExpertiseRequest,
    request: RequestProfile,
    ranked: list[int],
    external: Callable[[Sequence[int]], list[str]],
    profiles: dict[int, ExpertProfile],
    seconds: float,
) -> RequestRun:
    top = ranked[:10]
    deployable = sum(deployability(profiles[i], request).deployable for i in top)
    return RequestRun(
        request_id=row.external_id or str(row.id),
        ranked=external(ranked),
        deployable_top10=deployable / len(top) if top else 0.0,
        without_skills=not request.required_skills,
        seconds=seconds,
    )


def _with_bands(run: RequestRun, suggestions: Sequence[Suggestion]) -> RequestRun:
    """``run`` with, rank by rank, what ``band_metrics`` needs of civcap's suggestions."""
    return replace(
        run,
        bands=[s.band for s in suggestions],
        deployable=[s.deployable for s in suggestions],
        qualified=[qualified(s) for s in suggestions],
    )


def qualified(suggestion: Suggestion) -> bool:
    """Whether the expert meets the request's minimum years and accepts its modality (the
    matcher's own facts): the two conditions that lower an expert's grade in ``qrels.tsv`` but
    play no part in bands."""
    facts = suggestion.facts
    return facts is not None and facts.experienced_enough and facts.accepts_modality


def band_metrics(runs: Sequence[RequestRun], qrels: Qrels) -> dict[str, float | int]:
    """How well the relevance bands of ``runs`` agree with the grades, pooled over requests.

    ``strong_precision``: share of the strong suggestions of the top 10s with grade >= 2 (its
    ``_qualified`` variant counts only the experts whose grade seniority and modality did not
    lower: bands ignore both, so an expert of the right occupation short of both is strong
    with grade 1). ``weak_leak``: share of the grade >= 2 experts of the top 50s marked weak.
    ``strong@10``: share of requests with at least one strong deployable suggestion in the top
    10 (``_fr``: over the requests without required skills, the French ones). ``top10_*``:
    how many top-10 suggestions are in each band.
    """
    tops = [(run, _places(run, qrels, 10)) for run in runs]
    top10 = [place for _run, places in tops for place in places]
    strong = [place for place in top10 if place.band == STRONG]
    found = [place for run in runs for place in _places(run, qrels, K) if place.grade >= 2]
    with_strong = {
        run.request_id: any(p.band == STRONG and p.deployable for p in places)
        for run, places in tops
    }
    return {
        "strong_precision": _share(strong, lambda p: p.grade >= 2),
        "strong_precision_qualified": _share(
            [p for p in strong if p.qualified], lambda p: p.grade >= 2
        ),
        "weak_leak": _share(found, lambda p: p.band == WEAK),
        "strong@10": metrics.mean([float(with_strong[r.request_id]) for r in runs]),
        "strong@10_fr": metrics.mean(
            [float(with_strong[r.request_id]) for r in runs if r.without_skills]
        ),
        **{f"top10_{band}": sum(p.band == band for p in top10) for band in BANDS},
    }


@dataclass(frozen=True)
class _Place:
    """One rank of a civcap run: its band, the expert's grade and the facts bands ignore."""

    band: str
    grade: int
    deployable: bool
    qualified: bool


def _places(run: RequestRun, qrels: Qrels, k: int) -> list[_Place]:
    grades = qrels.get(run.request_id, {})
    rows = zip(run.ranked, run.bands, run.deployable, run.qualified, strict=True)
    return [_Place(band, grades.get(e, 0), ok, fits) for e, band, ok, fits in rows][:k]


def _share(places: Sequence[_Place], test: Callable[[_Place], bool]) -> float:
    return sum(test(p) for p in places) / len(places) if places else 0.0


def _metrics(runs: list[RequestRun], qrels: Qrels, experts: int) -> dict[str, float | int]:
    def grades(run: RequestRun) -> dict[str, int]:
        return qrels.get(run.request_id, {})

    judged = [r for r in runs if any(g > 0 for g in grades(r).values())]
    return {
        "ndcg@10": metrics.mean([metrics.ndcg_at(r.ranked, grades(r), 10) for r in judged]),
        "ndcg@10_fr": metrics.mean(
            [metrics.ndcg_at(r.ranked, grades(r), 10) for r in judged if r.without_skills]
        ),
        "recall@50": metrics.mean([metrics.recall_at(r.ranked, grades(r), K, 2) for r in runs]),
        "mrr": metrics.mean([metrics.reciprocal_rank(r.ranked, grades(r), 3) for r in runs]),
        "deployable@10": metrics.mean([r.deployable_top10 for r in runs]),
        "requests": len(runs),
        "experts": experts,
        "median_ms": statistics.median(r.seconds for r in runs) * 1000 if runs else 0.0,
    }


def report(evaluation: Evaluation, directory: Path) -> str:
    """The evaluation as a table, civcap against the peer, for people."""
    ours, peer = evaluation.civcap, evaluation.peer
    lines = [
        f"Matching evaluation of {directory}: {ours['requests']} requests, "
        f"{ours['experts']:,} experts (temporary database; the configured one is untouched)",
        "",
        f"{'metric':<15}{'civcap':>10}{'FTS5 BM25':>12}",
    ]
    for name in METRICS:
        lines.append(f"{name:<15}{ours[name]:>10.3f}{peer[name]:>12.3f}")
    lines.append(f"{'median_ms':<15}{ours['median_ms']:>10.2f}{peer['median_ms']:>12.2f}")
    lines += [
        "",
        "Relevance bands (civcap), pooled over the top 10 of every request:",
        f"  strong_precision  {ours['strong_precision']:.3f}"
        f" (qualified experts: {ours['strong_precision_qualified']:.3f})",
        f"  weak_leak         {ours['weak_leak']:.3f} (of grade >= 2 experts in the top {K})",
        f"  strong@10         {ours['strong@10']:.3f}"
        f" (requests without required skills: {ours['strong@10_fr']:.3f})",
        f"  top 10 bands      {ours['top10_strong']} strong, {ours['top10_possible']} possible,"
        f" {ours['top10_weak']} weak",
    ]
    lines += ["", "Requests with no deployable expert on this roster:"]
    lines += [f"  {r}" for r in evaluation.no_deployable] or ["  none"]
    return "\n".join(lines)
