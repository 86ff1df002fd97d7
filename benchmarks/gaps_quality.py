"""Quality of the topic grouping behind /gaps (knowledge gaps) and /history (recurring issue).

Gaps: the answerable questions of knowledge/eval/questions.jsonl stand in for gap questions (each `topic`
is one "missing article"; both languages per topic). They are embedded as queries, centred with the
store's per-language means and with each split's own per-language question means, and clustered
(bot.assist.gaps). As /gaps does, each question is also described by its
neighbour profile (similarities to its nearest articles/FAQ). The parameters are chosen on the `dev` split
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GRID = [round(x, 2) for x in np.arange(0.30, 0.95, 0.05)]
CROSS_GRID = [round(x, 2) for x in np.arange(0.0, 0.45, 0.05)]
NEIGHBOURS = 5
DIRECT_WEIGHT = 0.3
REFERENCE_KINDS = ("kb", "faq")
MAX_REFERENCE_DOCS = 5000

@dataclass
class Reference:
    """The knowledge documents' vectors (centred, unit) that neighbour profiles are measured against."""

    vectors: np.ndarray  # docs x dim
    doc_ids: list[str] = field(default_factory=list)


_reference_cache: dict[tuple[str, str], Reference] = {}


def reference(container: Any, means: dict[str, np.ndarray]) -> Reference | None:
    """Stored vectors of the knowledge documents (articles, FAQ), read once per corpus version."""
    store = container.store()
    key = (store.collection_name, store.corpus_version())
    cached = _reference_cache.get(key)
    if cached is not None:
        return cached
    manifest = store.manifest()
    ids = sorted(d for d, meta in manifest.items() if meta.get("kind") in REFERENCE_KINDS)[:MAX_REFERENCE_DOCS]
    vectors = store.get_embeddings(ids)
    ids = [d for d in ids if d in vectors]
    if not ids:
        return None
    langs = [str(manifest[d].get("lang") or "") for d in ids]
    from bot.assist.gaps import prepare_vectors

    ref = Reference(prepare_vectors(np.stack([vectors[d] for d in ids]), langs, means), ids)
    _reference_cache.clear()
    _reference_cache[key] = ref
    return ref


def features(x: np.ndarray, ref: Reference | None, k: int = NEIGHBOURS, alpha: float = DIRECT_WEIGHT) -> np.ndarray:
    """Prepared question vectors, joined with their neighbour profiles against `ref` (when there is one)."""
    if ref is None or not len(ref.vectors) or len(x) == 0:
        return x
    sims = x @ ref.vectors.T
    k = min(k, sims.shape[1])
    cut = np.sort(sims, axis=1)[:, -k][:, None]
    profile = np.where(sims >= cut, np.maximum(sims, 0.0), 0.0)
    profile /= np.maximum(np.linalg.norm(profile, axis=1, keepdims=True), 1e-12)
    return np.hstack([np.sqrt(alpha) * x, np.sqrt(1.0 - alpha) * profile])




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


def evaluate(x: np.ndarray, truth: list[str], langs: list[str], params: tuple[float, float | None]) -> dict[str, Any]:
    from bot.assist.gaps import cluster_bilingual, cluster_labels

    distance, cross = params
    labels = cluster_labels(x, distance) if cross is None else cluster_bilingual(x, langs, distance, cross)
    return pair_scores(labels.tolist(), truth, langs)


def tune_and_test(name: str, x: np.ndarray, truth: list[str], langs: list[str], dev: np.ndarray,
                  test: np.ndarray, bilingual: bool = False,
                  fixed: tuple[float, float | None] | None = None) -> dict[str, Any]:
    """Parameters chosen on `dev` (or `fixed`), scores on `test`; the dev score of the fixed ones too."""
    grid: list[tuple[float, float | None]] = [(d, c) for d in GRID for c in CROSS_GRID] if bilingual else [
        (d, None) for d in GRID]
    def sub(idx: np.ndarray) -> tuple[np.ndarray, list[str], list[str]]:
        return x[idx], [truth[i] for i in idx], [langs[i] for i in idx]

    scored = [(p, evaluate(*sub(dev), p)) for p in grid]
    best, dev_scores = max(scored, key=lambda s: (s[1]["f1"], -s[0][0]))
    out: dict[str, Any] = {"name": name, "params": best, "dev": dev_scores, "test": evaluate(*sub(test), best)}
    if fixed is not None:
        out.update(params=fixed, best_dev=(best, dev_scores), dev=evaluate(*sub(dev), fixed),
                   test=evaluate(*sub(test), fixed))
    return out


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

    from bot.assist.gaps import (BILINGUAL_DISTANCE, CROSS_SIMILARITY, GROUP_DISTANCE, centre_on_questions,
                                 embed_questions, prepare_vectors)

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
    xq = x.copy()  # as /gaps sees them: each split's questions also centred on their own per-language means
    for idx in (dev, test):
        xq[idx] = centre_on_questions(x[idx], [langs[i] for i in idx])
    results.append(tune_and_test("gaps, as /gaps: e5 vectors centred on the corpus and question means, one cut", xq,
                                 truth, langs, dev, test, fixed=(GROUP_DISTANCE, None)))
    results.append(tune_and_test("gaps (before): corpus-centred vectors, per language + mutual-nearest merge", x,
                                 truth, langs, dev, test, bilingual=True, fixed=(BILINGUAL_DISTANCE, CROSS_SIMILARITY)))
    results.append(tune_and_test("gaps: centred e5 vectors, one cut", x, truth, langs, dev, test))
    profiles = features(x, reference(container, means))
    results.append(tune_and_test("gaps: + neighbour profile (nearest articles/FAQ), per language + merge", profiles,
                                 truth, langs, dev, test, bilingual=True))

    tickets = [json.loads(line) for line in (ROOT / "knowledge/resolutions/tickets.jsonl").open(encoding="utf-8")]
    from bot.messages import detect_language

    stored = container.store().get_embeddings([t["id"] for t in tickets])
    tickets = [t for t in tickets if t["id"] in stored]
    tv = np.stack([stored[t["id"]] for t in tickets]).astype(np.float64)
    t_truth = [t["category"] for t in tickets]
    t_langs = [detect_language(t["subject"] + " " + t["text"]) for t in tickets]
    t_dev, t_test = np.arange(0, len(tickets), 2), np.arange(1, len(tickets), 2)
    from bot.assist.history import HISTORY_DISTANCE

    results.append(tune_and_test("history, as /history: stored ticket vectors, centred, one cut",
                                 prepare_vectors(tv, t_langs, means), t_truth, t_langs, t_dev, t_test,
                                 fixed=(HISTORY_DISTANCE, None)))

    if args.json:
        print(json.dumps(results, indent=1))
        return
    for r in results:
        d, t = r["dev"], r["test"]
        chosen = "fixed" if "best_dev" in r else "chosen on dev"
        print(f"{r['name']}: parameters {r['params']} ({chosen}: dev F1 {d['f1']:.3f})")
        if "best_dev" in r:
            print(f"  (the best on dev would be {r['best_dev'][0]}: dev F1 {r['best_dev'][1]['f1']:.3f})")
        print(f"  test ({t['items']} items, {t['clusters']} clusters): precision {t['precision']:.3f} recall "
              f"{t['recall']:.3f} F1 {t['f1']:.3f} cross-language recall {t['cross_lang_recall']:.3f} "
              f"ARI {t['ari']:.3f}")


if __name__ == "__main__":
    main()
