"""Suggestion run fingerprints: what each ranking was made from (the matcher's version, the
request at its version, the filters, the roster's watermark), so that a view of an unchanged
ranking is shown the run saved for it instead of saving another.

Reviewed by hand: one new nullable column and an index; runs saved before it have none and are
never reused (the next view saves a run with its fingerprint).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("suggestion_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_suggestion_runs_request_fingerprint", ["request_id", "fingerprint"], unique=False
        )


def downgrade():
    with op.batch_alter_table("suggestion_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_suggestion_runs_request_fingerprint")
        batch_op.drop_column("fingerprint")
