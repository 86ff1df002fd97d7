"""Recall@1/5/10 and MRR on the public benchmarks in ../shared/benchmarks, next to the reference figures.

Runs `cs-copilot eval` (the same code path users run) for each language and retrieval mode.

    .venv/bin/python benchmarks/retrieval_quality.py [--data-dir DIR] [--modes dense bm25 hybrid]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT, shared_or_exit

REFERENCE = {  # from ../shared/benchmarks/README.md (R@1, R@5, MRR)
    ("zh", "bm25"): (0.233, 0.444, 0.333), ("zh", "dense"): (0.294, 0.486, 0.391),
    ("zh", "hybrid"): (0.297, 0.486, 0.392), ("en", "bm25"): (0.720, 0.914, 0.803),
    ("en", "dense"): (0.914, 0.986, 0.946), ("en", "hybrid"): (0.894, 0.966, 0.928),
}


def main() -> None:
    shared = shared_or_exit()
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default="", help="reuse a data dir (the KB embeddings are cached there)")
    ap.add_argument("--modes", nargs="+", default=["dense", "bm25", "hybrid"])
    ap.add_argument("--langs", nargs="+", default=["zh", "en"])
    args = ap.parse_args()
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="cs-bench-")
    print(f"{'lang':>4} {'mode':>7} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR':>6} {'p50 ms':>7}   reference R@1/R@5/MRR")
    for lang in args.langs:
        cmd = [sys.executable, "-m", "bot.cli", "--data-dir", data_dir, "--env-file", "/nonexistent", "eval",
               "--kb", str(shared / f"faq_{lang}.jsonl"), "--queries", str(shared / f"queries_{lang}.jsonl"),
               "--mode", "all" if sorted(args.modes) == ["bm25", "dense", "hybrid"] else args.modes[0], "--json"]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if proc.returncode != 0:
            print(proc.stdout, proc.stderr)
            raise SystemExit(proc.returncode)
        for line in proc.stdout.strip().splitlines():
            r = json.loads(line)
            ref = REFERENCE.get((lang, r["mode"]))
            ref_text = "/".join(f"{x:.3f}" for x in ref) if ref else "-"
            print(f"{lang:>4} {r['mode']:>7} {r['recall@1']:>6.3f} {r['recall@5']:>6.3f} {r['recall@10']:>6.3f} "
                  f"{r['mrr']:>6.3f} {r['p50_ms']:>7.1f}   {ref_text}")
    print(f"(data dir: {data_dir}; {Path(data_dir).exists()})")


if __name__ == "__main__":
    main()
