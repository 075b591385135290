"""Column helpers shared by the models, and the append-only rule of the logs."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Session


def utcnow() -> datetime:
    """Timezone-aware now, used as a column default (a callable, evaluated per row)."""
    return datetime.now(UTC)


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A moment in time, always written and read back as an aware datetime in UTC.

    SQLite keeps no time zone (it hands back naive UTC) and PostgreSQL hands back the session's
    zone; with this type neither reaches the code. A naive value written is taken as UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive one is taken as UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def now_or(now: datetime | None) -> datetime:
    """``now`` in UTC when a caller gives one (tests, a fixed moment), else the current time."""
    return utcnow() if now is None else as_utc(now)


def enum_column(enum_class: type[enum.Enum], name: str) -> sa.Enum:
    """A column type storing ``enum_class``'s values (not its names) as a VARCHAR(20), the same
    on SQLite and PostgreSQL (no native enum type to migrate)."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        values_callable=lambda members: [m.value for m in members],
        length=20,
    )


class AppendOnlyError(RuntimeError):
    """Someone tried to change or delete a row that is written once (``AppendOnly``)."""


class AppendOnly:
    """A model whose rows are written once and never changed or deleted (the audit trail, the
    security log): the session refuses to flush a change or a deletion of one, raising the
    model's ``refusal``."""

    refusal: ClassVar[type[AppendOnlyError]] = AppendOnlyError
    refusal_message: ClassVar[str] = "this record cannot be changed or deleted"


@sa.event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AppendOnly) and (obj in session.deleted or session.is_modified(obj)):
            raise obj.refusal(obj.refusal_message)


def contains_index(table: str, column: str) -> sa.Index:
    """An index for "contains" searches (``ILIKE '%word%'``) on ``column``: a trigram index
    (GIN, ``pg_trgm``) on PostgreSQL, which finds the rows holding the word without reading
    every row; elsewhere (SQLite) a plain index, which such searches do not use."""
    return sa.Index(
        f"ix_{table}_{column}_trigram",
        column,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
    )
