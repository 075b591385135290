"""Query pieces the pages share, and the bounds that keep numbers from a URL inside what the
database can hold."""

from __future__ import annotations


def escape_like(text: str) -> str:
    """``text`` for a LIKE pattern with ``escape="\\"``: the user's ``%``, ``_`` and ``\\``
    match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_pattern(text: str) -> str:
    """A "contains" pattern for ``ilike(..., escape="\\")``."""
    return f"%{escape_like(text)}%"


# Ids are PostgreSQL integers: a larger number names no record ("not found", never an overflow).
MAX_ID = 2**31 - 1
# No list has this many pages; a larger ?page= is "not found" before a query offsets that far.
MAX_PAGE = 1_000_000


def is_record_id(text: str) -> bool:
    """Whether ``text`` is a number that can be a record's id."""
    return text.isdigit() and len(text) <= len(str(MAX_ID)) and 0 < int(text) <= MAX_ID


def page_out_of_range(raw: str | None) -> bool:
    """Whether a ``?page=`` value is a whole number beyond any list."""
    raw = (raw or "").strip()
    return raw.isdigit() and (len(raw) > len(str(MAX_PAGE)) or int(raw) > MAX_PAGE)
