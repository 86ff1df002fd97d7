"""One HTTP server (ASGI, Starlette) for every platform.

Routes: /healthz and /metrics always; /slack/events when Slack is configured; /feishu/events and
/feishu/card when Feishu is configured. `cs-copilot serve` runs it with uvicorn.

Every HTTP request goes through `RequestContext` first: it gives the request a correlation id (the
caller's `X-Request-Id` when it looks like one, else a new one), echoed as the `X-Request-Id` response
header and carried by every log line written while the request is handled; it counts the request by
route and status and times it for /metrics; an exception that escapes a route is logged once (with the
correlation id) and answered 500 with a generic body.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from typing import Any, AsyncIterator, Awaitable, Callable, MutableMapping

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot import metrics
from bot.container import Container
from bot.logs import request_correlation_id

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REQUEST_ID_HEADER = "x-request-id"


class RequestContext:
    """Pure ASGI middleware: correlation id, X-Request-Id, request metrics, last-resort error handling."""

    def __init__(self, app: ASGIApp, paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cid = request_correlation_id(Headers(scope=scope).get(REQUEST_ID_HEADER))
        path = str(scope.get("path", ""))
        route = path if path in self.paths else "other"  # bounded label values
        method = str(scope.get("method", ""))
        started = time.perf_counter()
        state = {"status": 500, "sent": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"], state["sent"] = message["status"], True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                message["headers"] = [*headers, (b"x-request-id", cid.encode("ascii"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            metrics.count_error("http", type(exc).__name__)
            log.exception("unhandled error on %s %s", method, route)
            if not state["sent"]:
                body = json.dumps({"error": "internal error", "ref": cid}).encode()
                await send_with_id({"type": "http.response.start", "status": 500,
                                    "headers": [(b"content-type", b"application/json"),
                                                (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
        finally:
            metrics.observe_request(route, method, int(state["status"]), time.perf_counter() - started)


def build_asgi_app(container: Container, *, warm: bool = True) -> Starlette:
    settings = container.settings
    routes: list[BaseRoute] = []
    platforms: list[str] = []
    warmers: list[Callable[[], None]] = [lambda: _warm_up(container)]

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"ok": True, "platforms": platforms})

    async def metrics_endpoint(_: Request) -> Response:
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    routes.append(Route("/healthz", healthz, methods=["GET"]))
    routes.append(Route("/metrics", metrics_endpoint, methods=["GET"]))
    if settings.slack_enabled:
        from bot.slack.http import slack_routes, slack_warmer

        slack = slack_routes(container)
        routes.extend(slack)
        warmers.append(slack_warmer(slack))
        platforms.append("slack")
    if settings.feishu_enabled:
        from bot.feishu.http import feishu_routes

        routes.extend(feishu_routes(container))
        platforms.append("feishu")

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if warm:
            for warmer in warmers:
                await run_in_threadpool(warmer)
        yield

    paths = frozenset(str(getattr(r, "path", "")) for r in routes)
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(RequestContext, paths=paths)])
    app.state.container = container
    return app


def _warm_up(container: Container) -> None:
    """Load the embedder and the lexical index before the first question, so it answers fast."""
    try:
        container.retriever().warm_up()
    except Exception as exc:  # the server stays up; questions will report the store as unavailable
        log.warning("warm-up failed: %s", exc)


def run_server(container: Container, host: str = "0.0.0.0", port: int = 3000, **uvicorn_kwargs: Any) -> None:
    import uvicorn

    # log_config=None: uvicorn's own loggers propagate to ours (one format, secrets masked, lines capped)
    uvicorn_kwargs.setdefault("log_config", None)
    uvicorn_kwargs.setdefault("access_log", False)
    uvicorn.run(build_asgi_app(container), host=host, port=port, log_level="warning", **uvicorn_kwargs)
