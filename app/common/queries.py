"""Query pieces the list pages share."""

from __future__ import annotations


def like_pattern(text: str) -> str:
    """A case-insensitive "contains" pattern for ``ilike(..., escape="\\")``: the user's ``%``,
    ``_`` and ``\\`` match themselves."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
