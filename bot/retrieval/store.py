"""The vector store: one Chroma collection, embedded (PersistentClient) or a server (HttpClient).

Every Chroma call goes through `_call`, which turns connection failures into `StoreUnavailable`
so the bot can say "the knowledge store is unreachable" and stay up. The client is created lazily
and re-created after a failure, so a Chroma server that comes back is picked up without a restart.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence, TypeVar

from langchain_core.embeddings import Embeddings

from bot.config import Settings
from bot.errors import StoreMismatch, StoreUnavailable
from bot.retrieval.embedders import embedder_name

log = logging.getLogger(__name__)
T = TypeVar("T")
PAGE = 2000


def connect_chroma(settings: Settings) -> Callable[[], Any]:
    """A factory for the configured Chroma client (called lazily, again after failures)."""
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if settings.chroma_host:
        host, port, ssl = settings.chroma_host, settings.chroma_port, settings.chroma_ssl

        def http_client() -> Any:
            import chromadb

            return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings)

        return http_client
    path = settings.data_dir / "chroma"

    def persistent_client() -> Any:
        import chromadb

        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)

    return persistent_client


@dataclass(frozen=True)
class ChunkHit:
    chunk_id: str
    text: str
    metadata: dict[str, Any]
    similarity: float


class VectorStore:
    def __init__(self, client: Any, collection_name: str, embedder: Embeddings) -> None:
        """`client`: a chromadb client, or a zero-argument factory returning one."""
        self._factory: Callable[[], Any] = client if callable(client) and not hasattr(client, "heartbeat") else (
            lambda: client
        )
        self._client: Any = None
        self._collection: Any = None
        self.collection_name = collection_name
        self.embedder = embedder
        self.embedder_name = embedder_name(embedder)
        self._lock = threading.RLock()

    # --- plumbing --------------------------------------------------------------------------------
    def _call(self, fn: Callable[[Any], T]) -> T:
        with self._lock:
            try:
                if self._collection is None:
                    self._client = self._factory()
                    self._collection = self._open_collection(self._client)
                return fn(self._collection)
            except (StoreMismatch, StoreUnavailable):
                raise
            except Exception as exc:
                if _is_connection_error(exc):
                    self._collection = None
                    self._client = None
                    raise StoreUnavailable(f"Chroma is unreachable: {type(exc).__name__}: {exc}") from exc
                raise

    def _open_collection(self, client: Any) -> Any:
        col = client.get_or_create_collection(
            self.collection_name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine", "ef_search": 100}},
            metadata={"embedder": self.embedder_name},
        )
        existing = (col.metadata or {}).get("embedder")
        if existing and existing != self.embedder_name:
            raise StoreMismatch(
                f"collection {self.collection_name!r} holds vectors from {existing!r}, not {self.embedder_name!r}"
            )
        return col

    # --- reads -----------------------------------------------------------------------------------
    def count(self) -> int:
        return self._call(lambda c: int(c.count()))

    def corpus_version(self) -> str:
        return self._call(lambda c: str((c.metadata or {}).get("corpus_version", "")))

    def set_corpus_version(self, version: str) -> None:
        def apply(c: Any) -> None:
            meta = dict(c.metadata or {})
            meta.update({"corpus_version": version, "embedder": self.embedder_name})
            c.modify(metadata=meta)

        self._call(apply)

    def manifest(self) -> dict[str, dict[str, Any]]:
        """doc_id -> metadata of its first chunk (holds doc_hash, kind, chunk_count...)."""
        out: dict[str, dict[str, Any]] = {}
        for _, _, meta in self.iter_chunks(where={"chunk_index": 0}, documents=False):
            out[str(meta["doc_id"])] = meta
        return out

    def iter_chunks(
        self, where: dict[str, Any] | None = None, documents: bool = True
    ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        include = ["metadatas", "documents"] if documents else ["metadatas"]
        offset = 0
        while True:
            page = self._call(
                lambda c: c.get(where=where, include=include, limit=PAGE, offset=offset)  # noqa: B023
            )
            ids = page["ids"]
            if not ids:
                return
            docs = page.get("documents") or [""] * len(ids)
            for cid, doc, meta in zip(ids, docs, page["metadatas"]):
                yield cid, doc or "", dict(meta or {})
            if len(ids) < PAGE:
                return
            offset += len(ids)

    def query(self, vector: Sequence[float], n: int, where: dict[str, Any] | None = None) -> list[ChunkHit]:
        def run(c: Any) -> Any:  # Chroma returns what it has when n exceeds the collection
            return c.query(
                query_embeddings=[list(vector)], n_results=n, where=where,
                include=["metadatas", "documents", "distances"],
            )

        res = self._call(run)
        if not res or not res["ids"]:
            return []
        return [
            ChunkHit(cid, doc or "", dict(meta or {}), 1.0 - float(dist))
            for cid, doc, meta, dist in zip(
                res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0]
            )
        ]

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """chunk id -> (text, metadata), in one round trip."""
        if not chunk_ids:
            return {}
        page = self._call(lambda c: c.get(ids=list(chunk_ids), include=["documents", "metadatas"]))
        docs = page.get("documents") or [""] * len(page["ids"])
        return {cid: (doc or "", dict(meta or {})) for cid, doc, meta in zip(page["ids"], docs, page["metadatas"])}

    def vectors_by_text_hash(self, doc_ids: Sequence[str]) -> dict[str, list[float]]:
        """Existing vectors of these documents' chunks, keyed by the hash of the embedded text."""
        out: dict[str, list[float]] = {}
        ids = list(doc_ids)
        for i in range(0, len(ids), 200):
            part = ids[i : i + 200]
            page = self._call(
                lambda c: c.get(where={"doc_id": {"$in": part}}, include=["embeddings", "metadatas"])  # noqa: B023
            )
            embeddings = page.get("embeddings")
            if embeddings is None:
                continue
            for meta, vector in zip(page["metadatas"], embeddings):
                key = (meta or {}).get("text_hash")
                if key:
                    out[str(key)] = [float(x) for x in vector]
        return out

    # --- writes ----------------------------------------------------------------------------------
    def upsert(
        self, ids: list[str], embeddings: list[list[float]], documents: list[str], metadatas: list[dict[str, Any]]
    ) -> None:
        def run(c: Any) -> None:
            step = max(1, min(4000, int(getattr(self._client, "get_max_batch_size", lambda: 4000)())))
            for i in range(0, len(ids), step):
                c.upsert(
                    ids=ids[i : i + step], embeddings=embeddings[i : i + step],
                    documents=documents[i : i + step], metadatas=metadatas[i : i + step],
                )

        if ids:
            self._call(run)

    def delete_docs(self, doc_ids: Sequence[str]) -> None:
        doc_list = list(doc_ids)
        for i in range(0, len(doc_list), 500):
            part = doc_list[i : i + 500]
            self._call(lambda c: c.delete(where={"doc_id": {"$in": part}}))  # noqa: B023

    def reset(self) -> None:
        """Drop the collection (used by `ingest --rebuild`, e.g. after changing the embedder)."""
        with self._lock:
            try:
                client = self._client or self._factory()
                try:
                    client.delete_collection(self.collection_name)
                except Exception as exc:  # not found is fine
                    if _is_connection_error(exc):
                        raise
                self._client, self._collection = client, None
            except Exception as exc:
                if _is_connection_error(exc):
                    raise StoreUnavailable(f"Chroma is unreachable: {exc}") from exc
                raise


def _is_connection_error(exc: BaseException) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    markers = ("connect", "connection", "timeout", "timed out", "refused", "unreachable", "network", "remote")
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, (ConnectionError, TimeoutError, OSError)):
            return True
        name = type(cur).__module__ + "." + type(cur).__name__
        if name.startswith(("httpx.", "httpcore.", "requests.", "urllib3.")):
            return True
        cur = cur.__cause__ or cur.__context__
    return any(m in text for m in markers)
