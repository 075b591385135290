"""Developer commands: ``civcap seed-demo``, ``eval-matching`` and ``bench-matching``.

They reach ``civcap`` as Flask CLI plugins (the ``flask.commands`` entry points of
``pyproject.toml``), so no feature imports the developer tools.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app import imports as importing
from app.devtools import bench_matching as benchmark
from app.devtools import demo, demo_deployments
from app.devtools import eval_matching as evaluation
from matching.bm25_peer import FTS5Unavailable

REPO_ROOT = Path(__file__).resolve().parents[2]
DEV_SPLIT = REPO_ROOT.parent / "shared" / "eval" / "dev"


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load the demo organisations, logins, roster and requests (safe to run again).

    The demo logins have published passwords, so this refuses to run in production.
    """
    if current_app.config["CIVCAP_ENV"] == "production":
        click.echo(
            "seed-demo creates logins with published passwords; it runs only with "
            "CIVCAP_ENV=development or testing.",
            err=True,
        )
        raise SystemExit(1)
    seeded = demo.seed_demo()
    click.echo(f"Demo roster: {seeded.experts}.")
    click.echo(f"Demo requests: {seeded.requests}.")
    if seeded.published:
        click.echo(f"Published {seeded.published} open request(s) to every member state.")
    if seeded.candidacies:
        click.echo(
            f"Demo candidacies: {seeded.candidacies} (on {demo_deployments.RECOMMENDED_ON} one "
            f"recommended, its readiness asked; on {demo_deployments.DEPLOYED_ON} one deployed, "
            "its assignment ending within 30 days)."
        )
    rows = [("role", "email", "password", "authenticator secret (TOTP)", "organisation")]
    rows += [
        (x.role.label, x.email, x.password, x.totp_secret or "-", x.organisation)
        for x in seeded.logins
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    click.echo("\nDemo logins:")
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    click.echo(
        "\nHR reviewers and the administrator log in with a code: add their secret to an "
        "authenticator app (a time-based key), or print the current code with\n"
        "  .venv/bin/python -c 'import pyotp; print(pyotp.TOTP(\"<secret>\").now())'"
    )
    if not all(login.created for login in seeded.logins):
        click.echo("Logins that existed already were left as they were.")


@click.command("eval-matching")
@click.argument(
    "directory", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="DIR"
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@with_appcontext
def eval_matching(directory: Path, as_json: bool) -> None:
    """Score the matcher and the FTS5 BM25 peer on an evaluation split DIR.

    DIR holds experts.jsonl, requests.jsonl and qrels.tsv (request id, expert id, graded
    relevance). They are
    imported into a fresh temporary database (the configured database is never touched) with
    the import code users run, and each request is ranked by the service the suggestions page
    uses. Prints ndcg@10, ndcg@10_fr, recall@50, mrr, deployable@10 and median ranking time for
    civcap and the peer, and the requests for which no expert is deployable.
    """
    with failures_said(directory):
        result = evaluation.evaluate(directory)
    if as_json:
        click.echo(json.dumps(result.as_json()))
    else:
        click.echo(evaluation.report(result, directory))


@contextmanager
def failures_said(directory: Path) -> Iterator[None]:
    """An evaluation that cannot run says why, on stderr, and exits with 1."""
    try:
        yield
    except importing.ImportFailed as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(f"civcap: {directory} cannot be imported; nothing was evaluated", err=True)
        raise SystemExit(1) from exc
    except (evaluation.EvaluationError, FTS5Unavailable) as exc:
        click.echo(f"civcap: {exc}", err=True)
        raise SystemExit(1) from exc


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
