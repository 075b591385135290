"""Login throttles: failed logins per account and per client address, shared by every worker.

One row per key (``account:<email>`` or ``address:<ip>``): how many logins failed, the last
failure, until when no login is tried, and whether the key is locked (until an admin lifts it or
the lock expires). Kept in the database rather than in a worker's memory, so that the limits hold
across all web workers and restarts.

Reviewed by hand: the unique constraint on ``key`` follows the naming convention; no data to
carry over.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=330), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttles")),
        sa.UniqueConstraint("key", name=op.f("uq_login_throttles_key")),
    )


def downgrade():
    op.drop_table("login_throttles")
