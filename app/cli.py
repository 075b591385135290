"""The ``civcap`` command: a Flask CLI group (``civcap --help``).

The commands come from the features (``register_commands`` in the factory adds each feature's
``COMMANDS``) and, for the developer tools, from the ``flask.commands`` entry points in
``pyproject.toml``.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from app import create_app
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
