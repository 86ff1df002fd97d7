"""Webhook mode: POST /feishu/events (events, url_verification) and POST /feishu/card (card callbacks).

Both feed lark-oapi's `EventDispatcherHandler.do()`, which decrypts (FEISHU_ENCRYPT_KEY), answers
url_verification, checks the verification token and the X-Lark-Signature, then runs the handler.
It runs in a worker thread (it is synchronous). The SDK reports every failure as HTTP 500 with
the error text; here authentication failures become 401, malformed bodies 400 and other failures
500, all with a generic body, so nothing internal leaks and no handler has run for a rejected request.
Webhook mode refuses to run unauthenticated: without a verification token or an encrypt key every
request is answered 503.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from lark_oapi.core.const import LARK_REQUEST_NONCE, LARK_REQUEST_SIGNATURE, LARK_REQUEST_TIMESTAMP
from lark_oapi.core.model import RawRequest, RawResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.feishu.app import FeishuBot, build_feishu

if TYPE_CHECKING:
    from bot.container import Container

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
SIGNATURE_HEADERS = (LARK_REQUEST_TIMESTAMP, LARK_REQUEST_NONCE, LARK_REQUEST_SIGNATURE)
# Header names the SDK looks up with an exact-case dict get; Starlette lower-cases them.
_CANONICAL = {name.lower(): name for name in (*SIGNATURE_HEADERS, "Content-Type", "X-Request-Id")}
_AUTH_FAILURES = (
    "signature verification failed",
    "invalid verification_token",
    "encrypt_key not found",
    "webhook credentials provider failed",
)


def sdk_headers(headers: Any) -> dict[str, str]:
    """Starlette's lower-cased headers re-keyed to the names lark-oapi expects."""
    return {_CANONICAL.get(k.lower(), k): v for k, v in headers.items()}


class FeishuWebhook:
    def __init__(self, bot: FeishuBot) -> None:
        self.bot = bot
        self._encrypted = bool(bot.settings.feishu_encrypt_key.get_secret_value())
        if not bot.webhook_authenticated:
            log.error("Feishu webhook disabled: set FEISHU_VERIFICATION_TOKEN (and FEISHU_ENCRYPT_KEY)")

    async def events(self, request: Request) -> Response:
        return await self._handle(request)

    async def card(self, request: Request) -> Response:
        return await self._handle(request)

    async def _handle(self, request: Request) -> Response:
        if not self.bot.webhook_authenticated:
            return JSONResponse({"msg": "webhook not configured"}, status_code=503)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"msg": "request too large"}, status_code=413)
        raw = RawRequest()
        raw.uri = request.url.path
        raw.headers = sdk_headers(request.headers)
        raw.body = body
        resp: RawResponse = await run_in_threadpool(self.bot.dispatcher.do, raw)
        if resp.status_code == 200:
            return Response(resp.content or b"{}", status_code=200, media_type="application/json; charset=utf-8")
        reason = _sdk_error(resp)
        missing = self._encrypted and any(h not in raw.headers for h in SIGNATURE_HEADERS)
        if reason not in _AUTH_FAILURES and _malformed(reason):
            log.warning("rejected a malformed Feishu request on %s: %s", raw.uri, reason[:200])
            return JSONResponse({"msg": "bad request"}, status_code=400)
        if reason in _AUTH_FAILURES or missing or _undecryptable(reason):
            log.warning("rejected a Feishu request on %s: %s", raw.uri, reason[:200] or "missing signature headers")
            return JSONResponse({"msg": "unauthorized"}, status_code=401)
        log.error("Feishu request on %s failed: %s", raw.uri, reason[:200])
        return JSONResponse({"msg": "error"}, status_code=500)


def _sdk_error(resp: RawResponse) -> str:
    try:
        return str(json.loads(resp.content or b"{}").get("msg", ""))
    except (ValueError, AttributeError):
        return (resp.content or b"").decode("utf-8", "replace")


def _undecryptable(reason: str) -> bool:
    """Encrypted bodies that our key does not open (AES padding/length, base64, non-UTF-8 plaintext)."""
    lowered = reason.lower()
    return any(s in lowered for s in ("padding", "ciphertext", "non-base64", "utf-8", "codec can't decode"))


def _malformed(reason: str) -> bool:
    """Bodies that are not the JSON envelope Feishu sends."""
    lowered = reason.lower()
    return any(s in lowered for s in ("expecting", "json", "request body is null", "unmarshal", "has no attribute"))


def webhook_routes(bot: FeishuBot) -> list[Route]:
    hook = FeishuWebhook(bot)
    return [
        Route("/feishu/events", hook.events, methods=["POST"]),
        Route("/feishu/card", hook.card, methods=["POST"]),
    ]


def feishu_routes(container: "Container") -> list[Route]:
    """The Feishu routes for bot.server.build_asgi_app (one FeishuBot per server process)."""
    bot = build_feishu(container.settings, container.router(), container.state())
    return webhook_routes(bot)
