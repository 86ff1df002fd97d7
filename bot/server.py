"""One HTTP server (ASGI, Starlette) for every platform.

Routes: /healthz always; /slack/events when Slack is configured; /feishu/events and /feishu/card
when Feishu is configured. `cs-copilot serve` runs it with uvicorn.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any, AsyncIterator

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.container import Container

log = logging.getLogger(__name__)


def build_asgi_app(container: Container, *, warm: bool = True) -> Starlette:
    settings = container.settings
    routes: list[BaseRoute] = []
    platforms: list[str] = []

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"ok": True, "platforms": platforms})

    routes.append(Route("/healthz", healthz, methods=["GET"]))
    if settings.slack_enabled:
        from bot.slack.http import slack_routes

        routes.extend(slack_routes(container))
        platforms.append("slack")
    if settings.feishu_enabled:
        from bot.feishu.http import feishu_routes

        routes.extend(feishu_routes(container))
        platforms.append("feishu")

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if warm:
            await run_in_threadpool(_warm_up, container)
        yield

    app = Starlette(routes=routes, lifespan=lifespan)
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

    uvicorn.run(build_asgi_app(container), host=host, port=port, log_level="warning", **uvicorn_kwargs)
