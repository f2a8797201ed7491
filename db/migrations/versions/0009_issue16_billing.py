"""issue16 billing: per-contract billing alignment (calendar / anniversary)

Revision ID: 0009
Revises: 0008
"""
from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import db.base  # noqa: F401

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Contracts stored before the choice existed were billed from their start date: they
    # keep anniversary alignment (their invoice keys stay the same); new ones default to
    # calendar in the model.
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('billing_alignment', sa.String(length=12), nullable=False,
                      server_default='anniversary')
        )
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.alter_column('billing_alignment', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_column('billing_alignment')
