"""Feedback: the click log (`feedback` table) and votes (one per answer and user, changeable)."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import case, func, insert, select

from bot.storage.engine import Repository, upsert_insert
from bot.storage.models import Feedback, Vote


class FeedbackRepository(Repository):
    def log(
        self, platform: str, user_id: str, channel_id: str, question: str, answer: str, rating: int,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Append one feedback event (the history; votes hold the current opinion)."""
        with self.write() as conn:
            conn.execute(insert(Feedback).values(
                platform=platform, user_id=user_id, channel_id=channel_id, question=question, answer=answer,
                rating=rating, extra=json.dumps(extra or {}, ensure_ascii=False), created_at=time.time(),
            ))

    def recent(self, limit: int = 100) -> list[dict[str, Any]]:
        stmt = select(
            Feedback.platform, Feedback.user_id, Feedback.channel_id, Feedback.question, Feedback.answer,
            Feedback.rating, Feedback.extra,
        ).order_by(Feedback.id.desc()).limit(max(0, limit))
        with self.read() as conn:
            rows = conn.execute(stmt).all()
        return [
            {"platform": r.platform, "user_id": r.user_id, "channel_id": r.channel_id, "question": r.question,
             "answer": r.answer, "rating": r.rating, "extra": _decode(r.extra)}
            for r in rows
        ]

    def upsert_vote(self, answer_id: str, user_id: str, platform: str, rating: int) -> tuple[int, int]:
        """Set `user_id`'s vote on an answer (a second vote replaces the first); (up, down) after it.

        One INSERT ... ON CONFLICT DO UPDATE: concurrent clicks of the same user on several
        replicas end with exactly one row, on PostgreSQL and SQLite alike.
        """
        now = time.time()
        stmt = upsert_insert(self.engine, Vote).values(
            answer_id=answer_id, user_id=user_id, platform=platform, rating=_sign(rating), created_at=now,
            updated_at=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["answer_id", "user_id"],
            set_={"rating": stmt.excluded.rating, "platform": stmt.excluded.platform,
                  "updated_at": stmt.excluded.updated_at},
        )
        with self.write() as conn:
            conn.execute(stmt)
            return self._counts(conn, answer_id)

    def vote_of(self, answer_id: str, user_id: str) -> int | None:
        """The user's current vote on the answer (+1/-1), or None."""
        stmt = select(Vote.rating).where(Vote.answer_id == answer_id, Vote.user_id == user_id)
        with self.read() as conn:
            value = conn.execute(stmt).scalar()
        return None if value is None else int(value)

    def vote_counts(self, answer_id: str) -> tuple[int, int]:
        with self.read() as conn:
            return self._counts(conn, answer_id)

    @staticmethod
    def _counts(conn: Any, answer_id: str) -> tuple[int, int]:
        up = func.coalesce(func.sum(case((Vote.rating > 0, 1), else_=0)), 0)
        down = func.coalesce(func.sum(case((Vote.rating < 0, 1), else_=0)), 0)
        row = conn.execute(select(up, down).where(Vote.answer_id == answer_id)).one()
        return int(row[0]), int(row[1])


def _sign(rating: int) -> int:
    return 1 if rating > 0 else -1 if rating < 0 else 0


def _decode(value: str | None) -> dict[str, Any]:
    try:
        decoded = json.loads(value or "{}")
    except ValueError:
        return {}
    return decoded if isinstance(decoded, dict) else {}
