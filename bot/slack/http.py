"""`POST /slack/events`: slash commands, Events API and interactivity over HTTP (Starlette).

The signature is checked first, on the exact bytes Slack signed, with Bolt's own `SignatureVerifier`
(`RequestGate`): an unsigned, forged, stale or oddly shaped request is answered 401 before anything parses
it. A signed body that is not the JSON object or form Slack sends is answered 400. Only then are the raw
body and headers handed to Bolt (whose RequestVerification middleware checks the signature again).
`App.dispatch` is synchronous, so it runs in Starlette's thread pool and concurrent requests never block
the event loop.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, Callable, Mapping
from urllib.parse import parse_qsl

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.starlette.handler import to_starlette_response
from slack_bolt.request.internals import build_context
from slack_sdk.signature import SignatureVerifier
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot import metrics
from bot.errors import ConfigError
from bot.models import IncomingMessage, PartialCallback, Reply
from bot.slack.auth import authorization_of

if TYPE_CHECKING:
    from bot.container import Container

log = logging.getLogger("bot.slack.http")

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


def events_endpoint(app: App, signing_secret: str | None = None) -> Route:
    """`POST /slack/events` for `app`. Before Bolt sees a request: 413 when too large; 401 unless it is
    correctly signed (Bolt's `SignatureVerifier`, 5-minute window; timestamp and signature must have their
    documented shapes); 400 unless its body is UTF-8 and the JSON object or form Slack sends. Rejections
    are one INFO line each (no header values, no body), never a traceback."""
    gate = RequestGate(signing_secret if signing_secret is not None else getattr(app, "_signing_secret", ""))

    async def slack_events(request: Request) -> Response:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            return PlainTextResponse("payload too large", status_code=413)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return PlainTextResponse("payload too large", status_code=413)
        refusal = gate.unauthenticated(body, request.headers)
        if refusal:
            return _reject(401, refusal)
        text = body.decode("utf-8")  # checked by the gate
        headers = {k: request.headers.getlist(k) for k in request.headers.keys()}
        try:
            bolt_request = SlackHttpRequest(body=text, query=request.url.query, headers=headers)
        except Exception as exc:  # Bolt parses the body in the constructor: JSON errors, non-objects...
            return _reject(400, f"malformed body ({type(exc).__name__})")
        problem = _shape_problem(bolt_request.body)
        if problem:
            return _reject(400, problem)
        bolt_response = await run_in_threadpool(app.dispatch, bolt_request)
        return to_starlette_response(bolt_response)

    return Route(EVENTS_PATH, slack_events, methods=["POST"])


class RequestGate:
    """The signature check, on the raw bytes, before anything parses the request."""

    def __init__(self, signing_secret: str) -> None:
        # No secret: nothing can be verified (an empty HMAC key must not be accepted either).
        self._verifier = SignatureVerifier(signing_secret) if signing_secret else None

    def unauthenticated(self, body: bytes, headers: Mapping[str, str]) -> str:
        """Why the request is not correctly signed ("" when it is)."""
        if self._verifier is None:
            return "no signing secret configured"
        timestamp = headers.get("x-slack-request-timestamp")
        signature = headers.get("x-slack-signature")
        if timestamp is None or signature is None:
            return "missing signature headers"
        if not _TIMESTAMP.fullmatch(timestamp):
            return f"malformed timestamp ({len(timestamp)} chars)"
        if not _SIGNATURE.fullmatch(signature):
            return f"malformed signature ({len(signature)} chars)"
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return "body is not UTF-8"
        if not self._verifier.is_valid(body, timestamp, signature):
            return "bad signature or stale timestamp"
        return ""


_TIMESTAMP = re.compile(r"[0-9]{1,15}")  # ASCII digits only: int() would also take "１２３", " 1", "+1"
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
# Envelope fields Bolt and our listeners read as objects (or lists of objects) when present.
_OBJECT_FIELDS = ("event", "view", "message", "container", "channel", "team", "user", "enterprise", "state")
_LIST_FIELDS = ("authorizations", "actions")


def _shape_problem(body: Any) -> str:
    """Why a parsed, signed body is not a Slack request Bolt can dispatch ("" when it is)."""
    if not isinstance(body, dict) or not body:
        return "body is not a JSON object or form"
    for key in _OBJECT_FIELDS:
        value = body.get(key)
        if value is not None and (not isinstance(value, (dict, str)) or (key == "event" and isinstance(value, str))):
            return f"malformed field {key!r}"
    for key in _LIST_FIELDS:
        value = body.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            return f"malformed field {key!r}"
    return ""


def _reject(status: int, reason: str) -> Response:
    metrics.count_error("slack", "unauthorized" if status == 401 else "bad_request")
    log.info("rejected a Slack request with %d: %s", status, reason)
    if status == 401:
        return JSONResponse({"error": "invalid request"}, status_code=401)  # Bolt's own 401 body
    return JSONResponse({"error": "bad request"}, status_code=400)


def slack_routes(container: "Container") -> list[Route]:
    """The Slack HTTP routes for `bot.server.build_asgi_app`; needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET."""
    from bot.slack.app import build_slack_app

    settings = container.settings
    secret = settings.slack_signing_secret.get_secret_value()
    if not secret:
        raise ConfigError("SLACK_SIGNING_SECRET is required to receive Slack requests over HTTP")
    app = build_slack_app(settings, _counting_router(container), container.state())
    route = events_endpoint(app, secret)
    route.bolt_app = app  # type: ignore[attr-defined]  # for slack_warmer
    return [route]


def _counting_router(container: "Container") -> Any:
    """The adapter's ContainerRouter, with every reply counted for /metrics."""
    from bot.slack.app import ContainerRouter

    class CountingContainerRouter(ContainerRouter):
        def handle(self, msg: IncomingMessage, on_partial: PartialCallback | None = None) -> Reply:
            reply = super().handle(msg, on_partial)
            metrics.safe_record_reply(msg, reply)
            return reply

    return CountingContainerRouter(container)


def slack_warmer(routes: list[Route]) -> Callable[[], None]:
    """For the server's start-up: one auth.test, so an unreachable Web API is reported at once (once)."""

    def warm() -> None:
        for route in routes:
            app = getattr(route, "bolt_app", None)
            auth = authorization_of(app) if app is not None else None
            if auth is not None:
                auth.identity()

    return warm
