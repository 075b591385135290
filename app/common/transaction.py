"""One operation, one transaction: the only place where civcap commits.

A service operation runs inside ``transaction`` (as a decorator or a ``with`` block). Its
changes are committed once, at its end; any error rolls everything back, so nothing is saved
half-way; a row that someone else saved first (a stale ``version``) becomes a ``Conflict``
that names the record. An operation called by another joins it: only the outermost commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

from app.common.errors import Conflict
from app.extensions import db

_DEPTH = "civcap.transaction.depth"


def conflict(what: str) -> Conflict:
    return Conflict(
        f"This {what} was changed by someone else at the same time. "
        "Nothing of yours was saved; reload to see the current record."
    )


@contextmanager
def transaction(what: str = "record", *, keep: bool = True) -> Iterator[None]:
    """Commit the block's changes at its end (roll them back instead with ``keep=False``, for a
    dry run); on any error roll back and raise it, a stale row as ``Conflict`` naming ``what``.
    Inside another ``transaction`` the block joins it, and only the outermost commits."""
    session = db.session
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield
        if depth == 0:
            session.commit() if keep else session.rollback()
    except StaleDataError as exc:
        if depth == 0:
            session.rollback()
        raise conflict(what) from exc
    except BaseException:
        if depth == 0:
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth


def flush_or_conflict(what: str) -> None:
    """Write the operation's changes now, before queries that would autoflush them; a row that
    someone else saved first rolls the operation back and raises ``Conflict``."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        db.session.rollback()
        raise conflict(what) from exc
