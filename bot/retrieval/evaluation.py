"""Retrieval evaluation: recall@1/5/10 and MRR for a {qid, query, relevant_ids} file against a KB file.

The KB is ingested (incrementally) into its own collection, named after the file's content hash,
so evaluating never touches the production knowledge base and re-runs do not re-embed.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import time
from pathlib import Path
from typing import Any, Sequence

from bot.errors import InputError
from bot.ingest.pipeline import Ingestor
from bot.retrieval.search import Retriever
from bot.retrieval.store import VectorStore, connect_chroma

MRR_DEPTH = 100


def read_queries(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                rows.append({"qid": str(row.get("qid", n)), "query": str(row["query"]),
                             "relevant_ids": [str(x) for x in row["relevant_ids"]]})
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError("ingest_error", detail=f"{path} line {n}: {exc}") from exc
    return rows


def score(ranked: Sequence[str], relevant: Sequence[str]) -> dict[str, float]:
    rel = set(relevant)
    first = next((i for i, d in enumerate(ranked) if d in rel), None)
    return {
        "recall@1": float(first is not None and first < 1),
        "recall@5": float(first is not None and first < 5),
        "recall@10": float(first is not None and first < 10),
        "mrr": 0.0 if first is None else 1.0 / (first + 1),
    }


def eval_retriever(
    retriever: Retriever, queries: list[dict[str, Any]], mode: str, depth: int = MRR_DEPTH
) -> dict[str, Any]:
    totals = {"recall@1": 0.0, "recall@5": 0.0, "recall@10": 0.0, "mrr": 0.0}
    latencies: list[float] = []
    for q in queries:
        t0 = time.perf_counter()
        result = retriever.search(q["query"], k=depth, mode=mode)
        latencies.append((time.perf_counter() - t0) * 1000)
        for key, value in score([h.doc_id for h in result.hits], q["relevant_ids"]).items():
            totals[key] += value
    n = max(1, len(queries))
    out: dict[str, Any] = {"mode": mode, "queries": len(queries)}
    out.update({k: round(v / n, 4) for k, v in totals.items()})
    out["p50_ms"] = round(statistics.median(latencies), 2) if latencies else 0.0
    return out


def run_eval(container: Any, kb: Path, queries_path: Path, modes: Sequence[str], limit: int = 0) -> list[dict[str, Any]]:
    settings = container.settings
    digest = hashlib.sha256(kb.read_bytes()).hexdigest()[:12]
    store = VectorStore(connect_chroma(settings), f"eval-{digest}", container.embedder())
    retriever = Retriever(store, settings.data_dir / "bm25", bm25_weight=settings.retrieval_bm25_weight)
    Ingestor(store, retriever, max_tokens=settings.chunk_max_tokens).ingest([kb])
    queries = read_queries(queries_path)
    if limit:
        queries = queries[:limit]
    return [eval_retriever(retriever, queries, mode) for mode in modes]
