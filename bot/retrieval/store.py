"""The vector store: one Chroma collection, embedded (PersistentClient) or a server (HttpClient).

Every Chroma call goes through `_call`, which turns connection failures into `StoreUnavailable`
so the bot can say "the knowledge store is unreachable" and stay up. The client is created lazily
and re-created after a failure, so a Chroma server that comes back is picked up without a restart.
With a Chroma server, every call (client creation included) has a deadline (CHROMA_TIMEOUT_SECONDS):
a server that accepts connections but never answers becomes `StoreUnavailable` too, not a hang.

Documents are all-or-nothing: every chunk carries its document's `doc_hash` and `chunk_count`, and
`document_states()` reports a document as complete only when all `chunk_count` indices are present
with one hash. The ingest pipeline trusts only complete documents as "unchanged".
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence, TypeVar

import numpy as np
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
        timeout = settings.chroma_timeout_seconds

        def http_client() -> Any:
            import chromadb

            client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings)
            _set_http_timeout(client, timeout)
            return client

        http_client.timeout_seconds = timeout  # type: ignore[attr-defined]  # read by VectorStore
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
    vector: list[float] | None = None  # only when asked for (`query(..., vectors=True)`)


@dataclass
class DocState:
    """What the store holds of one document (from its chunks' metadata)."""

    doc_id: str
    meta: dict[str, Any]  # metadata of its lowest-index chunk
    hashes: set[str] = field(default_factory=set)
    indices: set[int] = field(default_factory=set)
    chunk_ids: list[str] = field(default_factory=list)
    expected: int = 0  # chunk_count written on its chunks (the largest seen)

    @property
    def doc_hash(self) -> str:
        return next(iter(self.hashes)) if len(self.hashes) == 1 else ""

    @property
    def complete(self) -> bool:
        """All `chunk_count` chunks present, once each, with one hash."""
        return (
            len(self.hashes) == 1 and self.expected > 0 and len(self.chunk_ids) == self.expected
            and self.indices == set(range(self.expected))
        )

    def problem(self) -> str:
        if len(self.hashes) > 1:
            return f"chunks from {len(self.hashes)} different versions"
        if len(self.chunk_ids) != self.expected or self.indices != set(range(self.expected)):
            return f"{len(self.indices & set(range(self.expected)))} of its {self.expected} chunks"
        return ""


class VectorStore:
    def __init__(
        self, client: Any, collection_name: str, embedder: Embeddings, timeout_seconds: float | None = None
    ) -> None:
        """`client`: a chromadb client, or a zero-argument factory returning one.

        timeout_seconds: deadline of each call (default: the factory's `timeout_seconds`, set by
        `connect_chroma` for a Chroma server; none for the embedded store).
        """
        self._factory: Callable[[], Any] = client if callable(client) and not hasattr(client, "heartbeat") else (
            lambda: client
        )
        self.timeout_seconds = timeout_seconds if timeout_seconds is not None else getattr(
            self._factory, "timeout_seconds", None
        )
        self._silent_until = 0.0  # after a call timed out, fail fast until then
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
                return self._with_deadline(lambda: self._run(fn))
            except (StoreMismatch, StoreUnavailable):
                raise
            except Exception as exc:
                if _is_connection_error(exc):
                    self._collection = None
                    self._client = None
                    raise StoreUnavailable(f"Chroma is unreachable: {type(exc).__name__}: {exc}") from exc
                raise

    def _run(self, fn: Callable[[Any], T]) -> T:
        if self._collection is None:
            self._client = self._factory()
            self._collection = self._open_collection(self._client)
        return fn(self._collection)

    def _with_deadline(self, work: Callable[[], T]) -> T:
        """Run `work` within `timeout_seconds` (in a daemon thread, so a hung call cannot hold the process)."""
        if not self.timeout_seconds:
            return work()
        if time.monotonic() < self._silent_until:  # it just timed out: answer at once instead of waiting again
            raise StoreUnavailable(f"Chroma did not answer within {self.timeout_seconds:g} s (retrying shortly)")
        box: dict[str, Any] = {}

        def target() -> None:
            try:
                box["value"] = work()
            except BaseException as exc:  # handed to the caller below
                box["error"] = exc

        worker = threading.Thread(target=target, name="chroma-call", daemon=True)
        worker.start()
        worker.join(self.timeout_seconds)
        if worker.is_alive():
            self._collection = None
            self._client = None
            self._silent_until = time.monotonic() + self.timeout_seconds
            raise StoreUnavailable(f"Chroma did not answer within {self.timeout_seconds:g} s")
        if "error" in box:
            raise box["error"]
        return box["value"]  # type: ignore[no-any-return]

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

    def document_states(self) -> dict[str, DocState]:
        """doc_id -> what the store holds of it (every chunk's metadata is read once, in pages)."""
        states: dict[str, DocState] = {}
        for cid, _, meta in self.iter_chunks(documents=False):
            doc_id = str(meta.get("doc_id", ""))
            if not doc_id:
                continue
            index = int(meta.get("chunk_index", -1))
            st = states.get(doc_id)
            if st is None:
                st = states[doc_id] = DocState(doc_id, meta)
            elif index < int(st.meta.get("chunk_index", -1)):
                st.meta = meta
            st.hashes.add(str(meta.get("doc_hash", "")))
            st.indices.add(index)
            st.chunk_ids.append(cid)
            st.expected = max(st.expected, int(meta.get("chunk_count", 0) or 0))
        return states

    def orphan_chunks(self) -> list[str]:
        """Chunks that belong to no document: no doc_id, or an id that is not `doc_id#chunk_index`."""
        out = []
        for cid, _, meta in self.iter_chunks(documents=False):
            doc_id = str(meta.get("doc_id", ""))
            if not doc_id or cid != f"{doc_id}#{meta.get('chunk_index')}":
                out.append(cid)
        return out

    def chunk_ids(self) -> set[str]:
        return {cid for cid, _, _ in self.iter_chunks(documents=False)}

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

    def query(
        self, vector: Sequence[float], n: int, where: dict[str, Any] | None = None, vectors: bool = False
    ) -> list[ChunkHit]:
        include = ["metadatas", "documents", "distances"] + (["embeddings"] if vectors else [])

        def run(c: Any) -> Any:  # Chroma returns what it has when n exceeds the collection
            return c.query(query_embeddings=[list(vector)], n_results=n, where=where, include=include)

        res = self._call(run)
        if not res or not res["ids"]:
            return []
        found = res.get("embeddings") if vectors else None
        vecs: list[Any] = list(found[0]) if found is not None else [None] * len(res["ids"][0])
        return [
            ChunkHit(cid, doc or "", dict(meta or {}), 1.0 - float(dist),
                     [float(x) for x in vec] if vec is not None else None)
            for cid, doc, meta, dist, vec in zip(
                res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0], vecs
            )
        ]

    def get_vectors(self, chunk_ids: Sequence[str]) -> dict[str, list[float]]:
        """chunk id -> stored vector, in one round trip."""
        if not chunk_ids:
            return {}
        page = self._call(lambda c: c.get(ids=list(chunk_ids), include=["embeddings"]))
        vectors = page.get("embeddings")
        if vectors is None:
            return {}
        return {cid: [float(x) for x in vec] for cid, vec in zip(page["ids"], vectors)}

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

    def get_embeddings(self, doc_ids: Sequence[str], batch: int = 200) -> dict[str, np.ndarray]:
        """doc_id -> one unit-length vector per document: the mean of its chunks' stored vectors.

        Read from Chroma by doc id in batches (nothing is embedded again), e.g. to cluster tickets.
        Documents not in the store are left out.
        """
        sums: dict[str, np.ndarray] = {}
        ids = list(dict.fromkeys(doc_ids))
        for i in range(0, len(ids), batch):
            part = ids[i : i + batch]
            page = self._call(
                lambda c: c.get(where={"doc_id": {"$in": part}}, include=["embeddings", "metadatas"])  # noqa: B023
            )
            embeddings = page.get("embeddings")
            if embeddings is None:
                continue
            for meta, vector in zip(page["metadatas"], embeddings):
                doc_id = str((meta or {}).get("doc_id", ""))
                v = np.asarray(vector, dtype=np.float32)
                sums[doc_id] = sums[doc_id] + v if doc_id in sums else v.copy()
        out: dict[str, np.ndarray] = {}
        for doc_id, total in sums.items():
            norm = float(np.linalg.norm(total))
            out[doc_id] = total / norm if norm > 0 else total
        return out

    def mean_vectors(self, key: str = "lang", batch: int = 2000) -> dict[str, tuple[np.ndarray, int]]:
        """metadata value of `key` -> (mean of the stored chunk vectors, chunk count); read only, e.g. the
        per-language mean that cross-language search subtracts (H7, additive)."""
        sums: dict[str, np.ndarray] = {}
        counts: dict[str, int] = {}
        offset = 0
        while True:
            page = self._call(
                lambda c: c.get(include=["embeddings", "metadatas"], limit=batch, offset=offset)  # noqa: B023
            )
            ids = page["ids"]
            embeddings = page.get("embeddings")
            if not ids or embeddings is None:
                break
            for meta, vector in zip(page["metadatas"], embeddings):
                value = str((meta or {}).get(key, ""))
                v = np.asarray(vector, dtype=np.float64)
                sums[value] = sums[value] + v if value in sums else v.copy()
                counts[value] = counts.get(value, 0) + 1
            if len(ids) < batch:
                break
            offset += len(ids)
        return {k: (sums[k] / counts[k], counts[k]) for k in sums}

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

    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        ids = list(chunk_ids)
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            self._call(lambda c: c.delete(ids=part))  # noqa: B023

    def reset(self) -> None:
        """Drop the collection (used by `ingest --rebuild`, e.g. after changing the embedder)."""
        def drop() -> None:
            client = self._client or self._factory()
            try:
                client.delete_collection(self.collection_name)
            except Exception as exc:  # not found is fine
                if _is_connection_error(exc):
                    raise
            self._client, self._collection = client, None

        with self._lock:
            try:
                self._with_deadline(drop)
            except StoreUnavailable:
                raise
            except Exception as exc:
                if _is_connection_error(exc):
                    raise StoreUnavailable(f"Chroma is unreachable: {exc}") from exc
                raise


def _set_http_timeout(client: Any, seconds: float) -> None:
    """chromadb's HTTP client has no timeout setting (httpx timeout=None): set one on its session."""
    try:
        import httpx

        client._server._session.timeout = httpx.Timeout(seconds)
    except Exception as exc:  # a chromadb without that attribute: the call deadline still applies
        log.debug("could not set the Chroma HTTP timeout: %s", exc)


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
