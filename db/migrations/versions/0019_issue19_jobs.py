"""issue19 jobs: streamed ticket imports that resume, outbox delivery figures, SLA digests

Revision ID: 0019
Revises: 0018
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ticket_import_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("next_row", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("error_rows", sa.Integer(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("runner", sa.String(100), nullable=True),
        sa.Column("started_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", db.base.UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_ticket_import_runs_file", "ticket_import_runs", ["file_sha256", "status"]
    )
    op.create_table(
        "ticket_import_errors",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "run_id", sa.Integer(),
            sa.ForeignKey("ticket_import_runs.id", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("column", sa.String(120), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_index("ix_ticket_import_errors_run_id", "ticket_import_errors", ["run_id"])
    op.create_table(
        "delivery_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("runner", sa.String(100), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("retrying", sa.Integer(), nullable=False),
        sa.Column("dead", sa.Integer(), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.Column("oldest_waiting_s", sa.Integer(), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=False),
    )
    op.create_table(
        "sla_alert_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "ticket_id", sa.Integer(), sa.ForeignKey("tickets.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("metric", sa.String(30), nullable=False),
        sa.Column("threshold", sa.String(10), nullable=False),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column(
            "contract_id", sa.Integer(), sa.ForeignKey("contracts.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column(
            "notification_id", sa.Integer(), sa.ForeignKey("notifications.id"), nullable=True
        ),
        sa.Column("superseded", sa.Boolean(), nullable=False),
        sa.Column("created_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "ticket_id", "metric", "threshold", "recipient", name="uq_sla_alert_items_item"
        ),
    )
    op.create_index(
        "ix_sla_alert_items_waiting", "sla_alert_items", ["recipient", "notification_id"]
    )
    with op.batch_alter_table("import_mappings") as batch:
        batch.add_column(sa.Column("dayfirst", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_mappings") as batch:
        batch.drop_column("dayfirst")
    op.drop_index("ix_sla_alert_items_waiting", table_name="sla_alert_items")
    op.drop_table("sla_alert_items")
    op.drop_table("delivery_runs")
    op.drop_index("ix_ticket_import_errors_run_id", table_name="ticket_import_errors")
    op.drop_table("ticket_import_errors")
    op.drop_index("ix_ticket_import_runs_file", table_name="ticket_import_runs")
    op.drop_table("ticket_import_runs")
