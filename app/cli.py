"""The ``civcap`` command: a Flask CLI group (``civcap --help``).

Each feature's commands are Flask CLI plugins (the ``flask.commands`` entry points of
``pyproject.toml``), so ``civcap --help`` lists them even where civcap is not configured yet.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, NoAppException

from app import create_app
from config import ConfigurationError


def _create_app() -> Flask:
    """The app for a command; a configuration problem is one clear line, not a traceback.

    As ``NoAppException``, ``civcap --help`` still lists every command, and a command says what
    to set (exit status 2)."""
    try:
        return create_app()
    except ConfigurationError as exc:
        raise NoAppException(f"civcap: configuration error: {exc}") from exc


@click.group(cls=FlaskGroup, create_app=_create_app)
def cli() -> None:
    """civcap: civilian-capacity roster and matching. Database commands are under `civcap db`."""
