"""The state database: SQLite on one machine, PostgreSQL when a team scales out.

Holds what must be shared by every replica: which platform events were already handled
(de-duplication of retries/redeliveries), answer feedback, and the record of answers given.
SQL is written once with `?` placeholders and translated for psycopg.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Iterator, Sequence
from contextlib import contextmanager

from bot.errors import DatabaseError

_SCHEMA = [
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


class Database:
    """A thin, thread-safe wrapper over sqlite3 or psycopg (PostgreSQL)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_postgres = url.startswith(("postgresql://", "postgres://"))
        self._lock = threading.Lock()
        self._conn: Any = None
        try:
            self._connect()
            self._migrate()
        except DatabaseError:
            raise
        except Exception as exc:  # driver errors differ between engines
            raise DatabaseError(f"cannot open database {self.describe()}: {type(exc).__name__}") from exc

    def describe(self) -> str:
        if self.is_postgres:
            return self.url.split("@")[-1]  # never the credentials
        return self.url

    def _connect(self) -> None:
        if self.is_postgres:
            import psycopg

            self._conn = psycopg.connect(self.url, autocommit=True, connect_timeout=5)
        else:
            path = self.url.removeprefix("sqlite:///").removeprefix("sqlite://")
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(path or ":memory:", check_same_thread=False, isolation_level=None, timeout=10)
            self._conn.execute("PRAGMA journal_mode=WAL")

    def _migrate(self) -> None:
        autoinc = "BIGSERIAL PRIMARY KEY" if self.is_postgres else "INTEGER PRIMARY KEY AUTOINCREMENT"
        for stmt in _SCHEMA:
            self.execute(stmt.format(autoinc=autoinc))

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.is_postgres else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; returns the number of affected rows."""
        with self._cursor() as cur:
            cur.execute(self._sql(sql), tuple(params))
            return int(cur.rowcount or 0)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._cursor() as cur:
            cur.execute(self._sql(sql), tuple(params))
            return [tuple(r) for r in cur.fetchall()]

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        with self._lock:
            try:
                cur = self._conn.cursor()
                try:
                    yield cur
                finally:
                    cur.close()
            except DatabaseError:
                raise
            except Exception as exc:
                raise DatabaseError(f"database error on {self.describe()}: {type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


class StateStore:
    """What the adapters need from the database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def claim_event(self, key: str, ttl_seconds: float = 7 * 24 * 3600) -> bool:
        """True the first time `key` is seen by any replica; False for a redelivery."""
        now = time.time()
        inserted = self.db.execute(
            "INSERT INTO processed_events (event_key, created_at) VALUES (?, ?) ON CONFLICT (event_key) DO NOTHING",
            (key, now),
        )
        if inserted and int(now) % 97 == 0:  # occasional clean-up, cheap
            self.db.execute("DELETE FROM processed_events WHERE created_at < ?", (now - ttl_seconds,))
        return inserted == 1

    def append_turn(self, thread_key: str, text: str) -> None:
        """Remember a user turn of a conversation thread (any platform), for follow-up questions."""
        self.db.execute(
            "INSERT INTO thread_turns (thread_key, text, created_at) VALUES (?, ?, ?)", (thread_key, text, time.time())
        )

    def thread_turns(self, thread_key: str, limit: int = 5) -> list[str]:
        """The last `limit` user turns of a thread, oldest first."""
        rows = self.db.query(
            "SELECT text FROM thread_turns WHERE thread_key = ? ORDER BY id DESC LIMIT ?", (thread_key, limit)
        )
        return [r[0] for r in reversed(rows)]

    def record_answer(
        self, answer_id: str, platform: str, user_id: str, channel_id: str, question: str, answer: str,
        payload: dict[str, Any] | None = None,
    ) -> None:
        self.db.execute(
            "INSERT INTO answers (answer_id, platform, user_id, channel_id, question, answer, payload, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (answer_id) DO NOTHING",
            (answer_id, platform, user_id, channel_id, question, answer,
             json.dumps(payload or {}, ensure_ascii=False), time.time()),
        )

    def get_answer(self, answer_id: str) -> dict[str, Any] | None:
        rows = self.db.query(
            "SELECT answer_id, platform, user_id, channel_id, question, answer, payload FROM answers WHERE answer_id = ?",
            (answer_id,),
        )
        if not rows:
            return None
        r = rows[0]
        return {"answer_id": r[0], "platform": r[1], "user_id": r[2], "channel_id": r[3], "question": r[4],
                "answer": r[5], "payload": json.loads(r[6] or "{}")}

    def record_feedback(
        self, platform: str, user_id: str, channel_id: str, question: str, answer: str, rating: int,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.db.execute(
            "INSERT INTO feedback (platform, user_id, channel_id, question, answer, rating, extra, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (platform, user_id, channel_id, question, answer, rating, json.dumps(extra or {}, ensure_ascii=False),
             time.time()),
        )

    def feedback(self, limit: int = 100) -> list[dict[str, Any]]:
        rows = self.db.query(
            "SELECT platform, user_id, channel_id, question, answer, rating, extra FROM feedback ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [
            {"platform": r[0], "user_id": r[1], "channel_id": r[2], "question": r[3], "answer": r[4], "rating": r[5],
             "extra": json.loads(r[6] or "{}")}
            for r in rows
        ]
