"""``civcap purge``: erase experts withdrawn longer ago than the retention period."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.personal_data import erasure as privacy


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Only list who would be erased; change nothing.")
@with_appcontext
def purge(dry_run: bool) -> None:
    """Erase the personal data of experts withdrawn longer ago than the retention period.

    The period is CIVCAP_RETENTION_DAYS (default 365). Erased records stay, anonymised, for past
    shortlists and figures; each erasure is in the audit trail as done by "civcap purge".
    """
    days = current_app.config["RETENTION_DAYS"]
    ids = privacy.due_for_purge() if dry_run else privacy.purge()
    if not ids:
        click.echo(f"Nothing to purge: no expert has been withdrawn for more than {days} days.")
        return
    which = f"{len(ids)} expert(s) withdrawn more than {days} days ago: "
    which += ", ".join(f"#{i}" for i in ids)
    if dry_run:
        click.echo(f"Would erase {which}")
        click.echo("Nothing was changed (--dry-run).")
    else:
        click.echo(f"Erased {which}")
