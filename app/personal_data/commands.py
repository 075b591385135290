"""``civcap purge``: erase experts withdrawn longer ago than the retention period, and delete
CV files read for experts who were never registered and old answers kept for API retries."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.api import idempotency
from app.cv import files as cv_files
from app.personal_data.jobs import purge_everything


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Only list who would be erased; change nothing.")
@with_appcontext
def purge(dry_run: bool) -> None:
    """Erase the personal data of experts withdrawn longer ago than the retention period.

    The period is CIVCAP_RETENTION_DAYS (default 365). Erased records stay, anonymised, for past
    shortlists and figures; each erasure is in the audit trail as done by "civcap purge". CV
    files held for a new expert's form more than a day ago, and never used, are deleted, and
    so are the API's answers kept for an Idempotency-Key more than a day ago.
    """
    done = purge_everything(dry_run=dry_run)
    answers, held, ids = done.answers, done.held_files, done.expert_ids
    if answers:
        verb = "Would forget" if dry_run else "Forgot"
        click.echo(
            f"{verb} {answers} API answer(s) kept for an Idempotency-Key more than "
            f"{idempotency.KEPT_HOURS} hours ago."
        )
    if held:
        verb = "Would delete" if dry_run else "Deleted"
        hours = cv_files.HELD_HOURS
        click.echo(
            f"{verb} {held} CV file(s) read more than {hours} hours ago for an expert "
            "who was never registered."
        )
    days = current_app.config["RETENTION_DAYS"]
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
