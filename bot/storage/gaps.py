"""Knowledge gaps: questions the knowledge did not serve (see bot/assist/gaps.py for the rules)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import delete, func, select, update

from bot.storage.engine import Repository, upsert_insert
from bot.storage.models import KnowledgeGap

OPEN, CLOSED = "open", "closed"


@dataclass(frozen=True)
class GapRow:
    id: int
    kind: str
    question: str
    language: str = ""
    answer_id: str = ""
    platform: str = ""
    user_id: str = ""
    channel_id: str = ""
    seen_docs: tuple[str, ...] = ()
    status: str = OPEN
    closed_by: str = ""
    closed_at: float | None = None
    checked_version: str = ""
    created_at: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def _row(r: Any) -> GapRow:
    try:
        seen = json.loads(r.seen_docs or "[]")
    except ValueError:
        seen = []
    return GapRow(
        id=int(r.id), kind=r.kind, question=r.question, language=r.language, answer_id=r.answer_id,
        platform=r.platform, user_id=r.user_id, channel_id=r.channel_id,
        seen_docs=tuple(str(x) for x in seen if isinstance(x, str)), status=r.status, closed_by=r.closed_by,
        closed_at=r.closed_at, checked_version=r.checked_version, created_at=float(r.created_at),
    )


class GapsRepository(Repository):
    def add(
        self, dedupe_key: str, kind: str, question: str, *, language: str = "", answer_id: str = "",
        platform: str = "", user_id: str = "", channel_id: str = "", seen_docs: Iterable[str] = (),
        created_at: float | None = None,
    ) -> bool:
        """Record a gap once per `dedupe_key`; False when that key was already recorded."""
        stmt = upsert_insert(self.engine, KnowledgeGap).values(
            dedupe_key=dedupe_key, kind=kind, question=question, language=language, answer_id=answer_id,
            platform=platform, user_id=user_id, channel_id=channel_id,
            seen_docs=json.dumps(list(dict.fromkeys(seen_docs)), ensure_ascii=False), status=OPEN,
            created_at=time.time() if created_at is None else created_at,
        ).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(KnowledgeGap.id)
        with self.write() as conn:
            return conn.execute(stmt).first() is not None

    def withdraw(self, dedupe_key: str) -> int:
        """Remove the signal recorded under `dedupe_key` (e.g. a 👎 changed to 👍) if still open."""
        with self.write() as conn:
            result = conn.execute(delete(KnowledgeGap).where(KnowledgeGap.dedupe_key == dedupe_key,
                                                             KnowledgeGap.status == OPEN))
            return int(result.rowcount or 0)

    def list(self, status: str | None = None, since: float | None = None, limit: int = 5000) -> list[GapRow]:
        """Gaps, newest first (`status` "open"/"closed" or both; `since`: created or closed after it)."""
        stmt = select(KnowledgeGap.__table__)
        if status:
            stmt = stmt.where(KnowledgeGap.status == status)
        if since is not None:
            stmt = stmt.where((KnowledgeGap.created_at >= since) | (KnowledgeGap.closed_at >= since))
        stmt = stmt.order_by(KnowledgeGap.created_at.desc(), KnowledgeGap.id.desc()).limit(max(0, limit))
        with self.read() as conn:
            return [_row(r) for r in conn.execute(stmt)]

    def close(self, gap_id: int, doc_id: str, version: str, at: float | None = None) -> None:
        with self.write() as conn:
            conn.execute(update(KnowledgeGap).where(KnowledgeGap.id == gap_id).values(
                status=CLOSED, closed_by=doc_id, closed_at=time.time() if at is None else at,
                checked_version=version))

    def mark_checked(self, gap_ids: Iterable[int], version: str) -> None:
        ids = list(gap_ids)
        for start in range(0, len(ids), 500):
            with self.write() as conn:
                conn.execute(update(KnowledgeGap).where(KnowledgeGap.id.in_(ids[start:start + 500]))
                             .values(checked_version=version))

    def reopen_closed_by(self, doc_ids: Iterable[str]) -> int:
        """Gaps closed by documents that are gone again (e.g. an undone resolution) are open again."""
        ids = [d for d in doc_ids if d]
        if not ids:
            return 0
        with self.write() as conn:
            result = conn.execute(update(KnowledgeGap).where(
                KnowledgeGap.status == CLOSED, KnowledgeGap.closed_by.in_(ids)).values(
                status=OPEN, closed_by="", closed_at=None, checked_version=""))
            return int(result.rowcount or 0)

    def count(self, status: str | None = None) -> int:
        stmt = select(func.count()).select_from(KnowledgeGap)
        if status:
            stmt = stmt.where(KnowledgeGap.status == status)
        with self.read() as conn:
            return int(conn.execute(stmt).scalar() or 0)
