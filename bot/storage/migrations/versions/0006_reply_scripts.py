"""/rootcause: the reasons a report found (centroids, shipped intervention) and their reply scripts.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "rootcause_reasons",
        sa.Column("id", AUTO_ID, primary_key=True, autoincrement=True),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False, server_default=""),
        sa.Column("dimension", sa.Text(), nullable=False, server_default=""),
        sa.Column("ticket_ids", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("centroid_langs", sa.Text(), nullable=False, server_default=""),
        sa.Column("centroids", sa.LargeBinary(), nullable=True),
        sa.Column("shipped_on", sa.Double(), nullable=True),
        sa.Column("shipped_by", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("uq_rootcause_reasons_label_language", "rootcause_reasons", ["label", "language"], unique=True)
    op.create_table(
        "reply_scripts",
        sa.Column("id", AUTO_ID, primary_key=True, autoincrement=True),
        sa.Column("reason_id", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False, server_default=""),
        sa.Column("script", sa.Text(), nullable=False),
        sa.Column("script_key", sa.Text(), nullable=False),
        sa.Column("generated_by", sa.Text(), nullable=False, server_default="templates"),
        sa.Column("edited_by", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("uq_reply_scripts_script_key", "reply_scripts", ["script_key"], unique=True)
    op.create_index("ix_reply_scripts_reason_id", "reply_scripts", ["reason_id"])


def downgrade() -> None:
    op.drop_table("reply_scripts")
    op.drop_table("rootcause_reasons")
