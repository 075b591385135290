"""The ``civcap`` command: a Flask CLI group (``civcap --help``)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from app import create_app
from app.extensions import db
from app.models import OrganisationKind, Role
from app.services import demo, importing, mail, organisations, privacy, users
from app.services.errors import ValidationFailed
from config import ConfigurationError


def _create_app() -> Flask:
    """The app for a command; a configuration problem is one clear line, not a traceback."""
    try:
        return create_app()
    except ConfigurationError as exc:
        click.echo(f"civcap: configuration error: {exc}", err=True)
        raise SystemExit(2) from exc


@click.group(cls=FlaskGroup, create_app=_create_app)
def cli() -> None:
    """civcap: civilian-capacity roster and matching. Database commands are under `civcap db`."""


def fail(errors: ValidationFailed) -> None:
    for error in errors.errors:
        click.echo(f"error: {error}", err=True)
    raise SystemExit(2)


@cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True, help="The person's full name.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--organisation", required=True, help="Name of an existing organisation.")
@click.password_option(help="At least 10 characters; asked twice if not given.")
def create_user(email: str, full_name: str, role: str, organisation: str, password: str) -> None:
    """Create a login for a person of an existing organisation."""
    org = organisations.by_name(organisation)
    if org is None:
        raise click.BadParameter(
            f"no organisation named {organisation!r}", param_hint="--organisation"
        )
    try:
        user = users.create_user(email, full_name, password, Role(role), org)
    except ValidationFailed as exc:
        fail(exc)
    click.echo(f"Created {user.role.label} {user.email} of {org.name}.")


# ---- imports ---------------------------------------------------------------------------------

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


@cli.command("import-experts")
@click.argument("file", type=IMPORT_FILE)
def import_experts(file: Path) -> None:
    """Import experts from a JSON Lines FILE (one expert per line, see eval/README.md).

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


@cli.command("import-requests")
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


# ---- demo ------------------------------------------------------------------------------------


@cli.command("seed-demo")
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
    rows = [("role", "email", "password", "organisation")]
    rows += [(x.role.label, x.email, x.password, x.organisation) for x in seeded.logins]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    click.echo("\nDemo logins:")
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    if not all(login.created for login in seeded.logins):
        click.echo("Logins that existed already were left as they were.")


# ---- mail ------------------------------------------------------------------------------------


@cli.command("send-mail")
@click.option("--batch-size", default=200, show_default=True, hidden=True)
def send_mail(batch_size: int) -> None:
    """Send every notification still in the outbox (for cron).

    Prints "sent N, failed M, kept K" and exits with status 1 when some could not be
    delivered: they keep their error, are shown on the admin's outbox page and are tried
    again next time.
    """
    total = mail.Delivery()
    while True:
        batch = mail.deliver_pending(limit=batch_size, after_id=total.last_id)
        if not batch.tried:
            break
        total.add(batch)
        total.last_id = batch.last_id
    config = current_app.config
    if total.kept:
        click.echo(
            "The mail transport is the development outbox (CIVCAP_MAIL_TRANSPORT=outbox): "
            "messages stay there, for admins to read; nothing was sent."
        )
    click.echo(f"sent {total.sent}, failed {total.failed}, kept {total.kept}")
    if total.failed:
        click.echo(
            f"civcap: {total.failed} notification(s) could not be delivered through "
            f"{config['SMTP_HOST']}:{config['SMTP_PORT']}; they stay in the outbox "
            "(see the admin's outbox page for each error).",
            err=True,
        )
        latest = db.session.scalars(mail.messages("failed").limit(1)).first()
        if latest is not None:
            click.echo(f"latest error: {latest.last_error}", err=True)
        raise SystemExit(1)


# ---- personal data ---------------------------------------------------------------------------


@cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only list who would be erased; change nothing.")
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


def _register_matching_commands() -> None:
    from app.matching_commands import register

    register(cli)


_register_matching_commands()


def _register_dashboard_commands() -> None:
    from app.dashboard_commands import register

    register(cli)


_register_dashboard_commands()
