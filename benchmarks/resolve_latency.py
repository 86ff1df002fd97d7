"""How long /resolve takes to make a new past resolution findable (record + incremental ingest of the record
file + BM25 rebuild + gap re-check), and an undo, on a data dir with knowledge/ ingested. Prints medians.

    .venv/bin/python benchmarks/resolve_latency.py --data-dir DIR [--runs 5]   # DIR is copied, not changed
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    from bot.assist import resolve
    from bot.config import load_settings
    from bot.container import Container

    work = Path(tempfile.mkdtemp(prefix="resolve-bench-")) / "data"
    shutil.copytree(args.data_dir, work)
    container = Container(load_settings(data_dir=work, env_file=None))
    chunks = container.store().count()
    container.retriever().warm_up()
    create, undo = [], []
    for i in range(args.runs):
        context = resolve.ResolveContext(question=f"Can a customer combine order {i} with another one before it ships?")
        started = time.perf_counter()
        outcome = resolve.create(container, context, "Yes, ask the warehouse to merge them; one shipping fee.",
                                 agent="bench", platform="cli", channel_id="bench")
        create.append(time.perf_counter() - started)
        started = time.perf_counter()
        resolve.undo(container, outcome.row.id)
        undo.append(time.perf_counter() - started)
    print(f"store: {chunks} chunks; runs: {args.runs}")
    print(f"/resolve (record + index + gap re-check): median {statistics.median(create) * 1000:.0f} ms")
    print(f"/resolve --undo (unindex): median {statistics.median(undo) * 1000:.0f} ms")
    shutil.rmtree(work.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
