"""The data model shared by loaders, the chunker, the pipeline and retrieval."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

KINDS = ("kb", "faq", "ticket")


@dataclass(frozen=True)
class Block:
    """A run of text under one heading path, e.g. ("Returns", "Who pays shipping?")."""

    text: str
    heading_path: tuple[str, ...] = ()


@dataclass
class Document:
    """One logical document: an article file, one FAQ record, or one ticket.

    doc_id: for files, the path relative to the ingested folder (posix style); for records, the record's id.
    kind: "kb" (articles, policies), "faq" (question/answer records) or "ticket" (past resolutions).
    metadata: flat str/int/float/bool values only (Chroma's rule). Tickets carry created_at (ISO),
      customer_id, channel, category, status, tags (comma-joined), subject, resolution.
    """

    doc_id: str
    kind: str
    title: str
    blocks: list[Block]
    source: str
    lang: str = ""
    url: str = ""
    created_at: str = ""  # ISO 8601 date or datetime, when known
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks if b.text.strip())

    def content_hash(self) -> str:
        payload = json.dumps(
            {
                "kind": self.kind, "title": self.title, "url": self.url, "created_at": self.created_at,
                "blocks": [[list(b.heading_path), b.text] for b in self.blocks],
                "metadata": self.metadata,
            },
            ensure_ascii=False, sort_keys=True,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Chunk:
    doc_id: str
    index: int
    text: str  # the passage as shown to users and models
    heading_path: tuple[str, ...] = ()

    @property
    def chunk_id(self) -> str:
        return f"{self.doc_id}#{self.index}"


@dataclass
class Skipped:
    path: str
    reason: str


@dataclass
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
