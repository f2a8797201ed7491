"""issue12 contract versions: who wrote each version (username, as the audit names them)

Revision ID: 0013
Revises: 0012
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base  # noqa: F401

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('contract_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('username', sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('contract_versions', schema=None) as batch_op:
        batch_op.drop_column('username')
