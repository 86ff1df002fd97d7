"""Token buckets for Feishu's send limits (5 QPS per chat / per user, 50 QPS per app).

The clock and the sleep function are injectable, so the logic is tested without real time.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class TokenBucket:
    """`rate` tokens per second, at most `capacity` saved up."""

    def __init__(self, rate: float, capacity: float | None = None, *, clock: Clock = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = float(rate)
        self.capacity = float(capacity if capacity is not None else rate)
        self._clock = clock
        self._tokens = self.capacity
        self._updated = clock()
        self._lock = threading.Lock()

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)
        self._updated = now

    def try_acquire(self) -> float:
        """Take a token if one is available and return 0.0; else return the seconds to wait."""
        with self._lock:
            self._refill(self._clock())
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self.rate

    def acquire(self, *, max_wait: float = 10.0, sleep: Sleep = time.sleep) -> bool:
        """Block until a token is taken (True) or `max_wait` seconds of waiting ran out (False)."""
        waited = 0.0
        while True:
            wait = self.try_acquire()
            if wait <= 0.0:
                return True
            if waited + wait > max_wait:
                return False
            sleep(wait)
            waited += wait


class KeyedRateLimiter:
    """One token bucket per key (a chat id, an open_id...), the least recently used ones forgotten."""

    def __init__(
        self, rate: float, capacity: float | None = None, *, clock: Clock = time.monotonic, max_keys: int = 10_000
    ) -> None:
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()
        self._lock = threading.Lock()

    def bucket(self, key: str) -> TokenBucket:
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = TokenBucket(self.rate, self.capacity, clock=self._clock)
                self._buckets[key] = bucket
                while len(self._buckets) > self._max_keys:
                    self._buckets.popitem(last=False)
            else:
                self._buckets.move_to_end(key)
            return bucket

    def try_acquire(self, key: str) -> float:
        return self.bucket(key).try_acquire()

    def acquire(self, key: str, *, max_wait: float = 10.0, sleep: Sleep = time.sleep) -> bool:
        return self.bucket(key).acquire(max_wait=max_wait, sleep=sleep)

    def __len__(self) -> int:
        return len(self._buckets)
