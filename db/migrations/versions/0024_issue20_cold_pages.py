"""issue20 cold pages at 1M tickets: indexes so the SLA cache fingerprint reads the latest
import from an index (not a scan of every ticket), and a year's time entries per contract
are summed from one covering range scan (executive margins and hours).

Revision ID: 0024
Revises: 0023
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_tickets_imported_at", "tickets", ["imported_at"])
    op.create_index(
        "ix_time_entries_started_contract",
        "time_entries",
        ["started_at", "contract_id", "technician_id", "minutes"],
    )


def downgrade() -> None:
    op.drop_index("ix_time_entries_started_contract", table_name="time_entries")
    op.drop_index("ix_tickets_imported_at", table_name="tickets")
