"""A per-user token bucket for model calls, and the error it raises."""

from __future__ import annotations

import math
import threading
import time
from typing import Callable

from bot import messages
from bot.errors import CsCopilotError


class RateLimited(CsCopilotError):
    """A user made more model calls than the configured rate; `retry_after` seconds until the next one."""

    message_key = "rate_limited"

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(f"rate limited; retry after {self.retry_after} s")

    def user_message(self, lang: str) -> str:
        return messages.text("rate_limited", lang, seconds=self.retry_after)


class TokenBucket:
    """`rate_per_minute` calls per user per minute on average, bursts of up to `burst` calls."""

    def __init__(self, rate_per_minute: float, burst: int = 0, clock: Callable[[], float] = time.monotonic) -> None:
        if rate_per_minute <= 0:
            raise ValueError("rate_per_minute must be positive")
        self.rate = rate_per_minute / 60.0  # tokens per second
        self.capacity = float(burst or max(1, math.ceil(rate_per_minute)))
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # user -> (tokens, last refill time)
        self._lock = threading.Lock()

    def acquire(self, user_key: str) -> None:
        """Take one token for `user_key` or raise RateLimited with the wait until one is available."""
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.get(user_key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[user_key] = (tokens, now)
                raise RateLimited((1.0 - tokens) / self.rate)
            self._buckets[user_key] = (tokens - 1.0, now)
