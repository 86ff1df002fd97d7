"""A database made by the pre-migration code is recognised, stamped and upgraded without losing rows."""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg
import pytest
from sqlalchemy import inspect

from bot.storage import migrate
from bot.storage.db import Database, StateStore

# The DDL of bot/storage/db.py before Alembic (its `_SCHEMA`), copied verbatim.
LEGACY_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS processed_events (
        event_key TEXT PRIMARY KEY,
        created_at DOUBLE PRECISION NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS feedback (
        id {autoinc},
        platform TEXT NOT NULL,
        user_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        rating INTEGER NOT NULL,
        extra TEXT NOT NULL DEFAULT '{{}}',
        created_at DOUBLE PRECISION NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS thread_turns (
        id {autoinc},
        thread_key TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS thread_turns_key ON thread_turns (thread_key, id)",
    """CREATE TABLE IF NOT EXISTS answers (
        answer_id TEXT PRIMARY KEY,
        platform TEXT NOT NULL,
        user_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        payload TEXT NOT NULL DEFAULT '{{}}',
        created_at DOUBLE PRECISION NOT NULL
    )""",
]
LEGACY_ROWS = [
    ("INSERT INTO processed_events (event_key, created_at) VALUES (?, ?)", ("slack:event:T1:Ev1", 1700000000.5)),
    ("INSERT INTO feedback (platform, user_id, channel_id, question, answer, rating, extra, created_at) "
     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ("slack", "U1", "C1", "退货运费谁出？", "顾客承担 [1]", -1, '{"answer_id": "a1"}', 1.0)),
    ("INSERT INTO thread_turns (thread_key, text, created_at) VALUES (?, ?, ?)", ("feishu:oc_1:om_1", "first", 2.0)),
    ("INSERT INTO thread_turns (thread_key, text, created_at) VALUES (?, ?, ?)", ("feishu:oc_1:om_1", "second", 3.0)),
    ("INSERT INTO answers (answer_id, platform, user_id, channel_id, question, answer, payload, created_at) "
     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ("a1", "slack", "U1", "C1", "who pays?", "the customer", '{"k": 1}', 4.0)),
]


def _make_legacy(url: str) -> None:
    """Create a database exactly as the pre-migration code did, with rows, through the raw driver."""
    if url.startswith("sqlite"):
        conn: Any = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        autoinc, mark = "INTEGER PRIMARY KEY AUTOINCREMENT", "?"
    else:
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        conn = psycopg.connect(
            host=parsed.host, port=parsed.port, user=parsed.username, dbname=parsed.database,
            options=parsed.query["options"], autocommit=True,
        )
        autoinc, mark = "BIGSERIAL PRIMARY KEY", "%s"
    try:
        for stmt in LEGACY_SCHEMA:
            conn.execute(stmt.format(autoinc=autoinc))
        for sql, params in LEGACY_ROWS:
            conn.execute(sql.replace("?", mark), params)
    finally:
        conn.close()


def test_a_legacy_database_is_stamped_and_upgraded_keeping_its_rows(db_url: str) -> None:
    _make_legacy(db_url)
    assert migrate.upgrade(db_url) == migrate.head_revision()
    state = StateStore(Database(db_url))
    try:
        tables = set(inspect(state.db.engine).get_table_names())
        assert {"processed_events", "feedback", "thread_turns", "answers", "votes", "tickets",
                "alembic_version"} <= tables
        assert state.claim_event("slack:event:T1:Ev1") is False  # the old row still de-duplicates
        assert state.thread_turns("feishu:oc_1:om_1") == ["first", "second"]
        assert state.get_answer("a1") == {
            "answer_id": "a1", "platform": "slack", "user_id": "U1", "channel_id": "C1", "question": "who pays?",
            "answer": "the customer", "payload": {"k": 1},
        }
        assert [(f["question"], f["rating"], f["extra"]) for f in state.feedback()] == [
            ("退货运费谁出？", -1, {"answer_id": "a1"})
        ]
        # the old autoincrement sequences continue after the legacy rows
        state.append_turn("feishu:oc_1:om_1", "third")
        assert state.thread_turns("feishu:oc_1:om_1", limit=2) == ["second", "third"]
        # and the new tables work
        assert state.upsert_vote("a1", "U2", "slack", 1) == (1, 0)
        assert state.tickets.count() == 0
    finally:
        state.db.close()


def test_construction_migrates_a_new_database_and_is_idempotent(db_url: str) -> None:
    first = Database(db_url)
    assert first.revision == migrate.head_revision() >= "0002"
    first.close()
    assert migrate.upgrade(db_url) == migrate.head_revision()  # nothing left to do
    second = Database(db_url)
    assert second.revision == migrate.head_revision()
    second.close()


def test_the_alembic_config_is_built_in_code() -> None:
    config = migrate.alembic_config()
    assert config.config_file_name is None
    assert (migrate.MIGRATIONS / "env.py").is_file()
    assert migrate.head_revision() >= "0002"


@pytest.mark.parametrize("url", ["mysql://u@h/db", "not a url"])
def test_unsupported_urls_are_a_database_error(url: str) -> None:
    from bot.errors import DatabaseError

    with pytest.raises(DatabaseError):
        migrate.upgrade(url)


def test_models_and_migrations_agree(db_url: str) -> None:
    """The recipe's premise: at head, the models describe exactly the migrated schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from bot.storage.models import Base

    db = Database(db_url)
    try:
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        db.close()


def test_replicas_starting_together_migrate_once(db_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        databases = list(pool.map(lambda _: Database(db_url), range(4)))
    try:
        assert [db.revision for db in databases] == [migrate.head_revision()] * 4
        assert StateStore(databases[0]).claim_event("k") and not StateStore(databases[3]).claim_event("k")
    finally:
        for db in databases:
            db.close()
