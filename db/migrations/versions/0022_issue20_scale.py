"""issue20 scale: tickets.changed_at (replicas see in-place ticket changes) and indexes for
the SLA cache fingerprint and the renewal health figures over a year of tickets.

Its reserved slot 0020 had already shipped empty (stores stamped 0020 would never get it),
so it runs here.

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import db.base  # noqa: F401

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("changed_at", db.base.UTCDateTime(timezone=True), nullable=True))
    op.create_index("ix_tickets_changed_at", "tickets", ["changed_at"])
    op.create_index("ix_tickets_created_contract", "tickets", ["created_at", "contract_id", "csat"])


def downgrade() -> None:
    op.drop_index("ix_tickets_created_contract", table_name="tickets")
    op.drop_index("ix_tickets_changed_at", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("changed_at")
