"""Incremental ingestion into Chroma.

Each document's content hash is stored on its chunks. Re-running on the same folder re-embeds only
changed documents, deletes the chunks of changed and deleted documents, and never duplicates
anything (chunk ids are `doc_id#index`, written with upsert). Malformed inputs are skipped and
reported; documents previously ingested from a file that failed to load this time are kept.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from bot.ingest.chunking import chunk_document, embedding_text
from bot.ingest.documents import Chunk, Document, Skipped
from bot.ingest.loaders import load_paths
from bot.retrieval.search import to_timestamp
from bot.retrieval.store import VectorStore

if TYPE_CHECKING:
    from bot.retrieval.search import Retriever

log = logging.getLogger(__name__)
EMBED_BATCH = 64


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_reused: int = 0  # unchanged chunks of changed documents: their vectors are kept
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "added": len(self.added), "updated": len(self.updated), "unchanged": len(self.unchanged),
            "removed": len(self.removed), "chunks_embedded": self.chunks_embedded,
            "chunks_reused": self.chunks_reused,
            "seconds": round(self.seconds, 3),
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
        }

    def summary(self) -> str:
        lines = [
            f"added {len(self.added)}, updated {len(self.updated)}, unchanged {len(self.unchanged)}, "
            f"removed {len(self.removed)}, skipped {len(self.skipped)} "
            f"({self.chunks_embedded} chunks embedded in {self.seconds:.1f} s)"
        ]
        lines += [f"  skipped {s.path}: {s.reason}" for s in self.skipped]
        return "\n".join(lines)


class Ingestor:
    def __init__(self, store: VectorStore, retriever: "Retriever | None" = None, max_tokens: int = 256) -> None:
        self.store = store
        self.retriever = retriever
        self.max_tokens = max_tokens

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
            origin = str(path.resolve())
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

        manifest = self.store.manifest()
        to_embed: list[tuple[Document, str]] = []
        for doc_id, doc in docs.items():
            digest = doc.content_hash()
            old = manifest.get(doc_id)
            if old is not None and old.get("doc_hash") == digest:
                report.unchanged.append(doc_id)
                continue
            (report.updated if old is not None else report.added).append(doc_id)
            to_embed.append((doc, digest))

        for doc_id, meta in manifest.items():
            if doc_id in docs or meta.get("origin") not in origins:
                continue
            if (str(meta.get("origin")), str(meta.get("source", ""))) in protected_sources:
                continue
            report.removed.append(doc_id)

        changed_ids = [d.doc_id for d, _ in to_embed if d.doc_id in manifest]
        reusable = self.store.vectors_by_text_hash(changed_ids) if changed_ids else {}
        stale = changed_ids + report.removed
        if stale:
            self.store.delete_docs(stale)
        report.chunks_embedded, report.chunks_reused = self._embed_and_store(to_embed, origin_of, progress, reusable)

        changed = bool(report.added or report.updated or report.removed or rebuild)
        if changed or not self.store.corpus_version():
            final = {k: str(v.get("doc_hash", "")) for k, v in manifest.items() if k not in report.removed}
            final.update({d.doc_id: h for d, h in to_embed})
            self.store.set_corpus_version(_corpus_version(final.items()))
        if self.retriever is not None and (changed or report.chunks_embedded):
            self.retriever.refresh_lexical()
        report.seconds = time.perf_counter() - started
        return report

    def _embed_and_store(
        self, items: list[tuple[Document, str]], origin_of: Mapping[str, str], progress: bool | None,
        reusable: Mapping[str, list[float]],
    ) -> tuple[int, int]:
        """Embed and upsert every chunk; returns (chunks embedded, chunks whose vector was reused)."""
        pending: list[tuple[Document, str, Chunk, int]] = []
        for doc, digest in items:
            chunks = chunk_document(doc, max_tokens=self.max_tokens)
            for ch in chunks:
                pending.append((doc, digest, ch, len(chunks)))
        if not pending:
            return 0, 0
        embedded = reused = 0
        show = sys.stderr.isatty() if progress is None else progress
        bar: Any = None
        if show:
            from tqdm import tqdm

            bar = tqdm(total=len(pending), unit="chunk", desc="embedding", file=sys.stderr)
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
                self.store.upsert(
                    ids=[c.chunk_id for _, _, c, _ in batch], embeddings=vectors,
                    documents=[c.text for _, _, c, _ in batch], metadatas=metadatas,
                )
                if bar is not None:
                    bar.update(len(batch))
        finally:
            if bar is not None:
                bar.close()
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


def _source_file(skipped_path: str) -> str:
    """'faq.jsonl line 7' -> 'faq.jsonl' (a per-record skip protects the whole file's documents)."""
    for marker in (" line ", " row "):
        if marker in skipped_path:
            return skipped_path.split(marker)[0]
    return skipped_path
