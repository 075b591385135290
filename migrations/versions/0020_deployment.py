"""Deployment and the end of an assignment: the first and last days of a deployed candidate's
assignment, the day HR and the focal point were told it ends soon, when the expert was last sent
a link to provide their readiness items; a document on a readiness item; a request's high-risk
duty station (which asks the advanced security training); and the structured evaluations of
completed assignments (one by the requesting mission, one by HR).

Reviewed by hand: new nullable columns, one boolean that is false for every existing request
(server default), and one new, empty table whose rows go with their candidate. No data to carry
over: candidates deployed before this revision have no dates (their pages say so).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column(
            "evaluator_role",
            sa.Enum("requester", "hr", name="evaluator_role", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_evaluations_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_evaluations_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint(
            "candidate_id",
            "evaluator_role",
            name=op.f("uq_evaluations_candidate_id_evaluator_role"),
        ),
    )
    op.create_index(
        op.f("ix_evaluations_candidate_id"), "evaluations", ["candidate_id"], unique=False
    )
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ends_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ending_told_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("readiness_asked_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_candidates_ends_on"), ["ends_on"], unique=False)
    with op.batch_alter_table("readiness_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document_file", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("document_filename", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column("document_content_type", sa.String(length=100), nullable=True)
        )
        batch_op.add_column(
            sa.Column("document_uploaded_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("high_risk", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_column("high_risk")
    with op.batch_alter_table("readiness_items", schema=None) as batch_op:
        batch_op.drop_column("document_uploaded_at")
        batch_op.drop_column("document_content_type")
        batch_op.drop_column("document_filename")
        batch_op.drop_column("document_file")
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidates_ends_on"))
        batch_op.drop_column("readiness_asked_at")
        batch_op.drop_column("ending_told_on")
        batch_op.drop_column("ends_on")
        batch_op.drop_column("starts_on")
    op.drop_index(op.f("ix_evaluations_candidate_id"), table_name="evaluations")
    op.drop_table("evaluations")
