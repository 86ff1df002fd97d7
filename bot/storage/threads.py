"""Conversation threads: the user turns of a thread, for follow-up questions."""

from __future__ import annotations

import time

from sqlalchemy import insert, select

from bot.storage.engine import Repository
from bot.storage.models import ThreadTurn


class ThreadsRepository(Repository):
    def append(self, thread_key: str, text: str) -> None:
        with self.write() as conn:
            conn.execute(insert(ThreadTurn).values(thread_key=thread_key, text=text, created_at=time.time()))

    def last(self, thread_key: str, limit: int = 5) -> list[str]:
        """The last `limit` turns of a thread, oldest first."""
        stmt = (
            select(ThreadTurn.text).where(ThreadTurn.thread_key == thread_key)
            .order_by(ThreadTurn.id.desc()).limit(max(0, limit))
        )
        with self.read() as conn:
            rows = list(conn.execute(stmt).scalars())
        return rows[::-1]
