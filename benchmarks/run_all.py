"""Run every benchmark in sequence (they print their own figures). `make bench` calls this.

    .venv/bin/python benchmarks/run_all.py [--quick]

--quick uses 10k chunks only for the search latency and fewer rounds (a few minutes instead of ~15).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    runs = [
        ["retrieval_quality.py"],
        ["ingest_throughput.py"] + (["--repeats", "1", "--chunks", "64"] if args.quick else []),
        ["search_latency.py"] + (["--sizes", "10000", "--queries", "100"] if args.quick else []),
        ["ask_latency.py"] + (["--rounds", "1"] if args.quick else []),
        ["slack_ack_latency.py"],
    ]
    for run in runs:
        print(f"\n== {' '.join(run)}", flush=True)
        code = subprocess.call([sys.executable, str(HERE / run[0]), *run[1:]], cwd=HERE.parent)
        if code:
            print(f"({run[0]} exited with {code})")


if __name__ == "__main__":
    main()
