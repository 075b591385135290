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

    The index is derived state, kept current in each worker by a database watermark (latest
    expert change, newest expert and index generation), so an expert saved in one worker is
    ranked by every other without a restart. This command raises the generation and builds the
    new index here; where the index is shared (``CIVCAP_INDEX_DIR``), it is saved for every
    worker of the machine, which loads it at its next ranking (else each worker rebuilds its
    own, in the background). The old index serves until then.
    """
    generation = worker_index.request_reindex("civcap reindex")
    index = worker_index.roster_index()
    started = time.perf_counter()
    matcher = index.rebuild(trigger=worker_index.watermark())
    seconds = time.perf_counter() - started
    click.echo(f"Indexed {len(matcher):,} suggestible experts in {seconds:.2f} s.")
    if index.build is not None:
        click.echo(
            f"Index generation {generation}, saved in {index.build.path.parent}: each web "
            "worker of this machine loads it at its next ranking."
        )
    else:
        click.echo(f"Index generation {generation}: each web worker rebuilds at its next ranking.")
