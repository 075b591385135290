"""``civcap create-user``: a login for a person of an existing organisation."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.accounts import organisations, users
from app.common.errors import ValidationFailed
from app.models import Role


def fail(errors: ValidationFailed) -> None:
    for error in errors.errors:
        click.echo(f"error: {error}", err=True)
    raise SystemExit(2)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True, help="The person's full name.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--organisation", required=True, help="Name of an existing organisation.")
@click.password_option(
    help="At least 12 characters and hard to guess (a few words); asked twice if not given."
)
@with_appcontext
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
