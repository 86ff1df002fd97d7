"""Knowledge gaps (unanswered, 👎, need-a-human questions) and past resolutions written with /resolve.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "knowledge_gaps",
        sa.Column("id", AUTO_ID, primary_key=True, autoincrement=True),
        sa.Column("dedupe_key", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False, server_default=""),
        sa.Column("answer_id", sa.Text(), nullable=False, server_default=""),
        sa.Column("platform", sa.Text(), nullable=False, server_default=""),
        sa.Column("user_id", sa.Text(), nullable=False, server_default=""),
        sa.Column("channel_id", sa.Text(), nullable=False, server_default=""),
        sa.Column("seen_docs", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("status", sa.Text(), nullable=False, server_default="open"),
        sa.Column("closed_by", sa.Text(), nullable=False, server_default=""),
        sa.Column("closed_at", sa.Double(), nullable=True),
        sa.Column("checked_version", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.Double(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_knowledge_gaps_status_created_at", "knowledge_gaps", ["status", "created_at"])
    op.create_index("uq_knowledge_gaps_dedupe_key", "knowledge_gaps", ["dedupe_key"], unique=True)
    op.create_table(
        "resolutions",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False, server_default=""),
        sa.Column("sources", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("language", sa.Text(), nullable=False, server_default=""),
        sa.Column("agent", sa.Text(), nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("channel_id", sa.Text(), nullable=False, server_default=""),
        sa.Column("thread_key", sa.Text(), nullable=False, server_default=""),
        sa.Column("answer_id", sa.Text(), nullable=False, server_default=""),
        sa.Column("status", sa.Text(), nullable=False, server_default="active"),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
    )
    op.create_index("ix_resolutions_status", "resolutions", ["status"])


def downgrade() -> None:
    op.drop_table("resolutions")
    op.drop_table("knowledge_gaps")
