"""VectorStore on a real embedded Chroma: per-document vectors, document completeness, and the call
deadline against a Chroma "server" that accepts connections and never answers."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest
from testkit import make_container, write_corpus

from bot.errors import StoreUnavailable
from bot.retrieval.embedders import HashEmbeddings
from bot.retrieval.store import VectorStore


@pytest.fixture()
def ingested(tmp_path: Path) -> Any:
    corpus = tmp_path / "corpus"
    write_corpus(corpus)
    container = make_container(tmp_path / "data", HashEmbeddings(), chunk_max_tokens=32)
    container.ingestor().ingest([corpus])
    return container


def _stored_vectors(store: VectorStore, doc_id: str) -> list[np.ndarray]:
    page = store._call(lambda c: c.get(where={"doc_id": doc_id}, include=["embeddings"]))
    return [np.asarray(v, dtype=np.float32) for v in page["embeddings"]]


def test_get_embeddings_is_the_normalised_mean_of_each_documents_chunks(ingested: Any) -> None:
    store = ingested.store()
    doc_ids = ["kb/return-shipping.md", "T-1", "faq-2", "no-such-doc"]
    vectors = store.get_embeddings(doc_ids, batch=2)  # two round trips
    assert set(vectors) == {"kb/return-shipping.md", "T-1", "faq-2"}
    multi = _stored_vectors(store, "kb/return-shipping.md")
    assert len(multi) > 1, "the article must have several chunks for the mean to matter"
    mean = np.mean(multi, axis=0)
    np.testing.assert_allclose(vectors["kb/return-shipping.md"], mean / np.linalg.norm(mean), atol=1e-5)
    for v in vectors.values():
        assert v.shape == (HashEmbeddings.dimension,) and abs(float(np.linalg.norm(v)) - 1.0) < 1e-5
    for doc_id in ("T-1", "faq-2"):  # every document's vector comes from its own stored chunks
        m = np.mean(_stored_vectors(store, doc_id), axis=0)
        np.testing.assert_allclose(vectors[doc_id], m / np.linalg.norm(m), atol=1e-5)
    assert float(vectors["T-1"] @ vectors["faq-2"]) < 0.99
    assert store.get_embeddings([]) == {}


def test_document_states_see_a_missing_chunk(ingested: Any) -> None:
    store = ingested.store()
    states = store.document_states()
    assert all(st.complete for st in states.values())
    article = states["kb/return-shipping.md"]
    store.delete_chunks([f"kb/return-shipping.md#{article.expected - 1}"])
    after = store.document_states()["kb/return-shipping.md"]
    assert not after.complete and after.problem() == f"{article.expected - 1} of its {article.expected} chunks"
    # and the next ingest redoes that document instead of calling it unchanged
    report = ingested.ingestor().ingest([Path(store.manifest()["T-1"]["origin"])])
    assert report.repaired == ["kb/return-shipping.md"] and store.document_states()["kb/return-shipping.md"].complete


@pytest.fixture()
def silent_server() -> Iterator[int]:
    """A TCP server that accepts connections and never answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
                held.append(conn)
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield int(srv.getsockname()[1])
    stop.set()
    t.join(2)
    for c in held:
        c.close()
    srv.close()


def test_ask_returns_the_friendly_reply_when_chroma_never_answers(
    silent_server: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot import messages
    from bot.cli import main

    import chromadb  # noqa: F401  (imported before timing: the deadline is about the call, not start-up)

    for key, value in {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(silent_server),
                       "CHROMA_TIMEOUT_SECONDS": "2", "EMBEDDER": "hash"}.items():
        monkeypatch.setenv(key, value)
    argv = ["--data-dir", str(tmp_path), "--env-file", str(tmp_path / "none.env"), "ask", "Who pays return shipping?"]
    main(argv)  # the first run also pays one-off start-up costs (imports, database migrations)
    capsys.readouterr()
    started = time.monotonic()
    rc = main(argv)
    elapsed = time.monotonic() - started
    out = capsys.readouterr().out
    assert elapsed < 2 + 3, f"took {elapsed:.1f} s"
    assert rc == 1 and messages.text("store_unavailable", "en") in out
    assert "notified" not in out


def test_every_store_call_has_the_deadline(silent_server: int) -> None:
    import chromadb

    def factory() -> Any:
        return chromadb.HttpClient(host="127.0.0.1", port=silent_server)

    store = VectorStore(factory, "c", HashEmbeddings(), timeout_seconds=1.0)
    for call in (store.count, lambda: store.query([0.0] * 256, 3), lambda: store.get_embeddings(["x"]), store.reset):
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            call()
        assert time.monotonic() - started < 2.5
