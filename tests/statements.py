"""Counting the SQL statements a piece of code sends."""

from __future__ import annotations

from sqlalchemy import event

from app.extensions import db


class Statements:
    """Counts the SQL statements sent while it is open."""

    def __init__(self) -> None:
        self.count = 0
        self.sent: list[str] = []

    def __enter__(self) -> Statements:
        event.listen(db.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(db.engine, "before_cursor_execute", self._seen)

    def _seen(self, connection: object, cursor: object, statement: str, *args: object) -> None:
        self.count += 1
        self.sent.append(statement)
