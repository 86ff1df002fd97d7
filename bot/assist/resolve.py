"""Past resolutions written by agents (/resolve, the "Mark resolved" button): recorded and indexed at once.

A resolution is what an agent did about a question, with the bot's help: the question and the sources
of the thread's last answer (the answer record of the conversation service), what was done (the agent's
note, else the bot's answer), the agent, platform and time. It is kept in the `resolutions` table (shared
by every replica) and indexed as a past ticket through the ingest pipeline's record path: the active
resolutions are written as ticket records to `<data dir>/resolutions/agent-resolutions.jsonl` and that file
is ingested incrementally (only the new or edited record is embedded; an undone one is deleted from the
vector store; the BM25 index follows). The next /ask then finds it as a similar past case.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import messages
from bot.storage.resolutions import ACTIVE, UNDONE, ResolutionRow, ResolutionsRepository

if TYPE_CHECKING:
    from bot.container import Container
    from bot.conversation import AnswerRecord
    from bot.models import IncomingMessage, Reply

log = logging.getLogger(__name__)

RECORDS_FILE = "agent-resolutions.jsonl"
RECENT_ANSWERS = 200  # answers of a channel searched for the thread's last one
MAX_NOTE = 2000
_CITE_MARK = re.compile(r"\s*\[\d{1,2}\]")
_ID = re.compile(r"^R-[0-9A-F]{8}$")
_sync_lock = threading.Lock()


@dataclass
class ResolveContext:
    """What a resolution is about: the question, the bot's answer and the sources it used."""

    question: str
    answer: str = ""
    sources: list[dict[str, str]] = field(default_factory=list)
    language: str = ""
    answer_id: str = ""
    thread_key: str = ""


class ResolveError(Exception):
    """A /resolve request that cannot be done; `key` is the bot.messages key of the friendly reply."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def repo(container: "Container") -> ResolutionsRepository:
    r: ResolutionsRepository = container.state().repository(ResolutionsRepository)
    return r


def normalize_id(raw: str) -> str:
    """'r-1a2b3c4d' -> 'R-1A2B3C4D'; '' when it is not a resolution id."""
    value = raw.strip().upper()
    if value and not value.startswith("R-"):
        value = "R-" + value
    return value if _ID.match(value) else ""


def clean_answer(text: str, lang: str) -> str:
    """The bot's answer as "what was done": citation marks and the extractive intro line removed."""
    lines = [ln for ln in text.strip().splitlines()]
    intros = {messages.text(k, lg) for k in ("extractive_intro", "extractive_intro_case") for lg in ("en", "zh")}
    if lines and lines[0].strip() in intros:
        lines = lines[1:]
    return _CITE_MARK.sub("", "\n".join(lines)).strip()


# --- the context: which question, answer and sources -------------------------------------------------

def context_from_record(record: "AnswerRecord") -> ResolveContext:
    reply = record.reply
    sources = [{"doc_id": c.doc_id, "title": c.title, "source": c.source} for c in reply.citations]
    answer = clean_answer(reply.text, reply.language) if reply.grounded is not False else ""  # not "I don't know"
    return ResolveContext(
        question=record.question or reply.question, answer=answer,
        sources=sources, language=reply.language, answer_id=record.answer_id, thread_key=record.thread_key,
    )


def context_from_reply(question: str, reply: "Reply") -> ResolveContext:
    sources = [{"doc_id": c.doc_id, "title": c.title, "source": c.source} for c in reply.citations]
    answer = clean_answer(reply.text, reply.language) if reply.grounded else ""
    return ResolveContext(question=question, answer=answer, sources=sources, language=reply.language)


def find_context(container: "Container", msg: "IncomingMessage", question: str = "") -> ResolveContext | None:
    """The answer this /resolve is about: the last answer recorded in the message's thread, else the
    asker's last answer in the channel; else (local chat, CLI) the question given or the thread's last
    question, answered again for its sources. None when nothing tells."""
    conversation = container.conversation()
    if not question and msg.channel_id:
        recent = repo(container).recent_answer_ids(msg.platform, msg.channel_id, RECENT_ANSWERS)
        chosen = ""
        if msg.thread_key:
            chosen = next((a for a, _u, p in recent if p.get("thread_key") == msg.thread_key), "")
        if not chosen:
            chosen = next((a for a, u, _p in recent if u == msg.user_id), "")
        record = conversation.get_answer(chosen) if chosen else None
        if record is not None and (record.question or record.reply.question):
            return context_from_record(record)
    if not question:
        turns = [t for t in msg.thread_history if t.strip()]
        if not turns and msg.thread_key:
            turns = conversation.thread_turns(msg.thread_key)
        question = turns[-1] if turns else ""
    if not question:
        return None
    lang = messages.detect_language(question)
    return context_from_reply(question, container.answerer().answer(question, language=lang))


# --- writing, editing, undoing -------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    row: ResolutionRow
    created: bool  # a new resolution
    edited: bool = False  # the answer's existing resolution got the new note
    gaps_closed: int = 0


def create(container: "Container", context: ResolveContext, note: str, *, agent: str, platform: str,
           channel_id: str) -> Outcome:
    """Record and index a resolution. A second resolve of the same answer returns the first one, with
    the new note if one is given."""
    note = note.strip()[:MAX_NOTE]
    repository = repo(container)
    existing = repository.for_answer(context.answer_id)
    if existing is not None:
        if note and note != existing.note:
            return Outcome(edit(container, existing.id, note), created=False, edited=True)
        return Outcome(existing, created=False)
    done = note or context.answer
    if not done:
        raise ResolveError("resolve_need_note")
    now = time.time()
    row = ResolutionRow(
        id="R-" + uuid.uuid4().hex[:8].upper(), question=context.question.strip(), note=done, agent=agent,
        platform=platform, answer=context.answer, sources=context.sources,
        language=context.language or messages.detect_language(context.question), channel_id=channel_id,
        thread_key=context.thread_key, answer_id=context.answer_id, status=ACTIVE, created_at=now, updated_at=now,
    )
    repository.add(row)
    changed, _ = sync_index(container, with_removed=True)
    return Outcome(row, created=True, gaps_closed=_recheck(container, changed))


def edit(container: "Container", resolution_id: str, note: str) -> ResolutionRow:
    repository = repo(container)
    row = repository.get(resolution_id)
    if row is None or row.status != ACTIVE:
        raise ResolveError("resolve_not_found", id=resolution_id)
    if not note.strip():
        raise ResolveError("resolve_need_note")
    repository.update_note(resolution_id, note.strip()[:MAX_NOTE])
    changed, _ = sync_index(container, with_removed=True)
    _recheck(container, changed)
    updated = repository.get(resolution_id)
    assert updated is not None
    return updated


def undo(container: "Container", resolution_id: str) -> ResolutionRow:
    """Take a resolution out of the index (its row stays, marked undone); gaps it closed open again."""
    from bot.assist.gaps import gaps_repo

    repository = repo(container)
    row = repository.get(resolution_id)
    if row is None:
        raise ResolveError("resolve_not_found", id=resolution_id)
    if row.status == UNDONE:
        raise ResolveError("resolve_already_undone", id=resolution_id)
    repository.set_status(resolution_id, UNDONE)
    sync_index(container, with_removed=True)
    gaps_repo(container.state()).reopen_closed_by([resolution_id])
    return repository.get(resolution_id) or row


def may_change(row: ResolutionRow, user_id: str, platform: str, is_manager: bool) -> bool:
    """The agent who wrote it (on the same platform) or a manager may edit or undo a resolution."""
    return is_manager or (row.agent == user_id and row.platform == platform)


def _recheck(container: "Container", changed: list[str]) -> int:
    from bot.assist.gaps import recheck_gaps

    try:
        return len(recheck_gaps(container, changed))
    except Exception as exc:  # the resolution is saved and indexed; gaps are re-checked at the next ingest
        log.warning("knowledge gaps not re-checked after a resolution: %s", type(exc).__name__)
        return 0


# --- the index -------------------------------------------------------------------------------------------

def records_path(container: "Container") -> Path:
    return Path(container.settings.data_dir) / "resolutions" / RECORDS_FILE


def ticket_record(row: ResolutionRow) -> dict[str, Any]:
    """A resolution as a ticket record of the ingest pipeline (bot/ingest/records.py)."""
    created = datetime.fromtimestamp(row.created_at, tz=timezone.utc).replace(microsecond=0).isoformat()
    return {
        "id": row.id, "created_at": created, "channel": row.platform, "subject": " ".join(row.question.split())[:120],
        "text": row.question, "resolution": row.note, "status": "resolved", "lang": row.language,
        "tags": [s["doc_id"] for s in row.sources if s.get("doc_id")],
    }


def sync_index(container: "Container", with_removed: bool = False) -> Any:
    """Make the vector store (and BM25) hold exactly the active resolutions. Returns the doc ids added
    or changed (and, with `with_removed`, a pair: (changed, removed))."""
    from bot.ingest.pipeline import Ingestor

    with _sync_lock:
        rows = list(repo(container).active())
        path = records_path(container)
        store, retriever = container.store(), container.retriever()
        if not rows:
            removed = _drop_all(container, path)
            return ([], removed) if with_removed else []
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(ticket_record(r), ensure_ascii=False) + "\n" for r in rows),
                       encoding="utf-8")
        tmp.replace(path)
        settings = container.settings
        ingestor = Ingestor(store, retriever, max_tokens=settings.chunk_max_tokens, progress_seconds=3600)
        report = ingestor.ingest([path], kind="tickets", progress=False)
        if report.skipped:
            log.warning("resolutions not indexed: %s", "; ".join(f"{s.path}: {s.reason}" for s in report.skipped))
        changed = [*report.added, *report.updated, *report.repaired]
        return (changed, list(report.removed)) if with_removed else changed


def _drop_all(container: "Container", path: Path) -> list[str]:
    """No active resolution left: delete the indexed ones (the pipeline needs a file with records)."""
    store, retriever = container.store(), container.retriever()
    origin = str(path.resolve())  # as the pipeline recorded it (non-strict: the file may be gone)
    ids = [doc_id for doc_id, st in store.document_states().items() if st.meta.get("origin") == origin]
    if path.exists():
        path.unlink()
    if not ids:
        return []
    store.delete_docs(ids)
    digest = hashlib.sha256(f"{store.corpus_version()}\x00-{','.join(sorted(ids))}".encode()).hexdigest()[:24]
    store.set_corpus_version(digest)  # the next ingest recomputes the canonical version
    retriever.refresh_lexical()
    return ids
