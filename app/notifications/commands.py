"""``civcap send-mail``: deliver what waits in the outbox (for cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.notifications import outbox as mail


@click.command("send-mail")
@click.option("--batch-size", default=200, show_default=True, hidden=True)
@with_appcontext
def send_mail(batch_size: int) -> None:
    """Send every notification still in the outbox (for cron).

    Prints "sent N, failed M, kept K" and exits with status 1 when some could not be
    delivered: they keep their error, are shown on the admin's outbox page and are tried
    again next time.
    """
    total = mail.deliver_every_pending(batch_size)
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
