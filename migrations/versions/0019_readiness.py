"""Readiness: a candidate's checklist items recorded between recommendation and deployment
(screening, release letter, medical clearance, security training, passport, visa), each with its
status (to do, done, or an exception someone justified), its dates, a note, who changed it last,
and a version for concurrent changes. An item not yet recorded has no row.

Reviewed by hand: one new, empty table; no data to carry over. Its rows go with their candidate
(ON DELETE CASCADE), though civcap deletes no candidate.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "readiness_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "done",
                "exception",
                name="readiness_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_readiness_items_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_readiness_items_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readiness_items")),
        sa.UniqueConstraint(
            "candidate_id", "code", name=op.f("uq_readiness_items_candidate_id_code")
        ),
    )
    op.create_index(
        op.f("ix_readiness_items_candidate_id"), "readiness_items", ["candidate_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_readiness_items_candidate_id"), table_name="readiness_items")
    op.drop_table("readiness_items")
