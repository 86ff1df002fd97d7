"""Counters and timings served at `/metrics` in the Prometheus text format.

The only module that imports prometheus_client. Anything (core, adapters, the HTTP server) bumps a
figure through the plain functions below; the registry and its metrics are created on first use (never
at import time), in a registry of our own rather than the process-global default.

| metric | type | labels |
|---|---|---|
| `cs_copilot_http_requests_total` | counter | route, method, status |
| `cs_copilot_http_request_seconds` | histogram | route |
| `cs_copilot_errors_total` | counter | where, kind |
| `cs_copilot_replies_total` | counter | platform, kind, grounded |
| `cs_copilot_fallbacks_total` | counter | platform, reason |
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry, Counter, Histogram

    from bot.models import IncomingMessage, Reply

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)


@dataclass
class _Metrics:
    registry: "CollectorRegistry"
    requests: "Counter"
    latency: "Histogram"
    errors: "Counter"
    replies: "Counter"
    fallbacks: "Counter"


_lock = threading.Lock()
_current: _Metrics | None = None


def _build() -> _Metrics:
    from prometheus_client import CollectorRegistry, Counter, Histogram

    registry = CollectorRegistry(auto_describe=True)
    return _Metrics(
        registry=registry,
        requests=Counter("cs_copilot_http_requests", "HTTP requests answered, by route and status",
                         ["route", "method", "status"], registry=registry),
        latency=Histogram("cs_copilot_http_request_seconds", "Time to answer an HTTP request (the ack)",
                          ["route"], buckets=_LATENCY_BUCKETS, registry=registry),
        errors=Counter("cs_copilot_errors", "Failures: unhandled exceptions, rejected requests, platform errors",
                       ["where", "kind"], registry=registry),
        replies=Counter("cs_copilot_replies", "Replies given by the router, by kind (answer, help, error, ...)",
                        ["platform", "kind", "grounded"], registry=registry),
        fallbacks=Counter("cs_copilot_fallbacks", "Answers that fell back (e.g. model timeout -> extractive)",
                          ["platform", "reason"], registry=registry),
    )


def _metrics() -> _Metrics:
    global _current
    if _current is None:
        with _lock:
            if _current is None:
                _current = _build()
    return _current


def reset() -> None:
    """Start from zero (tests; a fresh server)."""
    global _current
    with _lock:
        _current = None


# --- what callers bump ------------------------------------------------------------------------------


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    m = _metrics()
    m.requests.labels(route, method, str(status)).inc()
    m.latency.labels(route).observe(max(0.0, seconds))


def count_error(where: str, kind: str) -> None:
    """`where`: the component ("http", "slack", "feishu", "answer", ...); `kind`: a short class of failure."""
    _metrics().errors.labels(where, kind).inc()


def count_reply(platform: str, kind: str, grounded: bool | None = None) -> None:
    label = "unknown" if grounded is None else str(bool(grounded)).lower()
    _metrics().replies.labels(platform or "unknown", kind or "unknown", label).inc()


def count_fallback(platform: str, reason: str) -> None:
    _metrics().fallbacks.labels(platform or "unknown", reason or "unknown").inc()


def record_reply(msg: "IncomingMessage", reply: "Reply") -> None:
    """Counts a router reply: its kind and, for answers, a fallback when the reply carries a notice."""
    count_reply(msg.platform, reply.kind, reply.grounded if reply.kind == "answer" else None)
    if reply.kind == "answer" and reply.notice:
        count_fallback(msg.platform, "model")


class CountingRouter:
    """Wraps a router (anything with `handle(msg, on_partial)`): every reply is counted; every other
    attribute is the wrapped router's. Counting never changes or breaks a reply."""

    def __init__(self, router: Any) -> None:
        self.wrapped = router

    def handle(self, msg: "IncomingMessage", on_partial: Any = None) -> "Reply":
        reply: Reply = self.wrapped.handle(msg, on_partial)
        safe_record_reply(msg, reply)
        return reply

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)


def safe_record_reply(msg: "IncomingMessage", reply: "Reply") -> None:
    try:
        record_reply(msg, reply)
    except Exception:  # metrics must never cost a user their answer
        pass


# --- what /metrics serves ---------------------------------------------------------------------------


def render() -> tuple[bytes, str]:
    """The exposition (body, content type) of every metric in the registry."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    return generate_latest(_metrics().registry), CONTENT_TYPE_LATEST
