"""Escalation requests (/escalate), their members (customers and agents) and their audit trail.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "escalation_requests",
        sa.Column("id", AUTO_ID, primary_key=True, autoincrement=True),
        sa.Column("need_key", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False, server_default=""),
        sa.Column("status", sa.Text(), nullable=False, server_default="open"),
        sa.Column("status_note", sa.Text(), nullable=False, server_default=""),
        sa.Column("merged_into", sa.BigInteger(), nullable=True),
        sa.Column("customers", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("agents", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("threads", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("escalated_at", sa.Double(), nullable=True),
        sa.Column("announced_at", sa.Double(), nullable=False, server_default="0"),
        sa.Column("first_seen", sa.Double(), nullable=False),
        sa.Column("last_seen", sa.Double(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("uq_escalation_requests_need_key", "escalation_requests", ["need_key"], unique=True)
    op.create_index("ix_escalation_requests_status_customers", "escalation_requests", ["status", "customers"])
    op.create_table(
        "escalation_members",
        sa.Column("id", AUTO_ID, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_key", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False, server_default=""),
        sa.Column("agent", sa.Text(), nullable=False, server_default=""),
        sa.Column("platform", sa.Text(), nullable=False, server_default=""),
        sa.Column("channel_id", sa.Text(), nullable=False, server_default=""),
        sa.Column("reply_to", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False, server_default=""),
        sa.Column("vector", sa.LargeBinary(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False, server_default="escalate"),
        sa.Column("external_id", sa.Text(), nullable=False, server_default=""),
        sa.Column("announced", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.Double(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("uq_escalation_members_request_id_customer_key_agent", "escalation_members",
                    ["request_id", "customer_key", "agent"], unique=True)
    op.create_table(
        "escalation_events",
        sa.Column("id", AUTO_ID, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False, server_default=""),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("old_status", sa.Text(), nullable=False, server_default=""),
        sa.Column("new_status", sa.Text(), nullable=False, server_default=""),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.Double(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_escalation_events_request_id", "escalation_events", ["request_id", "id"])


def downgrade() -> None:
    op.drop_table("escalation_events")
    op.drop_table("escalation_members")
    op.drop_table("escalation_requests")
