"""How long /resolve takes to make a new past resolution findable (record + incremental ingest of the record
file + BM25 rebuild + gap re-check), and an undo, on a data dir with knowledge/ ingested. Prints medians, and
the parts of a /resolve spent embedding the record and rebuilding the BM25 index (only new texts are
tokenized: bot/retrieval/lexical.py). The machine's load average is printed too: on a busy machine every
figure grows.

    .venv/bin/python benchmarks/resolve_latency.py --data-dir DIR [--runs 5]   # DIR is copied, not changed
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-token-cache", action="store_true", help="tokenize every text at each rebuild (as before)")
    args = ap.parse_args()

    from bot.assist import resolve
    from bot.config import load_settings
    from bot.container import Container

    if args.no_token_cache:
        from bot.retrieval import lexical

        lexical.TOKEN_CACHE = lexical._TokenCache(limit=0)
    work = Path(tempfile.mkdtemp(prefix="resolve-bench-")) / "data"
    shutil.copytree(args.data_dir, work)
    container = Container(load_settings(data_dir=work, env_file=None))
    chunks = container.store().count()
    retriever = container.retriever()
    retriever.warm_up()
    spent: dict[str, list[float]] = {"bm25": [], "embed": []}

    def timed(name: str, fn: Any) -> Any:
        def run(*a: Any, **kw: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                spent[name].append(time.perf_counter() - started)
        return run

    retriever.refresh_lexical = timed("bm25", retriever.refresh_lexical)  # type: ignore[method-assign]
    embedder = container.store().embedder
    embedder.embed_documents = timed("embed", embedder.embed_documents)  # type: ignore[method-assign]
    create, undo = [], []
    parts: list[tuple[float, float]] = []
    for i in range(args.runs):
        context = resolve.ResolveContext(question=f"Can a customer combine order {i} with another one before it ships?")
        started = time.perf_counter()
        outcome = resolve.create(container, context, "Yes, ask the warehouse to merge them; one shipping fee.",
                                 agent="bench", platform="cli", channel_id="bench")
        create.append(time.perf_counter() - started)
        bm25_create, embed_create = sum(spent["bm25"]), sum(spent["embed"])
        spent["bm25"].clear()
        spent["embed"].clear()
        parts.append((bm25_create, embed_create))
        started = time.perf_counter()
        resolve.undo(container, outcome.row.id)
        undo.append(time.perf_counter() - started)
        spent["bm25"].clear()
        spent["embed"].clear()
    print(f"store: {chunks} chunks; runs: {args.runs}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"/resolve (record + index + gap re-check): median {statistics.median(create) * 1000:.0f} ms")
    print(f"  of which BM25 rebuild: median {statistics.median(p[0] for p in parts) * 1000:.0f} ms; "
          f"embedding the record: median {statistics.median(p[1] for p in parts) * 1000:.0f} ms")
    print(f"/resolve --undo (unindex): median {statistics.median(undo) * 1000:.0f} ms")
    shutil.rmtree(work.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
