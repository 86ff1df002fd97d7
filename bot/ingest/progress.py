"""Ingest progress: a tqdm bar on a terminal, periodic plain lines otherwise (logs, CI, `make chat | tee`).

Also the test-only kill points: with `CS_COPILOT_TEST_KILL_AT=name[:n]` set, the n-th time (default 1)
the pipeline passes the point `name`, the process SIGKILLs itself, so tests can interrupt an ingest at
a precise moment. Without the variable, `kill_point` does nothing.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from typing import IO, Any

KILL_ENV = "CS_COPILOT_TEST_KILL_AT"
_passes: dict[str, int] = {}


def kill_point(name: str) -> None:
    spec = os.environ.get(KILL_ENV)
    if not spec:
        return
    target, _, nth = spec.partition(":")
    if target != name:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] == int(nth or 1):
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)


class Progress:
    """Counts chunks (and documents) done; shows a bar on a terminal, a line every `interval` s elsewhere."""

    def __init__(
        self, total_chunks: int, total_docs: int, show: bool | None = None, interval: float = 10.0,
        stream: IO[str] | None = None, clock: Any = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stderr
        self.total_chunks = total_chunks
        self.total_docs = total_docs
        self.chunks = 0
        self.docs = 0
        self.interval = interval
        self._clock = clock
        self._started = clock()
        self._last = self._started
        tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._bar: Any = None
        self._lines = False
        if show is None or show:
            if tty:
                from tqdm import tqdm

                self._bar = tqdm(total=total_chunks, unit="chunk", desc="embedding", file=self.stream)
            elif show is None:
                self._lines = True

    def update(self, chunks: int, docs_done: int = 0) -> None:
        self.chunks += chunks
        self.docs += docs_done
        if self._bar is not None:
            self._bar.update(chunks)
        elif self._lines:
            now = self._clock()
            if now - self._last >= self.interval:
                self._last = now
                self.stream.write(self.line(now) + "\n")
                self.stream.flush()

    def line(self, now: float | None = None) -> str:
        elapsed = max(1e-9, (self._clock() if now is None else now) - self._started)
        rate = self.chunks / elapsed
        left = (self.total_chunks - self.chunks) / rate if rate > 0 else float("inf")
        eta = _duration(left) if left != float("inf") else "unknown"
        return (
            f"ingest: {self.docs}/{self.total_docs} documents, {self.chunks}/{self.total_chunks} chunks, "
            f"{rate:.1f} chunks/s, about {eta} left"
        )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"
