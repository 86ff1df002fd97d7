"""The model gateway: every call to a chat model goes through it (redaction, timeout, rate limit).

The gateway module (and langchain with it) is imported on first use, so that commands and the router
can name `RateLimited` without paying for langchain at start-up."""

from __future__ import annotations

from typing import Any

from bot.llm.ratelimit import RateLimited, TokenBucket

__all__ = ["ModelGateway", "RateLimited", "TokenBucket", "gateway_for"]


def __getattr__(name: str) -> Any:
    if name in ("ModelGateway", "gateway_for"):
        from bot.llm import gateway

        return getattr(gateway, name)
    raise AttributeError(name)
