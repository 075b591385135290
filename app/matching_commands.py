"""Matching commands of the ``civcap`` CLI: reindex, eval-matching, bench-matching."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    """Add the matching commands to the ``civcap`` group."""
