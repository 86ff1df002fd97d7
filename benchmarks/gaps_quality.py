"""Quality of the topic grouping behind /gaps (knowledge gaps) and /history (recurring issue).

Gaps: the answerable questions of knowledge/eval/questions.jsonl stand in for gap questions (each `topic`
is one "missing article"; both languages per topic). They are embedded as queries, centred with the
store's per-language means and clustered (bot.assist.gaps). As /gaps does, each question is also described by its
neighbour profile (similarities to its nearest articles/FAQ). The cut distance is chosen on the `dev` split
and reported on the `test` split: pairwise precision / recall / F1 of "same topic" pairs, the recall of
cross-language (zh-en) pairs, and the adjusted Rand index.

History: the bundled past tickets (knowledge/resolutions/tickets.jsonl) with their `category` as the
label; their stored vectors (as /history reads them) are clustered; dev = even rows, test = odd rows.

    .venv/bin/python benchmarks/gaps_quality.py --data-dir DIR   # DIR: a data dir with knowledge/ ingested
    (without one, knowledge/ is ingested into a temporary data dir first)
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from pathlib import Path
from typing import Any, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GRID = [round(x, 2) for x in np.arange(0.30, 0.95, 0.05)]


def pair_scores(labels: Sequence[int], truth: Sequence[str], langs: Sequence[str]) -> dict[str, float]:
    tp = fp = fn = cross_tp = cross_all = 0
    for i, j in itertools.combinations(range(len(truth)), 2):
        same_pred, same_true = labels[i] == labels[j], truth[i] == truth[j]
        tp += same_pred and same_true
        fp += same_pred and not same_true
        fn += same_true and not same_pred
        if same_true and langs[i] != langs[j]:
            cross_all += 1
            cross_tp += same_pred
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    from sklearn.metrics import adjusted_rand_score

    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "cross_lang_recall": cross_tp / cross_all if cross_all else 0.0,
            "ari": float(adjusted_rand_score(truth, labels)), "clusters": len(set(labels)), "items": len(truth)}


def evaluate(x: np.ndarray, truth: list[str], langs: list[str], distance: float) -> dict[str, Any]:
    from bot.assist.gaps import cluster_labels

    return pair_scores(cluster_labels(x, distance).tolist(), truth, langs)


def tune_and_test(name: str, x: np.ndarray, truth: list[str], langs: list[str], dev: np.ndarray,
                  test: np.ndarray) -> dict[str, Any]:
    scored = [(d, evaluate(x[dev], [truth[i] for i in dev], [langs[i] for i in dev], d)) for d in GRID]
    best, dev_scores = max(scored, key=lambda s: (s[1]["f1"], -s[0]))
    test_scores = evaluate(x[test], [truth[i] for i in test], [langs[i] for i in test], best)
    return {"name": name, "distance": best, "dev": dev_scores, "test": test_scores}


def container_for(data_dir: str | None) -> Any:
    from bot.config import load_settings
    from bot.container import Container

    folder = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="gaps-bench-"))
    container = Container(load_settings(data_dir=folder, env_file=None))
    if container.store().count() == 0:
        print(f"ingesting knowledge/ into {folder} ...", file=sys.stderr)
        container.ingestor().ingest([ROOT / "knowledge"], progress=False)
    return container


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", help="a data dir where knowledge/ is ingested")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from bot.assist.gaps import embed_questions, features, prepare_vectors, reference

    container = container_for(args.data_dir)
    means = container.retriever().language_means()
    results = []

    rows = [json.loads(line) for line in (ROOT / "knowledge/eval/questions.jsonl").open(encoding="utf-8")]
    rows = [r for r in rows if r.get("answerable") and r.get("topic") not in (None, "", "-")]
    truth, langs = [r["topic"] for r in rows], [r["lang"] for r in rows]
    raw = embed_questions(container.embedder(), [r["query"] for r in rows])
    dev = np.array([i for i, r in enumerate(rows) if r["split"] == "dev"])
    test = np.array([i for i, r in enumerate(rows) if r["split"] == "test"])
    x = prepare_vectors(raw, langs, means)
    ref = reference(container, means)
    results.append(tune_and_test("gaps: centred e5 vectors + neighbour profile (as /gaps)", features(x, ref), truth,
                                 langs, dev, test))
    results.append(tune_and_test("gaps: centred e5 vectors only", x, truth, langs, dev, test))

    tickets = [json.loads(line) for line in (ROOT / "knowledge/resolutions/tickets.jsonl").open(encoding="utf-8")]
    from bot.messages import detect_language

    stored = container.store().get_embeddings([t["id"] for t in tickets])
    tickets = [t for t in tickets if t["id"] in stored]
    tv = np.stack([stored[t["id"]] for t in tickets]).astype(np.float64)
    t_truth = [t["category"] for t in tickets]
    t_langs = [detect_language(t["subject"] + " " + t["text"]) for t in tickets]
    t_dev, t_test = np.arange(0, len(tickets), 2), np.arange(1, len(tickets), 2)
    results.append(tune_and_test("history: stored ticket vectors, centred", prepare_vectors(tv, t_langs, means),
                                 t_truth, t_langs, t_dev, t_test))

    if args.json:
        print(json.dumps(results, indent=1))
        return
    for r in results:
        d, t = r["dev"], r["test"]
        print(f"{r['name']}: distance {r['distance']} (chosen on dev: F1 {d['f1']:.3f})")
        print(f"  test ({t['items']} items, {t['clusters']} clusters): precision {t['precision']:.3f} recall "
              f"{t['recall']:.3f} F1 {t['f1']:.3f} cross-language recall {t['cross_lang_recall']:.3f} "
              f"ARI {t['ari']:.3f}")


if __name__ == "__main__":
    main()
