"""Query pieces the pages share, and the bounds that keep numbers from a URL inside what the
database can hold."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal


def escape_like(text: str) -> str:
    """``text`` for a LIKE pattern with ``escape="\\"``: the user's ``%``, ``_`` and ``\\``
    match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_pattern(text: str) -> str:
    """A "contains" pattern for ``ilike(..., escape="\\")``."""
    return f"%{escape_like(text)}%"


def newest(column: Any) -> Any:
    """``max(column)`` as a scalar subquery: one index look-up in a watermark's statement."""
    return sa.select(sa.func.max(column)).scalar_subquery()


class InSubquery(ColumnElement[bool]):
    """``column IN (subquery)`` that an OR with index conditions can still use indexes for.

    PostgreSQL plans ``a ILIKE x OR id IN (SELECT ...)`` as a scan of every row, since the
    subquery cannot join the bitmap of the others; ``id = ANY(ARRAY(SELECT ...))`` is run
    once, first, and looked up by the primary key, so the OR is a union of index scans (the
    roster search's count at 100,000 experts: 160 ms → 18 ms). Other databases get the plain
    ``IN``.
    """

    inherit_cache = True
    type = sa.types.NullType()  # a condition, rendered as is (no "= 1" on SQLite)
    # Both parts are in the statement's cache key (with their bound values kept apart), so a
    # search is compiled once and then served from SQLAlchemy's cache like any other query.
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("subquery", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: Any, subquery: sa.Select[Any]) -> None:
        self.column = column
        self.subquery = subquery


@compiles(InSubquery)
def _in_subquery(element: InSubquery, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column.in_(element.subquery), **kw))


@compiles(InSubquery, "postgresql")
def _any_of_array(element: InSubquery, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    subquery = compiler.process(element.subquery, asfrom=False, **kw)
    return f"{column} = ANY(ARRAY({subquery}))"


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
