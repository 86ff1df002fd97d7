"""Webhook mode: POST /feishu/events (events, url_verification) and POST /feishu/card (card callbacks).

Both feed lark-oapi's `EventDispatcherHandler.do()`, which decrypts (FEISHU_ENCRYPT_KEY), answers
url_verification, checks the verification token and the X-Lark-Signature, then runs the handler.
It runs in a worker thread (it is synchronous).

Before the SDK sees a request, `screen()` refuses what is not a correctly authenticated, well-formed
Feishu request, with one INFO line and no traceback (the SDK would log each as an ERROR with a traceback
and answer 500, which Feishu retries for hours):
- encrypted mode: a request that carries signature headers is checked first, on the raw bytes (401 on a
  bad signature or a timestamp/nonce/signature that is not of the documented shape); an unsigned request
  can only be the url_verification challenge (encrypted with our key, our token), else 401;
- token-only mode: the verification token must match (401);
- a body that is not UTF-8 JSON, not an object, whose `encrypt` does not decrypt (signed), or that is not
  a Feishu envelope (v2 `schema/header/event`, v1 `uuid/event`, url_verification) is answered 400.
Failures the SDK still reports (a handler crash, an unsubscribed event type) become 500 with a generic
body; nothing internal leaks. Webhook mode refuses to run unauthenticated: without a verification token
or an encrypt key every request is answered 503.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from typing import TYPE_CHECKING, Any, Mapping

from lark_oapi.core.const import LARK_REQUEST_NONCE, LARK_REQUEST_SIGNATURE, LARK_REQUEST_TIMESTAMP
from lark_oapi.core.model import RawRequest, RawResponse
from lark_oapi.core.utils import AESCipher
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot import metrics
from bot.feishu.app import FeishuBot, build_feishu
from bot.logs import truncate

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
        self._key = bot.settings.feishu_encrypt_key.get_secret_value()
        self._token = bot.settings.feishu_verification_token.get_secret_value()
        self._encrypted = bool(self._key)
        if not bot.webhook_authenticated:
            log.error("Feishu webhook disabled: set FEISHU_VERIFICATION_TOKEN (and FEISHU_ENCRYPT_KEY)")

    async def events(self, request: Request) -> Response:
        return await self._handle(request)

    async def card(self, request: Request) -> Response:
        return await self._handle(request)

    async def _handle(self, request: Request) -> Response:
        if not self.bot.webhook_authenticated:
            return JSONResponse({"msg": "webhook not configured"}, status_code=503)
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            return JSONResponse({"msg": "request too large"}, status_code=413)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"msg": "request too large"}, status_code=413)
        raw = RawRequest()
        raw.uri = request.url.path
        raw.headers = sdk_headers(request.headers)
        raw.body = body
        refusal = self.screen(body, raw.headers)
        if refusal is not None:
            return _reject(raw.uri, *refusal)
        resp: RawResponse = await run_in_threadpool(self.bot.dispatcher.do, raw)
        if resp.status_code == 200:
            return Response(resp.content or b"{}", status_code=200, media_type="application/json; charset=utf-8")
        reason = _sdk_error(resp)
        missing = self._encrypted and any(h not in raw.headers for h in SIGNATURE_HEADERS)
        if reason not in _AUTH_FAILURES and _malformed(reason):
            return _reject(raw.uri, 400, f"the SDK could not read it: {reason}")
        if reason in _AUTH_FAILURES or missing or _undecryptable(reason):
            return _reject(raw.uri, 401, reason or "missing signature headers")
        metrics.count_error("feishu", "handler")
        log.error("Feishu request on %s failed: %s", raw.uri, reason[:200])
        return JSONResponse({"msg": "error"}, status_code=500)

    # --- before the SDK ----------------------------------------------------------------------------------
    def screen(self, body: bytes, headers: Mapping[str, str]) -> tuple[int, str] | None:
        """(status, reason) when the request must not reach the SDK; None when it may."""
        signed = any(h in headers for h in SIGNATURE_HEADERS)
        if self._key and signed:
            problem = self._signature_problem(body, headers)
            if problem:
                return 401, problem
        outer = _json_object(body)
        if outer is None:
            return 400, "body is not a UTF-8 JSON object"
        if "encrypt" in outer:
            if not self._key:
                return 401, "encrypted body but no FEISHU_ENCRYPT_KEY"
            inner = self._decrypt(outer["encrypt"])
            if inner is None:
                # signed: Feishu sent it, so it is malformed; unsigned: most likely another key
                return (400, "encrypt does not decrypt to a JSON object") if signed else (401, "undecryptable")
        else:
            inner = outer  # plaintext: unsigned, only the url_verification challenge may pass (below)
        problem = _envelope_problem(inner)
        if problem:
            return 400, problem
        is_challenge = inner.get("type") == "url_verification"
        if self._key and not signed and not is_challenge:
            return 401, "unsigned event"
        token = _token_of(inner)
        if self._token and (not self._key or is_challenge or token is not None):
            if not isinstance(token, str) or not hmac.compare_digest(token.encode(), self._token.encode()):
                return 401, "invalid verification token"
        return None

    def _signature_problem(self, body: bytes, headers: Mapping[str, str]) -> str:
        """Feishu's scheme: hex(sha256(timestamp + nonce + encrypt_key + raw body)) == X-Lark-Signature."""
        timestamp = headers.get(LARK_REQUEST_TIMESTAMP)
        nonce = headers.get(LARK_REQUEST_NONCE)
        signature = headers.get(LARK_REQUEST_SIGNATURE)
        if timestamp is None or nonce is None or signature is None:
            return "incomplete signature headers"
        if not _TIMESTAMP.fullmatch(timestamp):
            return f"malformed timestamp ({len(timestamp)} chars)"
        if not _NONCE.fullmatch(nonce):
            return f"malformed nonce ({len(nonce)} chars)"
        if not _SIGNATURE.fullmatch(signature):
            return f"malformed signature ({len(signature)} chars)"
        expected = hashlib.sha256((timestamp + nonce + self._key).encode() + body).hexdigest()
        return "" if hmac.compare_digest(expected, signature) else "bad signature"

    def _decrypt(self, encrypted: Any) -> dict[str, Any] | None:
        if not isinstance(encrypted, str) or not encrypted:
            return None
        try:
            plaintext = AESCipher(self._key).decrypt_str(encrypted)
        except Exception:  # base64, length, padding, UTF-8: all mean "not ours / not well-formed"
            return None
        return _json_object(plaintext.encode("utf-8"))


_TIMESTAMP = re.compile(r"[0-9]{1,15}")  # ASCII digits only
_NONCE = re.compile(r"[\x21-\x7e]{1,128}")
_SIGNATURE = re.compile(r"[0-9a-f]{64}")


def _json_object(data: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) and value else None


def _envelope_problem(inner: dict[str, Any]) -> str:
    """Why a (decrypted) JSON object is not an envelope the SDK reads ("" when it is)."""
    if inner.get("schema") is not None:  # v2: {"schema": "2.0", "header": {...}, "event": {...}}
        header = inner.get("header")
        if not isinstance(inner["schema"], str) or not isinstance(header, dict):
            return "v2 envelope without a header object"
        if not isinstance(header.get("event_type"), str):
            return "v2 envelope without an event_type"
        if not isinstance(inner.get("event", {}), dict):
            return "v2 envelope whose event is not an object"
        return ""
    if inner.get("uuid") is not None:  # v1: {"uuid": ..., "token": ..., "event": {"type": ...}}
        event = inner.get("event")
        if not isinstance(inner["uuid"], str) or not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return "v1 envelope without an event object"
        return ""
    if inner.get("type") == "url_verification":
        return "" if isinstance(inner.get("challenge"), str) else "url_verification without a challenge"
    return "not a Feishu event envelope"


def _token_of(inner: dict[str, Any]) -> Any:
    """The verification token where the SDK reads it: header.token (v2), else the top-level token."""
    if inner.get("schema") is not None:
        return inner["header"].get("token")
    return inner.get("token")


def _reject(uri: str, status: int, reason: str) -> JSONResponse:
    metrics.count_error("feishu", "unauthorized" if status == 401 else "bad_request")
    log.info("rejected a Feishu request on %s with %d: %s", uri, status, truncate(reason, 200))
    if status == 401:
        return JSONResponse({"msg": "unauthorized"}, status_code=401)
    return JSONResponse({"msg": "bad request"}, status_code=400)


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
    router = metrics.CountingRouter(container.router())  # every reply counted for /metrics
    bot = build_feishu(container.settings, router, container.state())
    return webhook_routes(bot)
