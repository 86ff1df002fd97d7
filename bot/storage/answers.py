"""The record of answers given (what a later button click, vote or escalation refers to)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from bot.storage.engine import Repository, upsert_insert
from bot.storage.models import Answer


@dataclass(frozen=True)
class AnswerRow:
    answer_id: str
    platform: str
    user_id: str
    channel_id: str
    question: str
    answer: str
    payload: dict[str, Any] = field(default_factory=dict)
    created_at: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """The shape `StateStore.get_answer` has always returned."""
        return {"answer_id": self.answer_id, "platform": self.platform, "user_id": self.user_id,
                "channel_id": self.channel_id, "question": self.question, "answer": self.answer,
                "payload": dict(self.payload)}


def _decode(value: str | None) -> dict[str, Any]:
    try:
        decoded = json.loads(value or "{}")
    except ValueError:
        return {}
    return decoded if isinstance(decoded, dict) else {}


class AnswersRepository(Repository):
    def record(
        self, answer_id: str, platform: str, user_id: str, channel_id: str, question: str, answer: str,
        payload: dict[str, Any] | None = None,
    ) -> bool:
        """Store an answer once; False when `answer_id` was already recorded (kept unchanged)."""
        stmt = upsert_insert(self.engine, Answer).values(
            answer_id=answer_id, platform=platform, user_id=user_id, channel_id=channel_id, question=question,
            answer=answer, payload=json.dumps(payload or {}, ensure_ascii=False), created_at=time.time(),
        ).on_conflict_do_nothing(index_elements=["answer_id"]).returning(Answer.answer_id)
        with self.write() as conn:
            return conn.execute(stmt).first() is not None

    def get(self, answer_id: str) -> AnswerRow | None:
        with self.read() as conn:
            row = conn.execute(select(Answer).where(Answer.answer_id == answer_id)).first()
        if row is None:
            return None
        return AnswerRow(row.answer_id, row.platform, row.user_id, row.channel_id, row.question, row.answer,
                         _decode(row.payload), row.created_at)
