"""Tables of the state database, as SQLAlchemy 2 typed declarative models.

One class per table. The Alembic revisions in `bot/storage/migrations/versions/` create exactly
these tables; a new table is one new class here plus one new revision (see `bot/storage/__init__.py`).
Times are epoch seconds (float) as in the first schema, except `tickets.created_at`, a naive UTC
datetime so that date filters run in SQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Double, Index, Integer, LargeBinary, MetaData, Text
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


# --- /escalate: customer requests raised to the managers (bot/escalation/) ---------------------------------

class EscalationRequest(Base):
    """One customer need (a feature or policy request) and its managers' threads.

    `need_key` (the canonical text of the first wording) is unique: two identical first wordings can never
    open two requests, even without the advisory lock. `customers` / `agents` are the distinct counts of
    its members, kept in the same transaction as the members. `threads` (JSON) holds the managers' thread
    per platform (a PostedMessage); `announced_at` is when its last batch of new customers was posted.
    """

    __tablename__ = "escalation_requests"
    __table_args__ = (
        Index("uq_escalation_requests_need_key", "need_key", unique=True),
        Index("ix_escalation_requests_status_customers", "status", "customers"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    need_key: Mapped[str] = mapped_column(Text, nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    language: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    status: Mapped[str] = mapped_column(Text, nullable=False, server_default="open")
    status_note: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    merged_into: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    customers: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    agents: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    threads: Mapped[str] = mapped_column(Text, nullable=False, server_default="{}")
    escalated_at: Mapped[float | None] = mapped_column(Double, nullable=True)
    announced_at: Mapped[float] = mapped_column(Double, nullable=False, server_default="0")
    first_seen: Mapped[float] = mapped_column(Double, nullable=False)
    last_seen: Mapped[float] = mapped_column(Double, nullable=False)
    created_at: Mapped[float] = mapped_column(Double, nullable=False)
    updated_at: Mapped[float] = mapped_column(Double, nullable=False)


class EscalationMember(Base):
    """One raise of a request: a customer, the agent who raised it (or the analysis), the wording and its
    vector (float32 bytes, so matching never re-embeds), and where to tell the agent about status changes.
    Unique per (request, customer, agent): a repeated /escalate does not count twice."""

    __tablename__ = "escalation_members"
    __table_args__ = (
        Index("uq_escalation_members_request_id_customer_key_agent", "request_id", "customer_key", "agent",
              unique=True),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    customer_key: Mapped[str] = mapped_column(Text, nullable=False)
    customer_id: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    agent: Mapped[str] = mapped_column(Text, nullable=False, server_default="")  # "slack:U123", "" for analytics
    platform: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    channel_id: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    reply_to: Mapped[str] = mapped_column(Text, nullable=False, server_default="{}")  # the agent's thread (JSON)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    language: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    vector: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    source: Mapped[str] = mapped_column(Text, nullable=False, server_default="escalate")
    external_id: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    announced: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    created_at: Mapped[float] = mapped_column(Double, nullable=False)


class EscalationEvent(Base):
    """The audit trail of a request: created, joined, threshold reached, status changed, merged (who, when, what)."""

    __tablename__ = "escalation_events"
    __table_args__ = (Index("ix_escalation_events_request_id", "request_id", "id"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    actor: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    action: Mapped[str] = mapped_column(Text, nullable=False)
    old_status: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    new_status: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    note: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    created_at: Mapped[float] = mapped_column(Double, nullable=False)


# --- /rootcause: reasons found by a report, their reply scripts and shipped interventions (bot/analytics/) --

class RootCauseReason(Base):
    """A complaint reason as a report found it: its label, the per-language centroids of its complaints'
    stored vectors (float32 bytes, `centroid_langs` names the rows, e.g. "zh,en") so that later questions and
    complaints are matched by meaning without re-embedding, and the intervention shipped for it, if any.
    One row per (label, language): a later report with the same label refreshes it."""

    __tablename__ = "rootcause_reasons"
    __table_args__ = (
        Index("uq_rootcause_reasons_label_language", "label", "language", unique=True),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    label: Mapped[str] = mapped_column(Text, nullable=False)
    language: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    dimension: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    ticket_ids: Mapped[str] = mapped_column(Text, nullable=False, server_default="[]")
    centroid_langs: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    centroids: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    shipped_on: Mapped[float | None] = mapped_column(Double, nullable=True)  # the intervention's date (epoch)
    shipped_by: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    created_at: Mapped[float] = mapped_column(Double, nullable=False)
    updated_at: Mapped[float] = mapped_column(Double, nullable=False)


class ReplyScript(Base):
    """A reply script (话术) for a reason's customers, written by a report; a manager may edit or delete it.
    `script_key` (language + normalised text) keeps a repeated report from saving it twice."""

    __tablename__ = "reply_scripts"
    __table_args__ = (
        Index("uq_reply_scripts_script_key", "script_key", unique=True),
        Index("ix_reply_scripts_reason_id", "reason_id"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    reason_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    language: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    script: Mapped[str] = mapped_column(Text, nullable=False)
    script_key: Mapped[str] = mapped_column(Text, nullable=False)
    generated_by: Mapped[str] = mapped_column(Text, nullable=False, server_default="templates")
    edited_by: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    created_at: Mapped[float] = mapped_column(Double, nullable=False)
    updated_at: Mapped[float] = mapped_column(Double, nullable=False)
