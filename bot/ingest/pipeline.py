"""Incremental ingestion into Chroma.

Each document's content hash and chunk count are stored on every one of its chunks. Re-running on the
same folder re-embeds only changed documents, deletes the chunks of changed and deleted documents, and
never duplicates anything (chunk ids are `doc_id#index`, written with upsert). Malformed inputs are
skipped and reported; documents previously ingested from a file that failed to load this time are kept.

Interrupted runs: a document is "unchanged" only when the store holds all its `chunk_count` chunks with
its current hash, so one cut short at any moment (mid-batch, after the Chroma write, before the BM25
write) is found and redone on the next run. The corpus version is recomputed on every run and the BM25
index is rebuilt whenever its saved version differs, so the lexical index always matches the store.
Documents over INGEST_MAX_DOCUMENT_MB of text or INGEST_MAX_CHUNKS_PER_DOCUMENT chunks are skipped and
reported with the setting to raise.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from bot.ingest.chunking import chunk_document, embedding_text
from bot.ingest.documents import Chunk, Document, Skipped
from bot.ingest.loaders import load_paths
from bot.ingest.progress import Progress, kill_point
from bot.retrieval.filters import to_timestamp
from bot.retrieval.store import VectorStore

if TYPE_CHECKING:
    from bot.retrieval.search import Retriever
    from bot.storage.tickets import TicketsRepository

log = logging.getLogger(__name__)
EMBED_BATCH = 64


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)  # found incomplete (e.g. an interrupted run) and redone
    skipped: list[Skipped] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_reused: int = 0  # unchanged chunks of changed documents: their vectors are kept
    ticket_rows_written: int = 0  # tickets table rows inserted or changed
    ticket_rows_deleted: int = 0
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "added": len(self.added), "updated": len(self.updated), "unchanged": len(self.unchanged),
            "removed": len(self.removed), "repaired": len(self.repaired), "chunks_embedded": self.chunks_embedded,
            "chunks_reused": self.chunks_reused,
            "ticket_rows_written": self.ticket_rows_written, "ticket_rows_deleted": self.ticket_rows_deleted,
            "seconds": round(self.seconds, 3),
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
        }

    def summary(self) -> str:
        lines = [
            f"added {len(self.added)}, updated {len(self.updated)}, unchanged {len(self.unchanged)}, "
            f"removed {len(self.removed)}, "
            + (f"repaired {len(self.repaired)}, " if self.repaired else "")
            + f"skipped {len(self.skipped)} "
            f"({self.chunks_embedded} chunks embedded in {self.seconds:.1f} s)"
        ]
        lines += [f"  skipped {s.path}: {s.reason}" for s in self.skipped]
        return "\n".join(lines)


class Ingestor:
    def __init__(
        self, store: VectorStore, retriever: "Retriever | None" = None, max_tokens: int = 256,
        max_document_mb: float = 10.0, max_chunks_per_document: int = 2000, progress_seconds: float = 10.0,
        tickets: "Callable[[], TicketsRepository] | None" = None,
    ) -> None:
        """tickets: returns the tickets table's repository; ticket records are then also kept as rows."""
        self.store = store
        self.tickets = tickets
        self.retriever = retriever
        self.max_tokens = max_tokens
        self.max_document_mb = max_document_mb
        self.max_chunks_per_document = max_chunks_per_document
        self.progress_seconds = progress_seconds

    def ingest(
        self, paths: Sequence[Path | str], kind: str = "auto", column_map: Mapping[str, str] | None = None,
        rebuild: bool = False, progress: bool | None = None,
    ) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        if rebuild:
            self.store.reset()
        docs: dict[str, Document] = {}
        origin_of: dict[str, str] = {}
        origins: set[str] = set()
        protected_sources: set[tuple[str, str]] = set()
        for raw in paths:
            path = Path(raw)
            origin = str(_resolve(path))
            result = load_paths([path], kind=kind, column_map=column_map)
            report.skipped.extend(result.skipped)
            if path.exists():
                origins.add(origin)
            for s in result.skipped:
                protected_sources.add((origin, _source_file(s.path)))
            for doc in result.documents:
                if doc.doc_id in docs:
                    report.skipped.append(Skipped(f"{doc.source}", f"duplicate id {doc.doc_id!r} (kept the first)"))
                    continue
                docs[doc.doc_id] = doc
                origin_of[doc.doc_id] = origin

        # A document counts as unchanged only when the store holds all its chunks, of this version.
        states = self.store.document_states()
        planned: list[tuple[Document, str, list[Chunk]]] = []
        for doc_id, doc in docs.items():
            digest = doc.content_hash()
            st = states.get(doc_id)
            if st is not None and st.complete and st.doc_hash == digest:
                report.unchanged.append(doc_id)
                continue
            chunks, reason = self._chunks_within_limits(doc)
            if reason:
                where = doc.source if doc.source == doc_id else f"{doc.source} ({doc_id})"
                report.skipped.append(Skipped(where, reason))
                continue
            if st is None:
                report.added.append(doc_id)
            elif not st.complete:
                report.repaired.append(doc_id)
                log.warning("document %s was incomplete in the store (%s): ingesting it again", doc_id, st.problem())
            else:
                report.updated.append(doc_id)
            planned.append((doc, digest, chunks))

        for doc_id, st in states.items():
            if doc_id in docs or st.meta.get("origin") not in origins:
                continue
            if (str(st.meta.get("origin")), str(st.meta.get("source", ""))) in protected_sources:
                continue
            report.removed.append(doc_id)

        changed_ids = [d.doc_id for d, _, _ in planned if d.doc_id in states]
        reusable = self.store.vectors_by_text_hash(changed_ids) if changed_ids else {}
        stale = changed_ids + report.removed
        if stale:
            self.store.delete_docs(stale)
            kill_point("after_delete")
        report.chunks_embedded, report.chunks_reused = self._embed_and_store(planned, origin_of, progress, reusable)
        if self.tickets is not None:
            self._sync_ticket_rows(docs, origin_of, states, report, protected_sources)

        final = {k: st.doc_hash for k, st in states.items() if k not in report.removed}
        final.update({d.doc_id: h for d, h, _ in planned})
        version = _corpus_version(final.items())
        changed = bool(planned or report.removed or rebuild)
        if version != self.store.corpus_version():
            self.store.set_corpus_version(version)
            changed = True
            kill_point("after_version")
        if self.retriever is not None:
            self._sync_lexical(version, changed)
        report.seconds = time.perf_counter() - started
        return report

    def _sync_ticket_rows(
        self, docs: Mapping[str, Document], origin_of: Mapping[str, str], states: Mapping[str, Any],
        report: IngestReport, protected: set[tuple[str, str]],
    ) -> None:
        """Tickets table = the ticket records of each ingested file; a file's vanished tickets are deleted."""
        from bot.storage.tickets import sync_tickets

        assert self.tickets is not None
        by_source: dict[str, list[Document]] = {}
        for doc in docs.values():
            if doc.kind == "ticket":
                by_source.setdefault(_row_source(origin_of[doc.doc_id], doc.source), []).append(doc)
        for doc_id in report.removed:  # files gone (or without tickets now): their rows go too
            meta = states[doc_id].meta
            origin, source = str(meta.get("origin", "")), str(meta.get("source", ""))
            if meta.get("kind") == "ticket" and (origin, source) not in protected:
                by_source.setdefault(_row_source(origin, source), [])
        if not by_source:
            return
        repo = self.tickets()
        for source, records in by_source.items():
            written, deleted = sync_tickets(repo, iter(records), source)
            report.ticket_rows_written += written
            report.ticket_rows_deleted += deleted

    def _chunks_within_limits(self, doc: Document) -> tuple[list[Chunk], str]:
        """The document's chunks, or ([], why it is skipped) when it is over a limit."""
        size = sum(len(b.text.encode("utf-8")) for b in doc.blocks)
        if size > self.max_document_mb * 2**20:
            return [], (
                f"document too large ({size / 2**20:.1f} MB of text; the limit is {self.max_document_mb:g} MB: "
                "raise INGEST_MAX_DOCUMENT_MB to ingest it, or split it)"
            )
        chunks = chunk_document(doc, max_tokens=self.max_tokens)
        if len(chunks) > self.max_chunks_per_document:
            return [], (
                f"too many chunks ({len(chunks)}; the limit is {self.max_chunks_per_document}: raise "
                "INGEST_MAX_CHUNKS_PER_DOCUMENT to ingest it, or split it)"
            )
        return chunks, ""

    def _sync_lexical(self, version: str, changed: bool) -> None:
        """Make the BM25 index match the store: rebuilt when the corpus changed or the saved one is stale."""
        assert self.retriever is not None
        if not changed:
            from bot.retrieval.lexical import BM25Index

            saved = BM25Index.load(self.retriever.index_dir)
            fresh = saved.version == version if saved is not None else self.store.count() == 0
            if fresh:
                return
        kill_point("before_lexical")
        self.retriever.refresh_lexical()
        kill_point("after_lexical")

    def _embed_and_store(
        self, items: list[tuple[Document, str, list[Chunk]]], origin_of: Mapping[str, str], progress: bool | None,
        reusable: Mapping[str, list[float]],
    ) -> tuple[int, int]:
        """Embed and upsert every chunk; returns (chunks embedded, chunks whose vector was reused)."""
        pending: list[tuple[Document, str, Chunk, int]] = []
        for doc, digest, chunks in items:
            for ch in chunks:
                pending.append((doc, digest, ch, len(chunks)))
        if not pending:
            return 0, 0
        embedded = reused = 0
        meter = Progress(len(pending), len(items), show=progress, interval=self.progress_seconds)
        try:
            for start in range(0, len(pending), EMBED_BATCH):
                batch = pending[start : start + EMBED_BATCH]
                texts = [embedding_text(d, c) for d, _, c, _ in batch]
                hashes = [text_hash(t) for t in texts]
                todo = [i for i, h in enumerate(hashes) if h not in reusable]
                fresh = self.store.embedder.embed_documents([texts[i] for i in todo]) if todo else []
                vectors: list[list[float]] = [reusable.get(h, []) for h in hashes]
                for i, vector in zip(todo, fresh):
                    vectors[i] = vector
                embedded += len(todo)
                reused += len(batch) - len(todo)
                metadatas = []
                for (d, h, c, n), th in zip(batch, hashes):
                    meta = chunk_metadata(d, h, c, n, origin_of.get(d.doc_id, ""))
                    meta["text_hash"] = th
                    metadatas.append(meta)
                kill_point("before_store_write")
                self.store.upsert(
                    ids=[c.chunk_id for _, _, c, _ in batch], embeddings=vectors,
                    documents=[c.text for _, _, c, _ in batch], metadatas=metadatas,
                )
                kill_point("after_store_write")
                meter.update(len(batch), sum(1 for _, _, c, n in batch if c.index == n - 1))
        finally:
            meter.close()
        return embedded, reused


def chunk_metadata(doc: Document, digest: str, chunk: Chunk, chunk_count: int, origin: str) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key, value in doc.metadata.items():
        if isinstance(value, (str, int, float, bool)) and value != "":
            meta[str(key)] = value
    meta.update(
        {
            "doc_id": doc.doc_id, "kind": doc.kind, "title": doc.title, "source": doc.source,
            "heading": " > ".join(chunk.heading_path), "chunk_index": chunk.index, "chunk_count": chunk_count,
            "doc_hash": digest, "origin": origin, "lang": doc.lang, "url": doc.url, "created_at": doc.created_at,
            "ts": to_timestamp(doc.created_at) or 0,
        }
    )
    return meta


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _corpus_version(pairs: Iterable[tuple[str, str]]) -> str:
    h = hashlib.sha256()
    for doc_id, digest in sorted(pairs):
        h.update(f"{doc_id}\x00{digest}\n".encode())
    return h.hexdigest()[:24]


def _row_source(origin: str, source: str) -> str:
    """The tickets table's `source` of a file: its absolute path (origin is the ingested file or folder)."""
    return origin if Path(origin).name == source and not Path(origin).is_dir() else f"{origin}/{source}"


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop given directly
        return path.absolute()


def _source_file(skipped_path: str) -> str:
    """'faq.jsonl line 7' -> 'faq.jsonl' (a per-record skip protects the whole file's documents)."""
    for marker in (" line ", " row "):
        if marker in skipped_path:
            return skipped_path.split(marker)[0]
    return skipped_path
