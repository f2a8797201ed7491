"""issue12 term model: evergreen, notice given, terminated, in_force_until, facts, versions

Revision ID: 0008
Revises: 0007
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TERM = ("id", "start_date", "end_date", "term_months", "auto_renew", "renewal_term_months",
         "notice_days")


def upgrade() -> None:
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evergreen', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('notice_given_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('terminated_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('in_force_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('facts', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_contracts_in_force_until'), ['in_force_until'],
                              unique=False)
    op.create_table('contract_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_versions_contract_id_contracts')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_contract_versions_created_by_id_users')),
    sa.ForeignKeyConstraint(['document_id'], ['contract_documents.id'], name=op.f('fk_contract_versions_document_id_contract_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_versions'))
    )
    with op.batch_alter_table('contract_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_versions_contract_id'), ['contract_id'], unique=False)
    # Backfill the derived column from the term model (contracts/term.py).
    from types import SimpleNamespace

    from contracts.term import last_day

    conn = op.get_bind()
    cols = ", ".join(_TERM)
    rows = conn.execute(sa.text(f"SELECT {cols} FROM contracts")).mappings().all()
    for row in rows:
        c = SimpleNamespace(**{k: _date(row[k]) if k.endswith("_date") else row[k] for k in _TERM})
        conn.execute(sa.text("UPDATE contracts SET in_force_until = :d WHERE id = :i"),
                     {"d": last_day(c), "i": row["id"]})


def _date(value):
    from datetime import date
    return date.fromisoformat(value) if isinstance(value, str) else value


def downgrade() -> None:
    with op.batch_alter_table('contract_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_versions_contract_id'))
    op.drop_table('contract_versions')
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contracts_in_force_until'))
        batch_op.drop_column('facts')
        batch_op.drop_column('in_force_until')
        batch_op.drop_column('terminated_on')
        batch_op.drop_column('notice_given_on')
        batch_op.drop_column('evergreen')
