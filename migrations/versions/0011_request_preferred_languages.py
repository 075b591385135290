"""Preferred languages of a request: languages a request would like, at a level, that rank
candidates who speak them a little higher and show in the explanation, without ever deciding
who is deployable.

Reviewed by hand: one new table, empty; no data to carry over.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "request_preferred_languages",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("level", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"],
            name=op.f("fk_request_preferred_languages_request_id_requests"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", "code", name=op.f("pk_request_preferred_languages")),
    )


def downgrade():
    op.drop_table("request_preferred_languages")
