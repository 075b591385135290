"""Matching commands of the ``civcap`` CLI: reindex, eval-matching, bench-matching."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.services import benchmark, evaluation, importing
from app.services import matching as matching_service
from matching.bm25_peer import FTS5Unavailable

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_SPLIT = REPO_ROOT.parent / "shared" / "eval" / "dev"


def register(cli: click.Group) -> None:
    """Add the matching commands to the ``civcap`` group."""
    cli.add_command(reindex)
    cli.add_command(eval_matching)
    cli.add_command(bench_matching)


@click.command("reindex")
@with_appcontext
def reindex() -> None:
    """Rebuild the matching index of every worker from the database.

    The index is derived state: each web worker builds its own the first time it ranks, then
    keeps it current by a database watermark (latest expert change, expert count and index
    generation), so an expert saved in one worker is ranked by every other worker without a
    restart. This command raises the generation, so every worker rebuilds its index in the
    background at its next ranking, and rebuilds one here to report its size and build time.
    """
    generation = matching_service.request_reindex("civcap reindex")
    started = time.perf_counter()
    matcher = matching_service.roster_index().rebuild()
    seconds = time.perf_counter() - started
    click.echo(f"Indexed {len(matcher):,} suggestible experts in {seconds:.2f} s.")
    click.echo(f"Index generation {generation}: each web worker rebuilds at its next ranking.")


@click.command("eval-matching")
@click.argument(
    "directory", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="DIR"
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@with_appcontext
def eval_matching(directory: Path, as_json: bool) -> None:
    """Score the matcher and the FTS5 BM25 peer on an evaluation split DIR.

    DIR holds experts.jsonl, requests.jsonl and qrels.tsv (shared/eval/README.md). They are
    imported into a fresh temporary database (the configured database is never touched) with
    the import code users run, and each request is ranked by the service the suggestions page
    uses. Prints ndcg@10, ndcg@10_fr, recall@50, mrr, deployable@10 and median ranking time for
    civcap and the peer, and the requests for which no expert is deployable.
    """
    try:
        result = evaluation.evaluate(directory)
    except importing.ImportFailed as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(f"civcap: {directory} cannot be imported; nothing was evaluated", err=True)
        raise SystemExit(1) from exc
    except (evaluation.EvaluationError, FTS5Unavailable) as exc:
        click.echo(f"civcap: {exc}", err=True)
        raise SystemExit(1) from exc
    if as_json:
        click.echo(json.dumps(result.as_json()))
    else:
        click.echo(evaluation.report(result, directory))


@click.command("bench-matching")
@click.option("--experts", "n_experts", type=click.IntRange(min=1), required=True,
              help="Roster size to build.")  # fmt: skip
@click.option("--requests", "n_requests", type=click.IntRange(min=1), default=200,
              show_default=True, help="Number of requests to rank.")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the resampling: the same seed builds the same roster.")  # fmt: skip
@click.option("--dev", "dev_dir", type=click.Path(file_okay=False, path_type=Path),
              default=DEV_SPLIT, show_default="../shared/eval/dev from the repository root",
              help="The development split to resample.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def bench_matching(
    n_experts: int, n_requests: int, seed: int, dev_dir: Path, as_json: bool
) -> None:
    """Measure matching speed and memory on a synthetic roster of N experts.

    The roster and requests are resampled from the development split with varied text and
    attributes. Measured in one run, on the matching package (no database): index build
    seconds, one-expert update milliseconds (median of 50), ranking latency per request
    (median and p95, top 50 with explanations, after one warm-up request), the peak resident
    memory of the process, and the FTS5 BM25 peer's query latency on the same roster.
    """
    try:
        split = benchmark.read_split(dev_dir)
        result = benchmark.run(split, n_experts, n_requests, seed)
    except (benchmark.BenchmarkError, FTS5Unavailable) as exc:
        click.echo(f"civcap: {exc}", err=True)
        raise SystemExit(1) from exc
    if as_json:
        click.echo(json.dumps(result.as_json()))
    else:
        click.echo(benchmark.report(result))
