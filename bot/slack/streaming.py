"""Throttled message updates while an answer streams in.

`chat.update` is a Tier 3 method (about 50 calls per minute per workspace), so a streaming answer
updates its message at most once per `interval` seconds (1.2 s by default), and every streaming
message of an app shares one `UpdateBudget` so many concurrent answers stay under the workspace
limit. Whether a partial text is sent is decided when it arrives, with the injected `clock` (no
timers, no sleeping: tests drive time with a fake clock); texts arriving within the interval are
dropped, the final version is always sent by the caller after `close()`. The sending itself happens
on a background thread, so the model's streaming thread never waits on Slack; when Slack is slower
than the interval, only the latest due text waits to be sent (older ones are superseded).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 1.2
Clock = Callable[[], float]


class UpdateBudget:
    """A token bucket for optional (partial) updates shared by every message of one app."""

    def __init__(self, per_minute: float = 40, clock: Clock = time.monotonic) -> None:
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
    """Sends the latest partial text at most once per `interval` seconds of `clock` time."""

    def __init__(
        self,
        send: Callable[[str], None],
        *,
        interval: float = DEFAULT_INTERVAL,
        budget: UpdateBudget | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        self._send = send
        self._interval = interval
        self._budget = budget
        self._clock = clock
        self._cond = threading.Condition()
        self._queued: str | None = None  # due, waiting for the sender thread
        self._busy = False  # the sender thread is inside send()
        self._closed = False
        self._broken = False
        self._thread: threading.Thread | None = None
        self._last = clock()  # the placeholder message was just posted
        self.partials = 0  # partial texts received
        self.due = 0  # texts that were due (interval passed, budget allowed)
        self.sent = 0
        self.superseded = 0  # due texts replaced by a later one before the sender thread took them

    def partial(self, text: str) -> None:
        """The `on_partial` callback: decide at once whether `text` is due; never blocks on Slack."""
        with self._cond:
            if self._closed or self._broken:
                return  # e.g. a model thread still streaming after its answer timed out
            self.partials += 1
            now = self._clock()
            if now - self._last < self._interval:
                return
            if self._budget is not None and not self._budget.try_take():
                return
            self._last = now
            self.due += 1
            if self._queued is not None:
                self.superseded += 1
            self._queued = text
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="slack-stream", daemon=True)
                self._thread.start()
            self._cond.notify()

    def close(self, timeout: float = 30.0) -> None:
        """Stop partial updates; a text already due is still sent, and an update in flight finishes,
        so the caller's final update is the last one."""
        with self._cond:
            self._closed = True
            self._cond.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._queued is None and not self._closed:
                    self._cond.wait()
                if self._queued is None or self._broken:
                    return
                text, self._queued = self._queued, None
            try:
                self._send(text)
                self.sent += 1
            except Exception as exc:  # a partial update is optional: stop trying, the final one follows
                log.warning("partial update failed, streaming disabled for this answer: %s", exc)
                with self._cond:
                    self._broken = True
                    self._queued = None
                return
