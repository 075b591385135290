"""Roster search indexes: trigram indexes (PostgreSQL's pg_trgm, GIN) on the experts' names,
titles and external ids and on the skills' names, which the roster search reads for "contains"
(``ILIKE '%word%'``) instead of every row; on SQLite, plain indexes.

Reviewed by hand: indexes only, no data changed. pg_trgm is a trusted extension (PostgreSQL 13
and later): the database's owner may create it. Downgrade drops the indexes and leaves the
extension, which other databases' objects may use.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

INDEXES = [
    ("experts", "full_name"),
    ("experts", "title"),
    ("experts", "external_id"),
    ("skills", "name"),
]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in INDEXES:
        op.create_index(
            f"ix_{table}_{column}_trigram",
            table,
            [column],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )


def downgrade():
    for table, column in INDEXES:
        op.drop_index(f"ix_{table}_{column}_trigram", table_name=table)
