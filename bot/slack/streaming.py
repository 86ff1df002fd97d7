"""Throttled message updates while an answer streams in.

`chat.update` is a Tier 3 method (about 50 calls per minute per workspace), so a streaming answer
updates its message at most once per `interval` seconds (1.2 s by default), and every streaming
message of an app shares one `UpdateBudget` so many concurrent answers stay under the workspace
limit. Partial updates are sent from a background thread, so the model's streaming thread never
waits on Slack; the final version is always sent by the caller after `close()`.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 1.2


class UpdateBudget:
    """A token bucket for optional (partial) updates shared by every message of one app."""

    def __init__(self, per_minute: float = 40, clock: Callable[[], float] = time.monotonic) -> None:
        self._capacity = max(1.0, per_minute)
        self._rate = per_minute / 60.0
        self._clock = clock
        self._tokens = self._capacity
        self._stamp = clock()
        self._lock = threading.Lock()

    def try_take(self) -> bool:
        with self._lock:
            now = self._clock()
            self._tokens = min(self._capacity, self._tokens + (now - self._stamp) * self._rate)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False


class StreamingMessage:
    """Collects partial texts and sends the latest one at most once per `interval` seconds."""

    def __init__(
        self,
        send: Callable[[str], None],
        *,
        interval: float = DEFAULT_INTERVAL,
        budget: UpdateBudget | None = None,
    ) -> None:
        self._send = send
        self._interval = interval
        self._budget = budget
        self._cond = threading.Condition()
        self._pending: str | None = None
        self._closed = False
        self._thread: threading.Thread | None = None
        self._last = time.monotonic()  # the placeholder message was just posted
        self.partials = 0
        self.sent = 0

    def partial(self, text: str) -> None:
        """The `on_partial` callback: remember the latest text; never blocks on Slack."""
        with self._cond:
            if self._closed:
                return  # e.g. a model thread still streaming after its answer timed out
            self.partials += 1
            self._pending = text
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="slack-stream", daemon=True)
                self._thread.start()
            self._cond.notify()

    def close(self, timeout: float = 30.0) -> None:
        """Stop partial updates; waits for one in flight so the final update is the last one."""
        with self._cond:
            self._closed = True
            self._cond.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                delay = self._last + self._interval - time.monotonic()
                if delay > 0:
                    self._cond.wait(delay)
                    continue
                text, self._pending = self._pending, None
                self._last = time.monotonic()
            if text is None or (self._budget is not None and not self._budget.try_take()):
                continue
            try:
                self._send(text)
                self.sent += 1
            except Exception as exc:  # a partial update is optional: stop trying, the final one follows
                log.warning("partial update failed, streaming disabled for this answer: %s", exc)
                with self._cond:
                    self._closed = True
                return
