"""Logging: stderr only, a correlation id on every line, secrets masked, long lines capped.

`configure_logging(level, secrets, fmt)` is called by the CLI at start-up (never at import time).
`fmt="text"` (default): `time LEVEL [correlation id] logger: message`; `fmt="json"` (LOG_FORMAT=json): one
JSON object per line with `time`, `level`, `logger`, `message`, `correlation_id` (and `exception`).

Every record that reaches our handler, including those of libraries (Bolt, slack_sdk, lark-oapi, uvicorn
once adopted), is masked and capped at `MAX_MESSAGE_CHARS`: a request header or body of a megabyte is
logged as its first few thousand characters and its length, never whole.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import sys
import uuid
from typing import Iterable, Literal

_correlation: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="")

LogFormat = Literal["text", "json"]
MAX_MESSAGE_CHARS = 2000  # of a message, after the arguments are merged in
MAX_EXCEPTION_CHARS = 8000  # of a formatted traceback
_TEXT_FORMAT = "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"
# Library loggers that log every request at INFO (or install their own handlers).
NOISY_LOGGERS = ("httpx", "chromadb", "urllib3", "jieba", "bm25s", "Lark", "slack_bolt", "slack_sdk", "alembic")

# Token shapes that must never reach a log even when they are not in the settings.
_TOKEN_PATTERNS = re.compile(
    r"(xox[abprs]-[A-Za-z0-9-]{6,}|xapp-[A-Za-z0-9-]{6,}|sk-[A-Za-z0-9_-]{12,}|t-[A-Za-z0-9_]{20,}|Bearer\s+[A-Za-z0-9._-]{8,})"
)
# A request id we accept from a caller (X-Request-Id): short, printable, no spaces or quotes.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def correlation_id() -> str:
    return _correlation.get()


def new_correlation_id(value: str | None = None) -> str:
    cid = value or uuid.uuid4().hex[:12]
    _correlation.set(cid)
    return cid


def ensure_correlation_id() -> str:
    """The current correlation id, or a new one when there is none (e.g. a request's id inherited by a
    worker thread through `contextvars.copy_context` is kept)."""
    return _correlation.get() or new_correlation_id()


def request_correlation_id(header_value: str | None) -> str:
    """The correlation id of an HTTP request: the caller's X-Request-Id when it looks like one, else new."""
    if header_value and _REQUEST_ID.fullmatch(header_value):
        return new_correlation_id(header_value)
    return new_correlation_id()


def mask_secrets(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, "***")
    return _TOKEN_PATTERNS.sub("***", text)


def truncate(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """`text` if short enough, else its head and how long it was (so the log line stays readable)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [truncated, {len(text)} chars]"


class _ContextFilter(logging.Filter):
    """Adds the correlation id; masks secrets and caps the length of the merged message."""

    def __init__(self, secrets: Iterable[str] = (), limit: int = MAX_MESSAGE_CHARS) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)
        self.limit = limit

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "correlation_id", None):
            record.correlation_id = _correlation.get() or "-"
        try:
            message = record.getMessage()
        except Exception:  # a library's bad format string: log what we have rather than crash
            message = f"{record.msg!r} {record.args!r}"
        clean = truncate(mask_secrets(message, self.secrets), self.limit)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def _utc_time(record: logging.LogRecord) -> str:
    stamp = dt.datetime.fromtimestamp(record.created, tz=dt.timezone.utc)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(record.msecs):03d}Z"


class _TextFormatter(logging.Formatter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__(_TEXT_FORMAT)
        self.secrets = list(secrets)

    def formatException(self, ei: object) -> str:  # noqa: N802 (logging's name)
        text = super().formatException(ei)  # type: ignore[arg-type]
        return truncate(mask_secrets(text, self.secrets), MAX_EXCEPTION_CHARS)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, correlation_id[, exception]."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = list(secrets)

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, str] = {
            "time": _utc_time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": getattr(record, "correlation_id", None) or _correlation.get() or "-",
        }
        if record.exc_info:
            text = super().formatException(record.exc_info)
            line["exception"] = truncate(mask_secrets(text, self.secrets), MAX_EXCEPTION_CHARS)
        return json.dumps(line, ensure_ascii=False)


def build_handler(secrets: Iterable[str] = (), fmt: str = "text") -> logging.Handler:
    """Our stderr handler: the context filter (correlation id, masking, cap) and the chosen format."""
    secrets = list(secrets)
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_ContextFilter(secrets))
    handler.setFormatter(JsonFormatter(secrets) if fmt == "json" else _TextFormatter(secrets))
    return handler


def configure_logging(level: str = "INFO", secrets: Iterable[str] = (), fmt: str = "text") -> None:
    if fmt not in ("text", "json"):
        raise ValueError(f"log format must be 'text' or 'json', not {fmt!r}")
    handler = build_handler(secrets, fmt)
    from bot.privacy.logging import PersonalDataFilter  # personal data never reaches a log (bot/privacy)

    handler.addFilter(PersonalDataFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in NOISY_LOGGERS:
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
