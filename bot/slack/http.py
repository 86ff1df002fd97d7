"""`POST /slack/events`: slash commands, Events API and interactivity over HTTP (Starlette).

The raw body and headers are handed to Bolt unchanged, so Bolt's RequestVerification middleware
checks the signature on the exact bytes Slack signed before anything else runs. `App.dispatch` is
synchronous, so it runs in Starlette's thread pool and concurrent requests never block the event loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from urllib.parse import parse_qsl

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.starlette.handler import to_starlette_response
from slack_bolt.request.internals import build_context
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.errors import ConfigError

if TYPE_CHECKING:
    from bot.container import Container

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1_000_000  # Slack payloads are a few KB


class SlackHttpRequest(BoltRequest):
    """A BoltRequest with two fixes over Bolt's own handling of the raw HTTP request:

    - `x-slack-bolt-*` headers (Bolt's internal lazy-listener re-invocation markers) are dropped: only
      Bolt itself may set them, never a caller.
    - Bolt parses any form body that contains the substring "payload" as an interaction, so
      `/ask what is the payload limit?` would parse to {} and fail; such slash commands are re-parsed
      (also in the copies Bolt makes for lazy listeners).
    """

    def __init__(self, *, body: str, query: str, headers: dict[str, list[str]]) -> None:
        clean = {k: v for k, v in headers.items() if not k.lower().startswith("x-slack-bolt-")}
        super().__init__(body=body, query=query, headers=clean)  # type: ignore[arg-type]
        _reparse_slash_command(self)

    def to_copyable(self) -> BoltRequest:
        copy = super().to_copyable()
        _reparse_slash_command(copy)
        return copy


def _reparse_slash_command(request: BoltRequest) -> None:
    raw = request.raw_body
    if request.body or "payload" not in raw or raw.lstrip().startswith("{"):
        return
    form = dict(parse_qsl(raw, keep_blank_values=True))
    if "payload" not in form and form.get("command"):
        request.body = form
        build_context(request.context, form)


def events_endpoint(app: App) -> Route:
    async def slack_events(request: Request) -> Response:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            return PlainTextResponse("payload too large", status_code=413)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return PlainTextResponse("payload too large", status_code=413)
        headers = {k: request.headers.getlist(k) for k in request.headers.keys()}
        bolt_request = SlackHttpRequest(
            body=body.decode("utf-8", errors="replace"), query=request.url.query, headers=headers
        )
        bolt_response = await run_in_threadpool(app.dispatch, bolt_request)
        return to_starlette_response(bolt_response)

    return Route(EVENTS_PATH, slack_events, methods=["POST"])


def slack_routes(container: "Container") -> list[Route]:
    """The Slack HTTP routes for `bot.server.build_asgi_app`; needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET."""
    from bot.slack.app import ContainerRouter, build_slack_app

    settings = container.settings
    if not settings.slack_signing_secret.get_secret_value():
        raise ConfigError("SLACK_SIGNING_SECRET is required to receive Slack requests over HTTP")
    app = build_slack_app(settings, ContainerRouter(container), container.state())
    return [events_endpoint(app)]
