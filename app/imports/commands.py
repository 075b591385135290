"""``civcap import-experts`` and ``import-requests``: JSON Lines files, all or nothing."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

import click
from flask.cli import with_appcontext

from app import imports as importing
from app.models import OrganisationKind

T = TypeVar("T")
IMPORT_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def import_failed(exc: importing.ImportFailed, file: Path) -> NoReturn:
    for error in exc.errors:
        click.echo(str(error), err=True)
    problems = "1 problem" if len(exc.errors) == 1 else f"{len(exc.errors)} problems"
    click.echo(f"nothing was imported: {problems} in {file}", err=True)
    raise SystemExit(1)


def with_progress(length: int, label: str, write: Callable[[importing.Progress], T]) -> T:
    """Run ``write`` with a progress bar on stderr (drawn only on a terminal)."""
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        return write(bar.update)


def imported(file: Path, summary: importing.ImportSummary) -> None:
    click.echo(f"Imported {file.name}: {summary}.")
    if summary.organisations_created:
        click.echo("New organisations: " + ", ".join(summary.organisations_created))


@click.command("import-experts")
@click.argument("file", type=IMPORT_FILE)
@with_appcontext
def import_experts(file: Path) -> None:
    """Import experts from a JSON Lines FILE (one expert per line; the templates on the
    roster's import page show every field).

    All or nothing: if any line has a problem, every problem is listed and nothing is saved.
    Experts whose external_id is known already are updated. Importing attests, for the
    nominating member state, each expert's consent (unless a line carries its own "consent").
    """
    actor = importing.source_label("import-experts", file)
    try:
        lines = importing.read_experts(file)
        summary = with_progress(
            len(lines),
            "Importing experts",
            lambda progress: importing.write_experts(lines, actor, progress=progress),
        )
    except importing.ImportFailed as exc:
        import_failed(exc, file)
    imported(file, summary)


@click.command("import-requests")
@click.argument("file", type=IMPORT_FILE)
@click.option(
    "--organisation",
    help="Requesting organisation of the lines that name no requesting_organisation; "
    "created if it does not exist.",
)
@click.option(
    "--kind",
    type=click.Choice([OrganisationKind.MISSION.value, OrganisationKind.HQ_DEPARTMENT.value]),
    default=OrganisationKind.MISSION.value,
    show_default=True,
    help="Kind of the requesting organisations that have to be created.",
)
@with_appcontext
def import_requests(file: Path, organisation: str | None, kind: str) -> None:
    """Import requests for expertise from a JSON Lines FILE (one request per line).

    All or nothing, like import-experts. Imported requests are open (accepted by HR) unless a
    line gives another status.
    """
    actor = importing.source_label("import-requests", file)
    try:
        plan = importing.read_requests(file, organisation, OrganisationKind(kind))
        summary = with_progress(
            len(plan),
            "Importing requests",
            lambda progress: importing.write_requests(plan, actor, progress=progress),
        )
    except importing.ImportFailed as exc:
        import_failed(exc, file)
    imported(file, summary)
