from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db


@dataclass(frozen=True)
class FieldError:
    """What is wrong with one field of an input, in words a person can act on."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ValidationFailed(Exception):
    """Input broke a rule; nothing was saved."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


class Conflict(Exception):
    """Someone else changed the record since it was read; nothing was saved."""


class NotAllowed(Exception):
    """The action is not allowed for this record in its current state."""


def flush_or_conflict(what: str) -> None:
    """Write the changes now (before queries that would autoflush them); if another session
    saved the same row first, roll back and raise Conflict."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        db.session.rollback()
        raise Conflict(
            f"This {what} was changed by someone else at the same time. "
            "Nothing of yours was saved; reload to see the current record."
        ) from exc


def commit_or_conflict(what: str) -> None:
    """Commit; if another session saved the same row first, roll back and raise Conflict."""
    try:
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise Conflict(
            f"This {what} was changed by someone else at the same time. "
            "Nothing of yours was saved; reload to see the current record."
        ) from exc
