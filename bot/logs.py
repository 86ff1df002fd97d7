"""Logging: stderr only, a correlation id on every line, secrets masked.

`configure_logging(settings)` is called by the CLI at start-up (never at import time).
"""

from __future__ import annotations

import contextvars
import logging
import re
import sys
import uuid
from typing import Iterable

_correlation: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="")

# Token shapes that must never reach a log even when they are not in the settings.
_TOKEN_PATTERNS = re.compile(
    r"(xox[abprs]-[A-Za-z0-9-]{6,}|xapp-[A-Za-z0-9-]{6,}|sk-[A-Za-z0-9_-]{12,}|t-[A-Za-z0-9_]{20,}|Bearer\s+[A-Za-z0-9._-]{8,})"
)


def correlation_id() -> str:
    return _correlation.get()


def new_correlation_id(value: str | None = None) -> str:
    cid = value or uuid.uuid4().hex[:12]
    _correlation.set(cid)
    return cid


class _ContextFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = _correlation.get() or "-"
        message = record.getMessage()
        masked = mask_secrets(message, self._secrets)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def mask_secrets(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, "***")
    return _TOKEN_PATTERNS.sub("***", text)


def configure_logging(level: str = "INFO", secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_ContextFilter(secrets))
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("httpx", "chromadb", "urllib3", "jieba", "bm25s", "Lark", "slack_bolt", "slack_sdk"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


class _NoTraceback(logging.Filter):
    """Keep a third-party library's error line, drop its traceback (our adapter logs what matters)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


def adopt_logger(name: str) -> None:
    """Route a library logger that installs its own stdout handler (lark-oapi's "Lark") through ours:
    stderr only, secrets masked, one line per rejected request instead of a traceback."""
    logger = logging.getLogger(name)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.propagate = True
    if not any(isinstance(f, _NoTraceback) for f in logger.filters):
        logger.addFilter(_NoTraceback())
