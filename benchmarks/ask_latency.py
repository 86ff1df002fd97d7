"""`ask` latency, extractive (no model), warm: p50/p95 over the bundled evaluation questions.

    .venv/bin/python benchmarks/ask_latency.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import ROOT, median, peak_rss_mb, percentile, read_jsonl

from bot.config import load_settings
from bot.container import Container
from bot.router import IncomingMessage


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    questions = [q["query"] for q in read_jsonl(ROOT / "knowledge" / "questions.jsonl")]
    questions += [q["query"] for q in read_jsonl(ROOT / "knowledge" / "questions_unanswerable.jsonl")]
    with tempfile.TemporaryDirectory() as tmp:
        container = Container(load_settings(data_dir=Path(tmp), env_file=None))
        container.ingestor().ingest([ROOT / "knowledge"], progress=False)
        router = container.router()
        container.retriever().warm_up()
        router.handle(IncomingMessage(questions[0]))
        lat = []
        for _ in range(args.rounds):
            for q in questions:
                t0 = time.perf_counter()
                reply = router.handle(IncomingMessage(q, command="/ask"))
                lat.append((time.perf_counter() - t0) * 1000)
                assert reply.kind == "answer", reply.text
        print(f"ask (extractive, warm, {container.store().count()} chunks): n={len(lat)} "
              f"p50 {median(lat):.1f} ms, p95 {percentile(lat, 0.95):.1f} ms, max {max(lat):.1f} ms")
        print(f"peak memory: {peak_rss_mb():.0f} MiB")


if __name__ == "__main__":
    main()
