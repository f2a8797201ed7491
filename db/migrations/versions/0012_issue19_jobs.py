"""issue19 jobs (reserved slot: filled by the work on that issue; empty until then)

Revision ID: 0012
Revises: 0011
"""
from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import db.base  # noqa: F401

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_issues",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("job", sa.String(60), nullable=False),
        sa.Column("item", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "contract_id", sa.Integer(), sa.ForeignKey("contracts.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("seen_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("job", "item", name="uq_job_issues_job_item"),
    )
    op.create_table(
        "run_locks",
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("taken", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("run_locks")
    op.drop_table("job_issues")
