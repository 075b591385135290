"""Relevance bands: each saved suggestion's relevance (0 to 1) and band (strong, possible or
weak), and each run's count of strong deployable suggestions, which the HR dashboard reads to
count a request with none as a gap.

Reviewed by hand: three nullable columns; runs saved before bands keep NULL there (their
matcher gave no bands: the pages show none and the dashboard does not count them as gaps).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("suggestion_entries") as batch:
        batch.add_column(sa.Column("relevance", sa.Double(), nullable=True))
        batch.add_column(sa.Column("band", sa.String(length=8), nullable=True))
    with op.batch_alter_table("suggestion_runs") as batch:
        batch.add_column(sa.Column("strong_deployable", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("suggestion_runs") as batch:
        batch.drop_column("strong_deployable")
    with op.batch_alter_table("suggestion_entries") as batch:
        batch.drop_column("band")
        batch.drop_column("relevance")
