"""The composition root: builds every component from Settings, lazily, once.

Tests build the parts they need directly (passing a real embedded Chroma client, a fake chat
model...) or hand overrides to `Container(settings, embedder=..., chat_model=..., chroma_client=...)`.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from bot.config import Settings

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models.chat_models import BaseChatModel

    from bot.answer.service import AnswerService
    from bot.conversation import ConversationService
    from bot.ingest.pipeline import Ingestor
    from bot.outbound.port import Outbound
    from bot.privacy.redactor import Redactor
    from bot.retrieval.search import Retriever
    from bot.retrieval.store import VectorStore
    from bot.router import CommandRouter
    from bot.storage.db import StateStore
    from bot.tuning import Tuning


class Container:
    def __init__(
        self,
        settings: Settings,
        *,
        embedder: "Embeddings | None" = None,
        chat_model: "BaseChatModel | None" = None,
        chroma_client: Any = None,
    ) -> None:
        self.settings = settings
        self._embedder = embedder
        self._chat_model = chat_model
        self._chat_model_built = chat_model is not None
        self._chroma_client = chroma_client
        self._lock = threading.RLock()
        self._store: VectorStore | None = None
        self._retriever: Retriever | None = None
        self._answerer: AnswerService | None = None
        self._router: CommandRouter | None = None
        self._state: StateStore | None = None
        self._conversation: ConversationService | None = None

    def embedder(self) -> "Embeddings":
        with self._lock:
            if self._embedder is None:
                from bot.retrieval.embedders import build_embedder

                self._embedder = build_embedder(self.settings)
            return self._embedder

    def chat_model(self) -> "BaseChatModel | None":
        with self._lock:
            if not self._chat_model_built:
                from bot.answer.llm import build_chat_model

                self._chat_model = build_chat_model(self.settings)
                self._chat_model_built = True
            return self._chat_model

    def store(self) -> "VectorStore":
        with self._lock:
            if self._store is None:
                from bot.retrieval.store import VectorStore, connect_chroma

                client = self._chroma_client or connect_chroma(self.settings)
                self._store = VectorStore(client, self.settings.chroma_collection, self.embedder())
            return self._store

    def tuning(self) -> "Tuning":
        """Retrieval and answering constants (bot/tuning.py), with the ones that are also settings applied."""
        from bot.tuning import Tuning

        return Tuning.from_settings(self.settings)

    def retriever(self) -> "Retriever":
        with self._lock:
            if self._retriever is None:
                from bot.retrieval.search import Retriever

                self._retriever = Retriever.from_tuning(
                    self.store(), self.settings.data_dir / "bm25", self.tuning(), mode=self.settings.retrieval_mode)
            return self._retriever

    def ingestor(self) -> "Ingestor":
        from bot.ingest.pipeline import Ingestor

        s = self.settings
        return Ingestor(
            self.store(), self.retriever(), max_tokens=s.chunk_max_tokens, max_document_mb=s.ingest_max_document_mb,
            max_chunks_per_document=s.ingest_max_chunks_per_document, progress_seconds=s.ingest_progress_seconds,
            tickets=lambda: self.state().tickets,
        )

    def answerer(self) -> "AnswerService":
        with self._lock:
            if self._answerer is None:
                from bot.answer.service import AnswerService
                from bot.llm.gateway import gateway_for

                self._answerer = AnswerService(
                    self.retriever(), gateway=gateway_for(self), tuning=self.tuning(),
                    timeout_seconds=self.settings.llm_timeout_seconds,
                    redact=self.redact if self.settings.redact_extractive else None,
                )
            return self._answerer

    def router(self) -> "CommandRouter":
        with self._lock:
            if self._router is None:
                from bot.commands.registry import default_registry
                from bot.router import CommandRouter

                self._router = CommandRouter(default_registry(), self)
            return self._router

    def conversation(self) -> "ConversationService":
        """The conversation rules (answer records, votes, thread memory, need-a-human) on the state store."""
        with self._lock:
            if self._conversation is None:
                from bot.conversation import ConversationService

                self._conversation = ConversationService(self.state(), redact=self.redact)
            return self._conversation

    def state(self) -> "StateStore":
        with self._lock:
            if self._state is None:
                from bot.storage.db import Database, StateStore

                self._state = StateStore(Database(self.settings.effective_database_url))
            return self._state

    def outbound(self, platform: str) -> "Outbound":
        """How the core posts on its own initiative on `platform` ("slack", "feishu", or "cli" for the
        terminal), built once per platform. See docs/ARCHITECTURE.md, "Recipe: post to a channel"."""
        from bot.errors import ConfigError

        with self._lock:
            cache: dict[str, Outbound] = self.__dict__.setdefault("_outbounds", {})
            if platform in cache:
                return cache[platform]
            out: Outbound
            if platform == "slack":
                if not self.settings.slack_enabled:
                    raise ConfigError("posting to Slack needs SLACK_BOT_TOKEN")
                from bot.slack.app import build_web_client
                from bot.slack.outbound import SlackOutbound

                out = SlackOutbound(build_web_client(self.settings))
            elif platform == "feishu":
                if not self.settings.feishu_enabled:
                    raise ConfigError("posting to Feishu needs FEISHU_APP_ID and FEISHU_APP_SECRET")
                from bot.feishu.api import FeishuApi
                from bot.feishu.app import build_client
                from bot.feishu.outbound import FeishuOutbound

                out = FeishuOutbound(FeishuApi(build_client(self.settings)))
            elif platform in ("cli", "local"):
                import sys

                from bot.outbound.local import LocalOutbound

                out = LocalOutbound(sys.stdout, self.settings.data_dir / "outbox")
            else:
                raise ConfigError(f"no outbound port for platform {platform!r}")
            cache[platform] = out
            return out

    def redactor(self) -> "Redactor":
        """The personal-data redactor for this deployment (REDACT_TYPES), built once."""
        with self._lock:
            cached: Redactor | None = self.__dict__.get("_redactor")
            if cached is None:
                from bot.privacy.redactor import Redactor

                cached = Redactor(self.settings.redact_types)
                self.__dict__["_redactor"] = cached
            return cached

    def redact(self, text: str) -> str:
        """`text` with personal data replaced by typed placeholders (quotes in reports, threads, logs)."""
        return self.redactor()(text)
