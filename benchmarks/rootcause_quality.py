"""/rootcause clustering quality: NMI / ARI against the hidden labels, dev and test halves, plus the
bilingual set (mixed vs each language alone) and the "true top-3 in the report's top-5" check.

    .venv/bin/python benchmarks/rootcause_quality.py            # the table (test = held-out figures)
    .venv/bin/python benchmarks/rootcause_quality.py --tune     # the dev grid used to choose the settings
    .venv/bin/python benchmarks/rootcause_quality.py --bertopic /tmp/bt-venv/bin/python

The split is fixed once (sha256 of the id, see rootcause_common.is_dev); settings were chosen on dev only.
Labels never reach the algorithm: it gets the vectors (and the texts, for key terms) only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from rootcause_common import ROOT, cache_dir, dataset, is_dev

from bot.analytics.cluster import cluster_multilingual, fit_space
from bot.analytics.rootcause import Complaint, analyze
from bot.analytics.terms import _en_stop, is_chinese, tokenize

REFERENCE = {"zh": (0.316, 0.154), "en": (0.007, -0.006)}  # BERTopic default, ../shared/benchmarks/README.md


def langs_of(rows: Sequence[dict[str, Any]]) -> list[str]:
    return [r.get("lang") or ("zh" if is_chinese(r["text"]) else "en") for r in rows]


def run_clustering(vectors: np.ndarray, langs: list[str], texts: Sequence[str], lexical: bool = True,
                   **params: Any) -> np.ndarray:
    """The clustering step of analyze(), alone (same defaults)."""
    space_kw = {k: params.pop(k) for k in ("centre", "dims") if k in params}
    space = fit_space(vectors, langs, **space_kw)
    stop = _en_stop()
    tokens = [tokenize(t, stop) for t in texts] if lexical else None
    return cluster_multilingual(space.transform(vectors, langs), langs, tokens, **params).labels


def scores(truth: Sequence[str], labels: np.ndarray) -> tuple[float, float]:
    return normalized_mutual_info_score(truth, labels), adjusted_rand_score(truth, labels)


def split(rows: list[dict[str, Any]], vectors: np.ndarray, part: str) -> tuple[list[dict[str, Any]], np.ndarray]:
    idx = [i for i, r in enumerate(rows) if (is_dev(r["id"]) == (part == "dev"))]
    return [rows[i] for i in idx], vectors[idx]


def top_check(rows: list[dict[str, Any]], vectors: np.ndarray, label_key: str) -> tuple[bool, list[str], list[str]]:
    """Do the 3 most frequent true labels appear among the majority labels of the report's top-5 reasons?"""
    complaints = [Complaint(id=r["id"], text=r["text"], lang=r.get("lang", "")) for r in rows]
    lang = "zh" if sum(is_chinese(r["text"]) for r in rows) > len(rows) / 2 else "en"
    result = analyze(complaints, vectors, top=5, language=lang)
    truth = {r["id"]: r[label_key] for r in rows}
    majority = [Counter(truth[t] for t in reason.ticket_ids).most_common(1)[0][0] for reason in result.reasons]
    top3 = [label for label, _ in Counter(truth.values()).most_common(3)]
    return all(t in majority for t in top3), top3, majority


def tune() -> None:
    print("dev grid (NMI / ARI on the dev half only)")
    grid: list[dict[str, Any]] = [
        {"centre": c, "lexical": lx, "k": k} for c in (True, False) for lx in (True, False) for k in (None, 10, 25, 40)
    ]
    for lang in ("zh", "en"):
        rows, vectors = dataset(lang)
        dev_rows, dev_x = split(rows, vectors, "dev")
        truth = [r["label"] for r in dev_rows]
        for params in grid:
            started = time.perf_counter()
            labels = run_clustering(dev_x, langs_of(dev_rows), [r["text"] for r in dev_rows], **dict(params))
            nmi, ari = scores(truth, labels)
            print(f"{lang} {json.dumps(params)} k={len(set(labels.tolist())):3d} NMI {nmi:.3f} ARI {ari:.3f} "
                  f"{time.perf_counter() - started:.1f}s", flush=True)


def bertopic(python: str) -> dict[str, tuple[float, float, int, float]]:
    """BERTopic's default pipeline on the same vectors, in its own venv (see rootcause_bertopic.py)."""
    out: dict[str, tuple[float, float, int, float]] = {}
    for lang in ("zh", "en"):
        rows, vectors = dataset(lang)
        for part in ("dev", "test"):
            part_rows, x = split(rows, vectors, part)
            with tempfile.TemporaryDirectory() as tmp:
                np.save(Path(tmp) / "x.npy", x)
                (Path(tmp) / "docs.json").write_text(json.dumps([r["text"] for r in part_rows]), encoding="utf-8")
                proc = subprocess.run([python, str(ROOT / "benchmarks" / "rootcause_bertopic.py"), tmp, lang],
                                      capture_output=True, text=True)
                if proc.returncode != 0:
                    print(f"BERTopic failed: {proc.stderr[-500:]}", file=sys.stderr)
                    continue
                res = json.loads(proc.stdout.strip().splitlines()[-1])
            nmi, ari = scores([r["label"] for r in part_rows], np.asarray(res["topics"]))
            out[f"{lang}-{part}"] = (nmi, ari, len(set(res["topics"])), res["seconds"])
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tune", action="store_true", help="print the dev grid instead")
    ap.add_argument("--bertopic", default="", help="python of a venv with bertopic installed")
    args = ap.parse_args()
    if args.tune:
        tune()
        return
    bt = bertopic(args.bertopic) if args.bertopic else {}
    print(f"cache: {cache_dir()}")
    print(f"{'set':<5} {'split':<5} {'n':>5} {'labels':>6} {'k':>4} {'NMI':>6} {'ARI':>6} {'secs':>5}  "
          "BERTopic NMI/ARI (same vectors)  reference BERTopic NMI/ARI")
    for lang in ("zh", "en"):
        rows, vectors = dataset(lang)
        for part in ("dev", "test"):
            part_rows, x = split(rows, vectors, part)
            truth = [r["label"] for r in part_rows]
            started = time.perf_counter()
            labels = run_clustering(x, langs_of(part_rows), [r["text"] for r in part_rows])
            secs = time.perf_counter() - started
            nmi, ari = scores(truth, labels)
            b = bt.get(f"{lang}-{part}")
            btxt = f"{b[0]:.3f}/{b[1]:.3f} ({b[2]} topics, {b[3]:.0f}s)" if b else "-"
            print(f"{lang:<5} {part:<5} {len(part_rows):>5} {len(set(truth)):>6} {len(set(labels.tolist())):>4} "
                  f"{nmi:>6.3f} {ari:>6.3f} {secs:>5.1f}  {btxt:<32} {REFERENCE[lang][0]:.3f}/{REFERENCE[lang][1]:.3f}"
                  " (whole set)")
        test_rows, test_x = split(rows, vectors, "test")
        ok, top3, majority = top_check(test_rows, test_x, "label")
        print(f"{lang} test: true top-3 in report top-5: {ok}  (top-3 {top3}; top-5 majority labels {majority})")
    rows, vectors = dataset("bi")
    langs = langs_of(rows)
    truth = [r["reason"] for r in rows]
    print("\nbilingual generated set (benchmarks/data/rootcause/bilingual.jsonl, 8 reasons, zh + en)")
    texts = [r["text"] for r in rows]
    for centre in (True, False):
        mixed = scores(truth, run_clustering(vectors, langs, texts, centre=centre))
        per = {}
        for lg in ("zh", "en"):
            idx = [i for i, x in enumerate(langs) if x == lg]
            per[lg] = scores([truth[i] for i in idx],
                             run_clustering(vectors[idx], [lg] * len(idx), [texts[i] for i in idx], centre=centre))
        gap = max(abs(mixed[0] - per["zh"][0]), abs(mixed[0] - per["en"][0]))
        print(f"  centring {'on ' if centre else 'off'}: mixed NMI {mixed[0]:.3f} ARI {mixed[1]:.3f} | zh alone NMI "
              f"{per['zh'][0]:.3f} | en alone NMI {per['en'][0]:.3f} | largest gap {gap:.3f}")


if __name__ == "__main__":
    main()
