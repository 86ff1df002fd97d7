"""/rootcause reasons (with their centroids and shipped interventions) and their reply scripts (话术).

`state.repository(ScriptsRepository)`: `save_reason(...)` (one row per label and language, refreshed by a later
report), `add_scripts(reason_id, ...)` (a repeated text is not saved twice), `list_scripts()`, `edit()`,
`delete()`, `reasons()`, `mark_shipped()`.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
from sqlalchemy import delete, select, update

from bot.storage.engine import Repository, upsert_insert
from bot.storage.models import ReplyScript, RootCauseReason


@dataclass(frozen=True)
class ReasonRow:
    id: int
    label: str
    language: str
    dimension: str
    ticket_ids: list[str]
    centroids: dict[str, np.ndarray] = field(default_factory=dict)  # language -> unit vector
    shipped_on: float | None = None
    shipped_by: str = ""


@dataclass(frozen=True)
class ScriptRow:
    id: int
    reason_id: int
    label: str
    language: str
    script: str
    generated_by: str
    edited_by: str
    updated_at: float

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "reason_id": self.reason_id, "reason": self.label, "language": self.language,
                "script": self.script, "generated_by": self.generated_by, "edited_by": self.edited_by}


def script_key(language: str, script: str) -> str:
    flat = " ".join(script.split()).lower()
    return hashlib.sha256(f"{language}\x00{flat}".encode("utf-8")).hexdigest()


def _pack(centroids: dict[str, np.ndarray]) -> tuple[str, bytes | None]:
    if not centroids:
        return "", None
    langs = sorted(centroids)
    return ",".join(langs), np.stack([np.asarray(centroids[lg], dtype=np.float32) for lg in langs]).tobytes()


def _unpack(langs: str, blob: bytes | None) -> dict[str, np.ndarray]:
    names = [lg for lg in langs.split(",") if lg]
    if not names or not blob:
        return {}
    rows = np.frombuffer(blob, dtype=np.float32).reshape(len(names), -1)
    return {lg: rows[i] for i, lg in enumerate(names)}


def _reason(r: Any) -> ReasonRow:
    try:
        ids = [str(t) for t in json.loads(r.ticket_ids or "[]")]
    except ValueError:
        ids = []
    return ReasonRow(id=int(r.id), label=r.label, language=r.language, dimension=r.dimension, ticket_ids=ids,
                     centroids=_unpack(r.centroid_langs, r.centroids),
                     shipped_on=None if r.shipped_on is None else float(r.shipped_on), shipped_by=r.shipped_by)


class ScriptsRepository(Repository):
    def save_reason(self, label: str, language: str, dimension: str, ticket_ids: Sequence[str],
                    centroids: dict[str, np.ndarray]) -> int:
        """Insert or refresh the reason (label, language); its shipped intervention is kept. Returns its id."""
        now = time.time()
        langs, blob = _pack(centroids)
        values = {"label": label, "language": language, "dimension": dimension,
                  "ticket_ids": json.dumps(list(ticket_ids)[:500]), "centroid_langs": langs, "centroids": blob,
                  "created_at": now, "updated_at": now}
        stmt = upsert_insert(self.engine, RootCauseReason).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["label", "language"],
            set_={k: stmt.excluded[k] for k in ("dimension", "ticket_ids", "centroid_langs", "centroids", "updated_at")},
        )
        with self.write() as conn:
            conn.execute(stmt)
            found = conn.execute(select(RootCauseReason.id).where(RootCauseReason.label == label,
                                                                  RootCauseReason.language == language)).scalar_one()
        return int(found)

    def add_scripts(self, reason_id: int, language: str, scripts: Sequence[str], generated_by: str) -> int:
        """Save the scripts not saved before (same language and text); returns how many were new."""
        now = time.time()
        added = 0
        with self.write() as conn:
            for text in scripts:
                if not text.strip():
                    continue
                stmt = upsert_insert(self.engine, ReplyScript).values(
                    reason_id=reason_id, language=language, script=text.strip(), script_key=script_key(language, text),
                    generated_by=generated_by, created_at=now, updated_at=now,
                ).on_conflict_do_nothing(index_elements=["script_key"])
                added += int(conn.execute(stmt).rowcount or 0)
        return added

    def list_scripts(self, language: str = "") -> list[ScriptRow]:
        q = (select(ReplyScript.__table__, RootCauseReason.label.label("reason_label"))
             .join(RootCauseReason, RootCauseReason.id == ReplyScript.reason_id)
             .order_by(ReplyScript.id))
        if language:
            q = q.where(ReplyScript.language == language)
        with self.read() as conn:
            rows = conn.execute(q).all()
        return [ScriptRow(id=int(s.id), reason_id=int(s.reason_id), label=str(s.reason_label), language=s.language,
                          script=s.script, generated_by=s.generated_by, edited_by=s.edited_by,
                          updated_at=float(s.updated_at)) for s in rows]

    def edit(self, script_id: int, text: str, editor: str) -> bool:
        with self.write() as conn:
            # script_key stays the generated text's: a repeated report does not add it back beside the edit
            done = conn.execute(update(ReplyScript).where(ReplyScript.id == script_id).values(
                script=text.strip(), generated_by="edited", edited_by=editor, updated_at=time.time()))
        return bool(done.rowcount)

    def delete(self, script_id: int) -> bool:
        with self.write() as conn:
            return bool(conn.execute(delete(ReplyScript).where(ReplyScript.id == script_id)).rowcount)

    def reasons(self) -> list[ReasonRow]:
        with self.read() as conn:
            return [_reason(r) for r in conn.execute(select(RootCauseReason.__table__).order_by(RootCauseReason.id))]

    def mark_shipped(self, reason_id: int, shipped_on: float, who: str) -> None:
        with self.write() as conn:
            conn.execute(update(RootCauseReason).where(RootCauseReason.id == reason_id).values(
                shipped_on=shipped_on, shipped_by=who, updated_at=time.time()))
