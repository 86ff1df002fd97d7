"""The first schema, exactly as `bot/storage/db.py` created it before migrations existed.

A database made by that code (these tables, no alembic_version) is stamped with this revision
by `bot.storage.migrate` and then upgraded, so none of its rows are lost.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # BIGSERIAL / INTEGER ... AUTOINCREMENT


def upgrade() -> None:
    op.create_table(
        "processed_events",
        sa.Column("event_key", sa.Text(), primary_key=True),
        sa.Column("created_at", sa.Double(), nullable=False),
    )
    op.create_table(
        "feedback",
        sa.Column("id", AUTO_ID, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("channel_id", sa.Text(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("extra", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("created_at", sa.Double(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "thread_turns",
        sa.Column("id", AUTO_ID, primary_key=True, autoincrement=True),
        sa.Column("thread_key", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("thread_turns_key", "thread_turns", ["thread_key", "id"])
    op.create_table(
        "answers",
        sa.Column("answer_id", sa.Text(), primary_key=True),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("channel_id", sa.Text(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("created_at", sa.Double(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("answers")
    op.drop_index("thread_turns_key", table_name="thread_turns")
    op.drop_table("thread_turns")
    op.drop_table("feedback")
    op.drop_table("processed_events")
