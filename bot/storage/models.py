"""Tables of the state database, as SQLAlchemy 2 typed declarative models.

One class per table. The Alembic revisions in `bot/storage/migrations/versions/` create exactly
these tables; a new table is one new class here plus one new revision (see `bot/storage/__init__.py`).
Times are epoch seconds (float) as in the first schema, except `tickets.created_at`, a naive UTC
datetime so that date filters run in SQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Double, Index, Integer, MetaData, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Constraint names are explicit so that later revisions can alter them on every engine (primary keys
# keep the engine default, as in the first schema).
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
}

# BIGSERIAL on PostgreSQL; SQLite autoincrements only an INTEGER PRIMARY KEY.
AutoId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ProcessedEvent(Base):
    """Platform events already handled (retries and redeliveries are dropped, across replicas)."""

    __tablename__ = "processed_events"
    event_key: Mapped[str] = mapped_column(Text, primary_key=True)
    created_at: Mapped[float] = mapped_column(Double, nullable=False)


class Feedback(Base):
    """The feedback log (one row per click, as recorded since the first version)."""

    __tablename__ = "feedback"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(Text, nullable=False)
    user_id: Mapped[str] = mapped_column(Text, nullable=False)
    channel_id: Mapped[str] = mapped_column(Text, nullable=False)
    question: Mapped[str] = mapped_column(Text, nullable=False)
    answer: Mapped[str] = mapped_column(Text, nullable=False)
    rating: Mapped[int] = mapped_column(Integer, nullable=False)
    extra: Mapped[str] = mapped_column(Text, nullable=False, server_default="{}")
    created_at: Mapped[float] = mapped_column(Double, nullable=False)


class ThreadTurn(Base):
    __tablename__ = "thread_turns"
    __table_args__ = (Index("thread_turns_key", "thread_key", "id"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    thread_key: Mapped[str] = mapped_column(Text, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[float] = mapped_column(Double, nullable=False)


class Answer(Base):
    __tablename__ = "answers"
    answer_id: Mapped[str] = mapped_column(Text, primary_key=True)
    platform: Mapped[str] = mapped_column(Text, nullable=False)
    user_id: Mapped[str] = mapped_column(Text, nullable=False)
    channel_id: Mapped[str] = mapped_column(Text, nullable=False)
    question: Mapped[str] = mapped_column(Text, nullable=False)
    answer: Mapped[str] = mapped_column(Text, nullable=False)
    payload: Mapped[str] = mapped_column(Text, nullable=False, server_default="{}")
    created_at: Mapped[float] = mapped_column(Double, nullable=False)


class Vote(Base):
    """One vote per (answer, user); a second click changes it."""

    __tablename__ = "votes"
    __table_args__ = (Index("ix_votes_answer_id", "answer_id"),)
    answer_id: Mapped[str] = mapped_column(Text, primary_key=True)
    user_id: Mapped[str] = mapped_column(Text, primary_key=True)
    platform: Mapped[str] = mapped_column(Text, nullable=False)
    rating: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[float] = mapped_column(Double, nullable=False)
    updated_at: Mapped[float] = mapped_column(Double, nullable=False)


class Ticket(Base):
    """A past support ticket (from the ingested ticket exports), queryable in SQL."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_created_at", "created_at"),
        Index("ix_tickets_customer_id", "customer_id"),
        Index("ix_tickets_category", "category"),
        Index("ix_tickets_source_generation", "source", "generation"),
    )
    id: Mapped[str] = mapped_column(Text, primary_key=True)
    created_at: Mapped[datetime | None] = mapped_column(nullable=True)
    customer_id: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    channel: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    category: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    subject: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    text: Mapped[str] = mapped_column(Text, nullable=False)
    resolution: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    status: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    language: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    source: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    content_hash: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    # Mark-and-sweep: a sync stamps every ticket it sees with a new generation, then deletes the
    # source's rows still carrying an older one (no giant IN list of present ids).
    generation: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0")


# --- agent assist: knowledge gaps and past resolutions written with /resolve (bot/assist/) -----------

class KnowledgeGap(Base):
    """A question the knowledge did not serve: answered "I don't know", rated 👎, or handed to a human.

    `dedupe_key` makes a signal count once (one 👎 per answer and user, one need-a-human per answer).
    `seen_docs` (JSON list) are the documents the original answer cited: a gap closes only when its
    question retrieves, past the relevance gate, a document that is not one of them.
    """

    __tablename__ = "knowledge_gaps"
    __table_args__ = (
        Index("ix_knowledge_gaps_status_created_at", "status", "created_at"),
        Index("uq_knowledge_gaps_dedupe_key", "dedupe_key", unique=True),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(Text, nullable=False)  # "unanswered" | "downvoted" | "need_human"
    question: Mapped[str] = mapped_column(Text, nullable=False)
    language: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    answer_id: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    platform: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    user_id: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    channel_id: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    seen_docs: Mapped[str] = mapped_column(Text, nullable=False, server_default="[]")
    status: Mapped[str] = mapped_column(Text, nullable=False, server_default="open")  # "open" | "closed"
    closed_by: Mapped[str] = mapped_column(Text, nullable=False, server_default="")  # doc_id that covers it
    closed_at: Mapped[float | None] = mapped_column(Double, nullable=True)
    checked_version: Mapped[str] = mapped_column(Text, nullable=False, server_default="")  # corpus version
    created_at: Mapped[float] = mapped_column(Double, nullable=False)


class Resolution(Base):
    """A past resolution written by an agent with /resolve (or the "Mark resolved" button), indexed as a
    past case so that the next /ask finds it. `status` is "active" or "undone" (undone: out of the index)."""

    __tablename__ = "resolutions"
    __table_args__ = (Index("ix_resolutions_status", "status"),)
    id: Mapped[str] = mapped_column(Text, primary_key=True)  # "R-1A2B3C4D", also its doc_id in the store
    question: Mapped[str] = mapped_column(Text, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False)  # what was done (the note, or the bot's answer)
    answer: Mapped[str] = mapped_column(Text, nullable=False, server_default="")  # the bot's answer, if any
    sources: Mapped[str] = mapped_column(Text, nullable=False, server_default="[]")  # JSON [{doc_id,title,source}]
    language: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    agent: Mapped[str] = mapped_column(Text, nullable=False)
    platform: Mapped[str] = mapped_column(Text, nullable=False)
    channel_id: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    thread_key: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    answer_id: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    status: Mapped[str] = mapped_column(Text, nullable=False, server_default="active")
    created_at: Mapped[float] = mapped_column(Double, nullable=False)
    updated_at: Mapped[float] = mapped_column(Double, nullable=False)


# --- trust: the audit log of privileged actions (bot/audit.py) -------------------------------------------

class AuditEntry(Base):
    """One privileged action (a command or button whose role is manager or admin): who, when, what, where.

    `outcome` is "ok", "refused" (the role check said no) or "error"; `detail` is a JSON object."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_created_at", "created_at"),
        Index("ix_audit_log_actor_created_at", "actor", "created_at"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    created_at: Mapped[float] = mapped_column(Double, nullable=False)
    platform: Mapped[str] = mapped_column(Text, nullable=False)
    actor: Mapped[str] = mapped_column(Text, nullable=False)
    role: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    action: Mapped[str] = mapped_column(Text, nullable=False)
    target: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    outcome: Mapped[str] = mapped_column(Text, nullable=False, server_default="ok")
    detail: Mapped[str] = mapped_column(Text, nullable=False, server_default="{}")
