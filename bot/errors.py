"""Errors raised by each layer.

Every error carries a `message_key` that names its user-facing text in `bot.messages`; the edge
(CLI, Slack adapter, Feishu adapter) catches `CsCopilotError` once, logs it with a correlation id
and replies with `bot.messages.text(err.message_key, lang)`. Anything else is reported as
`internal_error`, never as a raw exception.
"""

from __future__ import annotations


class CsCopilotError(Exception):
    message_key = "internal_error"


class ConfigError(CsCopilotError):
    message_key = "config_error"


class IngestError(CsCopilotError):
    message_key = "ingest_error"


class LoaderError(IngestError):
    """A single file or record could not be read; the ingest skips it and reports the reason."""


class StoreUnavailable(CsCopilotError):
    """The vector store (Chroma) cannot be reached."""

    message_key = "store_unavailable"


class StoreMismatch(CsCopilotError):
    """The collection was built with another embedder; mixing vectors would give wrong results."""

    message_key = "store_mismatch"


class DatabaseError(CsCopilotError):
    message_key = "database_unavailable"


class ModelError(CsCopilotError):
    """A chat model failed or timed out (answering falls back to the extractive answer)."""

    message_key = "model_failed"


class PromptError(CsCopilotError):
    """A prompt template is missing or a variable was not supplied."""

    message_key = "internal_error"


class InputError(CsCopilotError):
    """The user's input cannot be processed (empty, too long...)."""

    def __init__(self, message_key: str, **params: object) -> None:
        super().__init__(message_key)
        self.message_key = message_key
        self.params = params
