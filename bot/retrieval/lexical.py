"""Lexical retrieval: BM25 (bm25s) over jieba tokens, persisted next to the data.

Identifiers (order numbers, error codes, SKUs such as BC20261103-58217, PAY-4012, AUR-X2-BLK) are
kept whole as tokens, and their parts are indexed too, so exact look-ups always match.

Adding one record (a /resolve, an incremental ingest) rebuilds the index from the store's chunks, but only
the new or changed texts are tokenized: the tokens of every indexed text are kept by text digest (in memory,
and next to the saved index so that a restarted process has them too). Tokenizing (jieba) was most of a
rebuild; building the BM25 matrices from tokens is cheap (benchmarks/resolve_latency.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Sequence

import numpy as np

log = logging.getLogger(__name__)

_IDENT = re.compile(r"[a-z0-9]+(?:[-_./#][a-z0-9]+)+")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_STOP = frozenset(
    """a an the is are was were be been to of in on for and or but with at by from as it its this that these
    those i you he she we they me my your our their do does did can could would should will shall may might
    how what when where which who whom why if then so not no yes please hi hello there have has had am
    的 了 吗 呢 吧 啊 是 我 你 他 她 它 们 我们 你们 在 和 与 及 或 就 都 也 还 又 很 请问 请 怎么 什么 如何 为什么
    一个 这个 那个 哪 有 没有 要 会 能 可以 被 把 给 让 对 从 到 上 下 中 啦 嘛 呀 么""".split()
)

_jieba_lock = threading.Lock()
_jieba_ready = False


def load_jieba() -> Any:
    """jieba, initialised once per process (quiet), shared by BM25 and the analytics tokenizer."""
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        with _jieba_lock:
            if not _jieba_ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba_ready = True
    return jieba


def _bm25s() -> Any:
    """bm25s, with its logger (set to DEBUG by the library at import) quietened to WARNING."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def identifiers(text: str) -> list[str]:
    """Order numbers, error codes, SKUs...: identifier-shaped tokens that contain a digit."""
    found = (m.group(0) for m in _IDENT.finditer(text.lower()))
    return [t for t in found if len(t) >= 5 and any(ch.isdigit() for ch in t)]


def tokenize(text: str) -> list[str]:
    """Lower-cased tokens: identifiers whole and in parts, latin words, jieba words for Chinese."""
    low = text.lower()
    tokens: list[str] = []
    for m in _IDENT.finditer(low):
        tokens.append(m.group(0))
    for m in _WORD.finditer(low):
        w = m.group(0)
        if w not in _STOP and (len(w) > 1 or w.isdigit()):
            tokens.append(w)
    runs = _CJK_RUN.findall(low)
    if runs:
        jb = load_jieba()
        for run in runs:
            for w in jb.lcut_for_search(run):
                if w not in _STOP:
                    tokens.append(w)
    return tokens


TOKENS_FILE = "tokens.tsv"
MAX_CACHED_TEXTS = 400_000  # token lists kept in memory (about the texts of the largest corpus indexed)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


class _TokenCache:
    """Token lists by text digest, least recently used dropped first: a rebuild tokenizes only new texts."""

    def __init__(self, limit: int = MAX_CACHED_TEXTS) -> None:
        self.limit = limit
        self._tokens: OrderedDict[str, list[str]] = OrderedDict()
        self._lock = threading.Lock()

    def tokens(self, digest: str, text: str) -> list[str]:
        with self._lock:
            hit = self._tokens.get(digest)
            if hit is not None:
                self._tokens.move_to_end(digest)
                return hit
        toks = tokenize(text) or ["∅"]
        self.put(digest, toks)
        return toks

    def put(self, digest: str, toks: list[str]) -> None:
        with self._lock:
            self._tokens[digest] = toks
            self._tokens.move_to_end(digest)
            while len(self._tokens) > self.limit:
                self._tokens.popitem(last=False)

    def get(self, digest: str) -> list[str] | None:
        with self._lock:
            return self._tokens.get(digest)

    def __len__(self) -> int:
        return len(self._tokens)


TOKEN_CACHE = _TokenCache()


class BM25Index:
    """BM25 over chunk texts, with per-chunk doc ids and filterable metadata kept in arrays."""

    def __init__(self) -> None:
        self._bm25: Any = None
        self.chunk_ids: list[str] = []
        self.meta: list[dict[str, Any]] = []
        self.version = ""
        self._kinds: np.ndarray = np.array([], dtype=object)
        self._ts: np.ndarray = np.array([], dtype=np.int64)
        self.df: dict[str, int] = {}
        self.digests: list[str] = []  # per chunk: the digest of its text (its tokens are in TOKEN_CACHE)

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def build(self, chunk_ids: Sequence[str], texts: Sequence[str], metas: Sequence[dict[str, Any]], version: str) -> None:
        bm25s = _bm25s()
        self.chunk_ids = list(chunk_ids)
        self.meta = [_slim(m) for m in metas]
        self.version = version
        self._index_arrays()
        if not self.chunk_ids:
            self._bm25 = None
            return
        self.digests = [_digest(t) for t in texts]
        corpus = [TOKEN_CACHE.tokens(d, t) for d, t in zip(self.digests, texts)]
        df: dict[str, int] = {}
        for toks in corpus:
            for t in set(toks):
                df[t] = df.get(t, 0) + 1
        self.df = df
        bm = bm25s.BM25()
        bm.index(corpus, show_progress=False)
        self._bm25 = bm

    def _index_arrays(self) -> None:
        self._kinds = np.array([m.get("kind", "") for m in self.meta], dtype=object)
        self._ts = np.array([int(m.get("ts", 0) or 0) for m in self.meta], dtype=np.int64)
        self._sources = np.array([m.get("source", "") for m in self.meta], dtype=object)

    def scores(self, query: str, filters: Any = None) -> np.ndarray:
        """BM25 score of every chunk (0 where filtered out)."""
        if self._bm25 is None:
            return np.zeros(0, dtype=np.float32)
        tokens = tokenize(query)
        if not tokens:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)
        return self._apply(scores, filters)

    def _apply(self, scores: np.ndarray, filters: Any) -> np.ndarray:
        if filters is None or filters.is_empty():
            return scores
        mask = np.ones(len(scores), dtype=bool)
        if filters.kinds:
            mask &= np.isin(self._kinds, list(filters.kinds))
        if filters.sources:
            mask &= np.isin(self._sources, list(filters.sources))
        if filters.ts_from is not None:
            mask &= self._ts >= filters.ts_from
        if filters.ts_to is not None:
            mask &= self._ts <= filters.ts_to
        return np.where(mask, scores, 0.0).astype(np.float32)

    def token_scores(self, tokens: Sequence[str], filters: Any = None) -> np.ndarray:
        """BM25 scores for exact index tokens (no re-tokenizing): >0 where a chunk contains one of them."""
        if self._bm25 is None or not tokens:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        return self._apply(np.asarray(self._bm25.get_scores(list(tokens)), dtype=np.float32), filters)

    def idf(self, token: str) -> float:
        n = max(1, len(self.chunk_ids))
        return math.log(1.0 + n / (self.df.get(token, 0) + 0.5))

    def coverage(self, query: str, texts: Sequence[str]) -> float:
        """IDF-weighted share of the query's terms that occur in `texts` (0..1): lexical evidence of relevance."""
        q = set(tokenize(query))
        if not q:
            return 0.0
        seen: set[str] = set()
        for t in texts:
            seen.update(tokenize(t))
        total = sum(self.idf(t) for t in q)
        return sum(self.idf(t) for t in q & seen) / total if total else 0.0

    # --- persistence -----------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        if self._bm25 is None:
            return
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / "bm25.tmp"
        self._bm25.save(str(tmp), show_progress=False)
        with open(tmp / "chunks.json", "w", encoding="utf-8") as fh:
            json.dump({"version": self.version, "chunk_ids": self.chunk_ids, "meta": self.meta, "df": self.df}, fh,
                      ensure_ascii=False)
        self._save_tokens(tmp / TOKENS_FILE)
        final = folder / "bm25"
        if final.exists():
            old = folder / "bm25.old"
            if old.exists():
                _rmtree(old)
            final.rename(old)
            tmp.rename(final)
            _rmtree(old)
        else:
            tmp.rename(final)

    @classmethod
    def load(cls, folder: Path) -> "BM25Index | None":
        bm25s = _bm25s()
        path = folder / "bm25"
        try:
            with open(path / "chunks.json", encoding="utf-8") as fh:
                data = json.load(fh)
            bm = bm25s.BM25.load(str(path), show_progress=False)
        except (OSError, ValueError, KeyError) as exc:
            log.info("no usable lexical index at %s (%s); it will be rebuilt", path, type(exc).__name__)
            return None
        idx = cls()
        idx._bm25 = bm
        idx.chunk_ids = list(data["chunk_ids"])
        idx.meta = list(data["meta"])
        idx.version = str(data["version"])
        idx.df = {str(k): int(v) for k, v in data.get("df", {}).items()}
        idx._index_arrays()
        idx._load_tokens(path / TOKENS_FILE)
        return idx

    def _save_tokens(self, path: Path) -> None:
        """The token lists of the indexed texts, so that the next rebuild (in any process) reuses them:
        one line per chunk, its text digest then its tokens, tab-separated (tokens hold no whitespace)."""
        lines: list[str] = []
        for digest in self.digests:
            toks = TOKEN_CACHE.get(digest)
            if toks is None:
                return
            lines.append(digest + "\t" + "\t".join(toks))
        if lines:
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def _load_tokens(self, path: Path) -> None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, ValueError):
            return  # an index saved before token lists were: the next rebuild tokenizes once
        if len(lines) != len(self.chunk_ids):
            return
        digests: list[str] = []
        for line in lines:
            digest, _, rest = line.partition("\t")
            digests.append(digest)
            if TOKEN_CACHE.get(digest) is None:
                TOKEN_CACHE.put(digest, rest.split("\t") if rest else ["∅"])
        self.digests = digests


_KEEP = ("doc_id", "kind", "title", "source", "heading", "ts", "lang", "url", "chunk_index")


def _slim(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: meta[k] for k in _KEEP if k in meta}


def _rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
