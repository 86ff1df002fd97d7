"""The model gateway: every call to a chat model goes through it (redaction, timeout, rate limit)."""

from bot.llm.gateway import ModelGateway, gateway_for
from bot.llm.ratelimit import RateLimited, TokenBucket

__all__ = ["ModelGateway", "RateLimited", "TokenBucket", "gateway_for"]
