"""``civcap reindex``: every worker rebuilds its matching index from the database."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from app.suggestions import worker_index


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
    generation = worker_index.request_reindex("civcap reindex")
    started = time.perf_counter()
    matcher = worker_index.roster_index().rebuild()
    seconds = time.perf_counter() - started
    click.echo(f"Indexed {len(matcher):,} suggestible experts in {seconds:.2f} s.")
    click.echo(f"Index generation {generation}: each web worker rebuilds at its next ranking.")
