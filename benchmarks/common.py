"""Shared helpers for the benchmark scripts (they print figures; they never assert)."""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "benchmarks"
sys.path.insert(0, str(ROOT))


def shared_or_exit() -> Path:
    if not SHARED.is_dir():
        print(f"skipped: {SHARED} not found (the public benchmark data lives beside the repo)")
        raise SystemExit(0)
    return SHARED


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def percentile(values: Iterable[float], q: float) -> float:
    data = sorted(values)
    if not data:
        return float("nan")
    k = (len(data) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (k - lo)


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def peak_rss_mb() -> float:
    """Peak resident memory of this process, in MiB (Linux reports ru_maxrss in KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


HELD_OUT = ("test2", "test3", "test4")  # frozen hand-written sets, one file each (<folder>/<split>.jsonl)


def labelled_rows(folder: Path, data_file: str, split: str) -> list[dict[str, Any]]:
    """Rows of a labelled set: a held-out file (test2/test3/test4) whole, or the dev/test/all split of the
    development file."""
    if split in HELD_OUT:
        return read_jsonl(folder / f"{split}.jsonl")
    return [r for r in read_jsonl(folder / data_file) if split == "all" or r["split"] == split]
