"""``civcap create-user``: a login for a person of an existing organisation."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.accounts import links, organisations, tokens, users
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
@click.option(
    "--invite",
    is_flag=True,
    help="Print a single-use link where the person sets their own password (and sets up their "
    "authenticator app where the role needs one), instead of asking for a password.",
)
@click.option(
    "--email-invitation",
    is_flag=True,
    help="With --invite: also email the link to the person.",
)
@click.password_option(
    prompt_required=False,
    help="At least 12 characters and hard to guess (a few words); asked twice if neither it "
    "nor --invite is given.",
)
@with_appcontext
def create_user(
    email: str,
    full_name: str,
    role: str,
    organisation: str,
    invite: bool,
    email_invitation: bool,
    password: str | None,
) -> None:
    """Create a login for a person of an existing organisation."""
    org = organisations.by_name(organisation)
    if org is None:
        raise click.BadParameter(
            f"no organisation named {organisation!r}", param_hint="--organisation"
        )
    if invite and password:
        raise click.UsageError("give either --password or --invite, not both")
    if email_invitation and not invite:
        raise click.UsageError("--email-invitation goes with --invite")
    if not invite and not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        if invite:
            user, link = links.invite_new_user(
                email, full_name, Role(role), org, actor=None, send=email_invitation
            )
        else:
            user = users.create_user(email, full_name, password, Role(role), org)
    except ValidationFailed as exc:
        fail(exc)
    click.echo(f"Created {user.role.label} {user.email} of {org.name}.")
    if invite:
        days = current_app.config["INVITATION_DAYS"]
        click.echo(f"Invitation link (works once, for {days} days; give it to the person only):")
        click.echo(link)


@click.command("create-token")
@click.option("--email", required=True, help="The person the token acts for.")
@click.option("--scope", type=click.Choice(["read", "write"]), required=True)
@click.option("--name", required=True, help="What the token is for.")
@click.option(
    "--days",
    type=int,
    default=tokens.DEFAULT_DAYS,
    show_default=True,
    help=f"Days until it expires (1 to {tokens.MAX_DAYS}).",
)
@with_appcontext
def create_token(email: str, scope: str, name: str, days: int) -> None:
    """Make an API token for a person and print it, once: civcap keeps only its fingerprint.

    The token acts as the person: never more than their role and organisation allow.
    """
    user = users.by_email(email)
    if user is None:
        raise click.BadParameter(f"no user with the email {email!r}", param_hint="--email")
    try:
        made = tokens.create(user, name, scope, days)
    except ValidationFailed as errors:
        fail(errors)
    click.echo(made.secret)
    click.echo(
        f"civcap: token {made.token.name!r} ({scope}) for {user.email}, expires "
        f"{made.token.expires_at:%Y-%m-%d}; it is shown only this once",
        err=True,
    )
