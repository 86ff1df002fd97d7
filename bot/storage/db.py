"""The state database: SQLite on one machine, PostgreSQL when a team scales out.

Holds what must be shared by every replica: which platform events were already handled
(de-duplication of retries/redeliveries), the record of answers given, feedback and votes,
conversation turns, and tickets as rows. `Database(url)` opens a pooled SQLAlchemy engine and
migrates the schema to the newest Alembic revision; `StateStore(db)` is the facade the adapters use,
over one small repository per concern (`state.events`, `.answers`, `.votes`, `.threads`, `.tickets`).
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from sqlalchemy import text

from bot.storage.answers import AnswersRepository
from bot.storage.engine import DEFAULT_TIMEOUT_SECONDS, Repository, describe, guard, is_postgres, make_engine
from bot.storage.events import DEFAULT_TTL_SECONDS, EventsRepository
from bot.storage.migrate import upgrade_engine
from bot.storage.threads import ThreadsRepository
from bot.storage.tickets import TicketsRepository
from bot.storage.votes import FeedbackRepository

_QMARK = re.compile(r"\?")


class Database:
    """A pooled, thread-safe engine on `url` (sqlite:///path or postgresql://...), migrated to head.

    Raises `DatabaseError` (never a driver exception) when the database cannot be opened or migrated.
    """

    def __init__(self, url: str, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS, migrate: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url, timeout_seconds)
        self.is_postgres = is_postgres(self.engine)
        self.revision = ""
        if migrate:
            try:
                self.revision = upgrade_engine(self.engine)
            except Exception:
                self.engine.dispose()
                raise

    def describe(self) -> str:
        return describe(self.url)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Ad-hoc SQL for tests and operators (`?` placeholders); returns the affected row count.

        The application itself goes through the repositories.
        """
        statement, bound = _positional(sql, params)
        with guard(self.describe()), self.engine.begin() as conn:
            return int(conn.execute(statement, bound).rowcount or 0)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Ad-hoc SELECT for tests and operators (`?` placeholders)."""
        statement, bound = _positional(sql, params)
        with guard(self.describe()), self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(statement, bound)]

    def close(self) -> None:
        self.engine.dispose()


def _positional(sql: str, params: Sequence[Any]) -> tuple[Any, dict[str, Any]]:
    """`?` placeholders as SQLAlchemy bound parameters (each engine then uses its own style)."""
    counter = iter(range(len(params) + 1))
    named = _QMARK.sub(lambda _m: f":p{next(counter)}", sql)
    return text(named), {f"p{i}": value for i, value in enumerate(params)}


class StateStore:
    """What the adapters need from the database: a facade over the repositories."""

    def __init__(self, db: Database) -> None:
        self.db = db
        engine = db.engine
        self.events = EventsRepository(engine)
        self.answers = AnswersRepository(engine)
        self.votes = FeedbackRepository(engine)
        self.threads = ThreadsRepository(engine)
        self.tickets = TicketsRepository(engine)

    @classmethod
    def open(cls, url: str) -> StateStore:
        return cls(Database(url))

    def repository(self, kind: type[Repository]) -> Any:
        """A repository added later (escalations, scripts...) on the same engine: `state.repository(Cls)`."""
        return kind(self.db.engine)

    def claim_event(self, key: str, ttl_seconds: float = DEFAULT_TTL_SECONDS) -> bool:
        """True the first time `key` is seen by any replica; False for a redelivery."""
        return self.events.claim(key, ttl_seconds)

    def append_turn(self, thread_key: str, text: str) -> None:
        """Remember a user turn of a conversation thread (any platform), for follow-up questions."""
        self.threads.append(thread_key, text)

    def thread_turns(self, thread_key: str, limit: int = 5) -> list[str]:
        """The last `limit` user turns of a thread, oldest first."""
        return self.threads.last(thread_key, limit)

    def record_answer(
        self, answer_id: str, platform: str, user_id: str, channel_id: str, question: str, answer: str,
        payload: dict[str, Any] | None = None,
    ) -> None:
        self.answers.record(answer_id, platform, user_id, channel_id, question, answer, payload)

    def get_answer(self, answer_id: str) -> dict[str, Any] | None:
        row = self.answers.get(answer_id)
        return None if row is None else row.as_dict()

    def record_feedback(
        self, platform: str, user_id: str, channel_id: str, question: str, answer: str, rating: int,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.votes.log(platform, user_id, channel_id, question, answer, rating, extra)

    def feedback(self, limit: int = 100) -> list[dict[str, Any]]:
        return self.votes.recent(limit)

    def upsert_vote(self, answer_id: str, user_id: str, platform: str, rating: int) -> tuple[int, int]:
        """One vote per user per answer (a second click changes it); (up, down) counts after it."""
        return self.votes.upsert_vote(answer_id, user_id, platform, rating)

    def vote_counts(self, answer_id: str) -> tuple[int, int]:
        return self.votes.vote_counts(answer_id)
