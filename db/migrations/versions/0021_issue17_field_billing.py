"""issue17 field to billing: out-of-scope requests carry the quote, the decision and the
invoice that bills them

Revision ID: 0021
Revises: 0020
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base  # noqa: F401

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('out_of_scope_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('quoted_rate', sa.Numeric(precision=12, scale=4), nullable=True))
        batch_op.add_column(sa.Column('currency', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('hours', sa.Numeric(precision=12, scale=4), nullable=True))
        batch_op.add_column(sa.Column('rate', sa.Numeric(precision=12, scale=4), nullable=True))
        batch_op.add_column(sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column('invoice_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_out_of_scope_requests_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_out_of_scope_requests_invoice_id_invoices'), 'invoices', ['invoice_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('out_of_scope_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_out_of_scope_requests_invoice_id_invoices'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_out_of_scope_requests_invoice_id'))
        batch_op.drop_column('invoice_id')
        batch_op.drop_column('amount')
        batch_op.drop_column('rate')
        batch_op.drop_column('hours')
        batch_op.drop_column('currency')
        batch_op.drop_column('quoted_rate')
        batch_op.drop_column('decision_reason')
