"""Threshold of "this question belongs to a saved /rootcause reason" (the /ask suggested reply, and the
before/after matching of new complaints), chosen on a small dev set.

    .venv/bin/python benchmarks/rootcause_scripts.py

Reasons: the report's reasons on the generated bilingual set of seed 2 (analyze(), top 10, saved as a report
saves them: centroids and representative complaints); a question is rightly matched when its reason is the
majority true reason of the matched one. Questions: benchmarks/data/rootcause/script_match_dev.jsonl,
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
    from collections import Counter

    from bot.analytics.rootcause import Complaint, analyze

    result = analyze([Complaint(id=r["id"], text=r["text"], lang=r["lang"]) for r in rows], x, top=10)
    truth = {r["id"]: r["reason"] for r in rows}
    names = [Counter(truth[t] for t in reason.ticket_ids).most_common(1)[0][0] for reason in result.reasons]
    print("reasons (majority true reason):", names)
    reasons = [ReasonRow(id=i, label=n, language="en", dimension="", ticket_ids=[],
                         centroids=centroids_of(reason.ticket_ids, vectors, langs, background=[r["id"] for r in rows]))
               for i, (n, reason) in enumerate(zip(names, result.reasons))]
    dev = read_jsonl(ROOT / "benchmarks" / "data" / "rootcause" / "script_match_dev.jsonl")
    q = embed_cached("script-match-dev", [d["text"] for d in dev])
    qlangs = ["zh" if is_chinese(d["text"]) else "en" for d in dev]
    found = nearest_reason(q, qlangs, reasons, threshold={"en": -1.0, "zh": -1.0})
    for lang in ("en", "zh"):
        pos = [(s, names[j] == d["reason"]) for d, lg, (j, s) in zip(dev, qlangs, found) if d["reason"] and lg == lang]
        neg = [s for d, lg, (_, s) in zip(dev, qlangs, found) if not d["reason"] and lg == lang]
        print(f"[{lang}] related (similarity, nearest is right):", sorted((round(s, 3), ok) for s, ok in pos))
        print(f"[{lang}] unrelated (similarity):", sorted(round(s, 3) for s in neg))
        print(f"{'threshold':>9} {'recall':>6} {'false offers':>12}")
        for t in np.arange(0.84, 0.96, 0.005):
            recall = sum(ok and s >= t for s, ok in pos) / len(pos)
            false = sum(s >= t for s in neg) + sum((not ok) and s >= t for s, ok in pos)
            mark = "  <- MATCH_SIMILARITY" if abs(t - MATCH_SIMILARITY[lang]) < 1e-6 else ""
            print(f"{t:>9.3f} {recall:>6.2f} {false:>12d}{mark}")


if __name__ == "__main__":
    sys.exit(main())
