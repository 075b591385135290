"""The rows ``civcap bench-dashboard`` generates: roster, requests, shortlists.

Entry point: ``app.devtools.bench_data.generate.generate``. Each module here builds plain dicts
for one part of the data and writes them with ``insert`` (bulk Core inserts, a chunk at a
time, in the caller's transaction).
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from app.extensions import db

CHUNK = 5000


def insert(table: sa.Table, rows: list[dict[str, Any]], ids: bool = False) -> list[int]:
    """Bulk-insert ``rows`` in chunks; with ``ids``, give them the next free ids and return them.

    The ids are chosen here (after the largest in the table) rather than read back with
    RETURNING: plain executemany is several times faster through psycopg's pipeline. On
    PostgreSQL the id sequence is then moved past them, so the app's own inserts go on after.
    """
    new_ids: list[int] = []
    if ids and rows:
        first = (db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1
        new_ids = list(range(first, first + len(rows)))
        for row, new_id in zip(rows, new_ids, strict=True):
            row["id"] = new_id
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(table), rows[start : start + CHUNK])
    if new_ids and db.engine.dialect.name == "postgresql":
        db.session.execute(
            sa.text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
            {"table": table.name, "last": new_ids[-1]},
        )
    return new_ids


def days(rng: random.Random, low: float, high: float) -> timedelta:
    """A random span between ``low`` and ``high`` days."""
    return timedelta(days=rng.uniform(low, high))
