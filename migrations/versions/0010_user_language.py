"""Users' language: the language of their pages and emails (en, fr, es, ar).

Empty until the person picks one on the language switcher; until then their browser's
``Accept-Language`` decides.

Reviewed by hand: one nullable column, no data to carry over.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("language")
