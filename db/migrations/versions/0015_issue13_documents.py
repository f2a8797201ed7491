"""issue13 documents: warnings on documents, a person's location on terms, and suggestions
kept apart from extracted values (term_suggestions)

Revision ID: 0015
Revises: 0014
"""
from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import db.base  # noqa: F401

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contract_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extraction_warnings", sa.JSON(), nullable=True))
    with op.batch_alter_table("extracted_terms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("location", sa.String(length=40), nullable=True))
    op.create_table(
        "term_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("normalized", sa.JSON(), nullable=True),
        sa.Column("confidence", sa.Double(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("span_start", sa.Integer(), nullable=True),
        sa.Column("span_end", sa.Integer(), nullable=True),
        sa.Column("snippet", sa.Text(), nullable=True),
        sa.Column("location", sa.String(length=40), nullable=True),
        sa.Column("picked_term_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["contract_documents.id"],
            name=op.f("fk_term_suggestions_document_id_contract_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["picked_term_id"],
            ["extracted_terms.id"],
            name=op.f("fk_term_suggestions_picked_term_id_extracted_terms"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_term_suggestions")),
    )
    with op.batch_alter_table("term_suggestions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_term_suggestions_document_id"), ["document_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("term_suggestions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_term_suggestions_document_id"))
    op.drop_table("term_suggestions")
    with op.batch_alter_table("extracted_terms", schema=None) as batch_op:
        batch_op.drop_column("location")
    with op.batch_alter_table("contract_documents", schema=None) as batch_op:
        batch_op.drop_column("extraction_warnings")
