"""``civcap eval-matching``: measure the matcher through the real product path.

The evaluation never touches the configured database. It builds a fresh SQLite database in a
temporary directory with the Alembic migrations, in an app of its own; imports the split's
``experts.jsonl`` and ``requests.jsonl`` with ``app.imports`` (the code users run); ranks
each request with ``suggestions.worker_index.rank`` (the code the suggestions page runs) and
scores the ranked list (deployable experts, then near misses) against ``qrels.tsv``. In the same
run, on the same profiles, it scores the keyword-search peer (``matching.bm25_peer``). The
metrics are ndcg@10 (also over the French requests alone), recall@50, MRR and deployable@10.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app import imports as importing
from app.extensions import db
from app.models import Expert, ExpertiseRequest
from app.suggestions import worker_index
from matching import ExpertProfile, RequestProfile, deployability, metrics
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
    """One request's ranked experts (external ids) and the facts the metrics need."""

    request_id: str
    ranked: list[str]
    deployable_top10: float
    without_skills: bool
    seconds: float


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
        ranked = [s.expert_id for s in ranking.deployable + ranking.near_misses]
        civcap_runs.append(_run(row, request, ranked, external, profiles, seconds))

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
        civcap=_metrics(civcap_runs, qrels, len(profiles)),
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
    lines += ["", "Requests with no deployable expert on this roster:"]
    lines += [f"  {r}" for r in evaluation.no_deployable] or ["  none"]
    return "\n".join(lines)
