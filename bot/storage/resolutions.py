"""Past resolutions written by agents with /resolve (see bot/assist/resolve.py)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Iterator

from sqlalchemy import insert, select, update

from bot.storage.engine import Repository
from bot.storage.models import Answer, Resolution

ACTIVE, UNDONE = "active", "undone"


@dataclass(frozen=True)
class ResolutionRow:
    id: str
    question: str
    note: str
    agent: str
    platform: str
    answer: str = ""
    sources: list[dict[str, str]] = field(default_factory=list)
    language: str = ""
    channel_id: str = ""
    thread_key: str = ""
    answer_id: str = ""
    status: str = ACTIVE
    created_at: float = 0.0
    updated_at: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "question": self.question, "note": self.note, "answer": self.answer,
                "sources": list(self.sources), "language": self.language, "agent": self.agent,
                "platform": self.platform, "channel_id": self.channel_id, "thread_key": self.thread_key,
                "answer_id": self.answer_id, "status": self.status, "created_at": self.created_at,
                "updated_at": self.updated_at}


def _row(r: Any) -> ResolutionRow:
    try:
        sources = json.loads(r.sources or "[]")
    except ValueError:
        sources = []
    return ResolutionRow(
        id=r.id, question=r.question, note=r.note, agent=r.agent, platform=r.platform, answer=r.answer,
        sources=[{str(k): str(v) for k, v in s.items()} for s in sources if isinstance(s, dict)],
        language=r.language, channel_id=r.channel_id, thread_key=r.thread_key, answer_id=r.answer_id,
        status=r.status, created_at=float(r.created_at), updated_at=float(r.updated_at),
    )


class ResolutionsRepository(Repository):
    def add(self, row: ResolutionRow) -> None:
        now = time.time()
        values = row.as_json()
        values["sources"] = json.dumps(row.sources, ensure_ascii=False)
        values["created_at"] = row.created_at or now
        values["updated_at"] = row.updated_at or now
        with self.write() as conn:
            conn.execute(insert(Resolution).values(**values))

    def get(self, resolution_id: str) -> ResolutionRow | None:
        with self.read() as conn:
            r = conn.execute(select(Resolution.__table__).where(Resolution.id == resolution_id)).first()
        return None if r is None else _row(r)

    def update_note(self, resolution_id: str, note: str) -> bool:
        with self.write() as conn:
            result = conn.execute(update(Resolution).where(Resolution.id == resolution_id, Resolution.status == ACTIVE)
                                  .values(note=note, updated_at=time.time()))
            return bool(result.rowcount)

    def set_status(self, resolution_id: str, status: str) -> bool:
        with self.write() as conn:
            result = conn.execute(update(Resolution).where(Resolution.id == resolution_id, Resolution.status != status)
                                  .values(status=status, updated_at=time.time()))
            return bool(result.rowcount)

    def active(self) -> Iterator[ResolutionRow]:
        """Every active resolution, oldest first (streamed)."""
        stmt = select(Resolution.__table__).where(Resolution.status == ACTIVE).order_by(Resolution.created_at, Resolution.id)
        with self.read() as conn:
            for r in conn.execution_options(yield_per=500).execute(stmt):
                yield _row(r)

    def for_answer(self, answer_id: str) -> ResolutionRow | None:
        """The active resolution already written for an answer (a second click does not write another)."""
        if not answer_id:
            return None
        stmt = select(Resolution.__table__).where(Resolution.answer_id == answer_id, Resolution.status == ACTIVE)
        with self.read() as conn:
            r = conn.execute(stmt).first()
        return None if r is None else _row(r)

    def recent_answer_ids(self, platform: str, channel_id: str, limit: int = 200) -> list[tuple[str, str, dict[str, Any]]]:
        """(answer_id, user_id, payload) of the latest answers recorded in a channel, newest first: where
        /resolve finds the answer of its thread (the answers table keeps the thread in its payload)."""
        stmt = (select(Answer.answer_id, Answer.user_id, Answer.payload)
                .where(Answer.platform == platform, Answer.channel_id == channel_id)
                .order_by(Answer.created_at.desc()).limit(max(1, limit)))
        out: list[tuple[str, str, dict[str, Any]]] = []
        with self.read() as conn:
            for answer_id, user_id, payload in conn.execute(stmt):
                try:
                    data = json.loads(payload or "{}")
                except ValueError:
                    data = {}
                out.append((str(answer_id), str(user_id), data if isinstance(data, dict) else {}))
        return out
