"""issue16 billing: tax rates and invoice tax snapshot, client country, availability
figures for service credits, calendar versions

Revision ID: 0017
Revises: 0016
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A calendar without versions is its own version 1 (db/calendars.py): none written here.
    op.create_table('calendar_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('valid_from', db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('spec', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('subdivision', sa.String(length=10), nullable=True),
    sa.Column('custom_holidays', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['calendars.id'], name=op.f('fk_calendar_versions_calendar_id_calendars')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_calendar_versions_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_versions')),
    sa.UniqueConstraint('calendar_id', 'version', name=op.f('uq_calendar_versions_calendar_id'))
    )
    with op.batch_alter_table('calendar_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_versions_calendar_id'), ['calendar_id'], unique=False)

    op.create_table('tax_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('rate', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('quickbooks_code', sa.String(length=60), nullable=True),
    sa.Column('xero_tax_type', sa.String(length=60), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', db.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_tax_rates_client_id_clients')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_tax_rates_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tax_rates'))
    )
    with op.batch_alter_table('tax_rates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tax_rates_client_id'), ['client_id'], unique=False)

    op.create_table('availability_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('percent', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_availability_figures_contract_id_contracts')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_availability_figures_entered_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_availability_figures')),
    sa.UniqueConstraint('contract_id', 'period_start', name=op.f('uq_availability_figures_contract_id'))
    )
    with op.batch_alter_table('availability_figures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_availability_figures_contract_id'), ['contract_id'], unique=False)

    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('country', sa.String(length=2), nullable=True))

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tax_rate_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('tax_name', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('tax_kind', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('tax_percent', sa.Numeric(precision=12, scale=4), nullable=True))
        batch_op.add_column(sa.Column('tax_quickbooks_code', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('tax_xero_type', sa.String(length=60), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_invoices_tax_rate_id_tax_rates'), 'tax_rates', ['tax_rate_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invoices_tax_rate_id_tax_rates'), type_='foreignkey')
        batch_op.drop_column('tax_xero_type')
        batch_op.drop_column('tax_quickbooks_code')
        batch_op.drop_column('tax_percent')
        batch_op.drop_column('tax_kind')
        batch_op.drop_column('tax_name')
        batch_op.drop_column('tax_rate_id')

    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('country')

    with op.batch_alter_table('availability_figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_availability_figures_contract_id'))

    op.drop_table('availability_figures')
    with op.batch_alter_table('tax_rates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tax_rates_client_id'))

    op.drop_table('tax_rates')
    with op.batch_alter_table('calendar_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_versions_calendar_id'))

    op.drop_table('calendar_versions')
