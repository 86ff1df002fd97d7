"""The Open API calls the bot makes, through lark-oapi's Client: reply, send, patch a card, bot info,
upload an image (im/v1/images) or a file (im/v1/files) to send as a message.

Sends and replies go through a token bucket per chat (Feishu: 5 QPS per chat / per user) and one
per app (50 QPS); a `uuid` derived from the triggering event makes a retried send a no-op on
Feishu's side (same uuid succeeds at most once per hour). Rate-limited answers (HTTP 429, codes
99991400 / 230020) are retried after `x-ogw-ratelimit-reset`, capped. Tokens never reach the logs.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import time
from typing import Any

from lark_oapi import Client
from lark_oapi.api.im.v1 import (
    CreateFileRequest,
    CreateFileRequestBody,
    CreateImageRequest,
    CreateImageRequestBody,
    CreateMessageRequest,
    CreateMessageRequestBody,
    PatchMessageRequest,
    PatchMessageRequestBody,
    ReplyMessageRequest,
    ReplyMessageRequestBody,
)
from lark_oapi.core.enum import AccessTokenType, HttpMethod
from lark_oapi.core.model import BaseRequest

from bot.errors import CsCopilotError
from bot.feishu.ratelimit import KeyedRateLimiter, Sleep, TokenBucket

log = logging.getLogger(__name__)

RATE_LIMIT_CODES = {99991400, 230020}
MAX_RETRY_WAIT = 5.0
MAX_IMAGE_BYTES = 10 * 1024 * 1024  # im/v1/images
MAX_FILE_BYTES = 30 * 1024 * 1024  # im/v1/files
# im/v1/files `file_type` by extension; anything else is uploaded as "stream"
FILE_TYPES = {".opus": "opus", ".mp4": "mp4", ".pdf": "pdf", ".doc": "doc", ".docx": "doc", ".xls": "xls",
              ".xlsx": "xls", ".ppt": "ppt", ".pptx": "ppt"}


class FeishuApiError(CsCopilotError):
    """An Open API call failed (the edge turns it into the friendly internal_error text)."""

    def __init__(self, what: str, code: int | None, msg: str = "", log_id: str = "") -> None:
        super().__init__(f"{what} failed: code={code} msg={msg} log_id={log_id}")
        self.code = code


def send_uuid(kind: str, source_id: str) -> str:
    """A deterministic send uuid (≤ 50 chars) for one kind of message about one event."""
    value = f"cs-{kind}-{source_id}"
    if len(value) <= 50:
        return value
    return f"cs-{kind}-" + hashlib.sha256(source_id.encode()).hexdigest()[: 46 - len(kind)]


class FeishuApi:
    def __init__(
        self,
        client: Client,
        *,
        chat_limiter: KeyedRateLimiter | None = None,
        app_limiter: TokenBucket | None = None,
        sleep: Sleep = time.sleep,
        max_attempts: int = 3,
    ) -> None:
        self.client = client
        self.chat_limiter = chat_limiter or KeyedRateLimiter(5.0, 5.0)
        self.app_limiter = app_limiter or TokenBucket(50.0, 50.0)
        self._sleep = sleep
        self._max_attempts = max_attempts

    # --- messages -----------------------------------------------------------------------------
    def reply(
        self, message_id: str, msg_type: str, content: dict[str, Any], *, uuid: str, in_thread: bool = False,
        chat_key: str = "",
    ) -> str:
        """Reply to `message_id` (quoted, or in its thread); returns the new message's id."""
        body = (
            ReplyMessageRequestBody.builder()
            .msg_type(msg_type)
            .content(json.dumps(content, ensure_ascii=False))
            .reply_in_thread(in_thread)
            .uuid(uuid)
            .build()
        )
        request = ReplyMessageRequest.builder().message_id(message_id).request_body(body).build()
        self._throttle(chat_key or message_id)
        resp = self._call("reply", lambda: self.client.im.v1.message.reply(request))
        return str(getattr(resp.data, "message_id", "") or "")

    def send(self, receive_id: str, receive_id_type: str, msg_type: str, content: dict[str, Any], *, uuid: str) -> str:
        """Send a new message to a chat (chat_id) or a user (open_id); returns its id."""
        body = (
            CreateMessageRequestBody.builder()
            .receive_id(receive_id)
            .msg_type(msg_type)
            .content(json.dumps(content, ensure_ascii=False))
            .uuid(uuid)
            .build()
        )
        request = CreateMessageRequest.builder().receive_id_type(receive_id_type).request_body(body).build()
        self._throttle(receive_id)
        resp = self._call("send", lambda: self.client.im.v1.message.create(request))
        return str(getattr(resp.data, "message_id", "") or "")

    def patch_card(self, message_id: str, card: dict[str, Any]) -> None:
        """Replace the content of a card the bot sent (update_multi cards only, 5 QPS per message)."""
        body = PatchMessageRequestBody.builder().content(json.dumps(card, ensure_ascii=False)).build()
        request = PatchMessageRequest.builder().message_id(message_id).request_body(body).build()
        self._call("patch", lambda: self.client.im.v1.message.patch(request))

    # --- uploads ---------------------------------------------------------------------------------
    def upload_image(self, data: bytes) -> str:
        """Upload an image for messages (POST im/v1/images, image_type=message); returns its image_key."""
        if not data or len(data) > MAX_IMAGE_BYTES:
            raise FeishuApiError("upload image", None, f"size {len(data)} bytes not in 1..{MAX_IMAGE_BYTES}")
        body = CreateImageRequestBody.builder().image_type("message").image(io.BytesIO(data)).build()
        request = CreateImageRequest.builder().request_body(body).build()
        resp = self._call("upload image", lambda: self.client.im.v1.image.create(request))
        return str(getattr(resp.data, "image_key", "") or "")

    def upload_file(self, data: bytes, filename: str) -> str:
        """Upload a file for messages (POST im/v1/files); returns its file_key."""
        if not data or len(data) > MAX_FILE_BYTES:
            raise FeishuApiError("upload file", None, f"size {len(data)} bytes not in 1..{MAX_FILE_BYTES}")
        file_type = FILE_TYPES.get(os.path.splitext(filename)[1].lower(), "stream")
        body = (
            CreateFileRequestBody.builder().file_type(file_type).file_name(filename).file(io.BytesIO(data)).build()
        )
        request = CreateFileRequest.builder().request_body(body).build()
        resp = self._call("upload file", lambda: self.client.im.v1.file.create(request))
        return str(getattr(resp.data, "file_key", "") or "")

    def bot_open_id(self) -> str | None:
        """The bot's own open_id (GET /open-apis/bot/v3/info), or None when it cannot be read."""
        request = (
            BaseRequest.builder()
            .http_method(HttpMethod.GET)
            .uri("/open-apis/bot/v3/info")
            .token_types({AccessTokenType.TENANT})
            .build()
        )
        try:
            resp = self.client.request(request)
            raw = getattr(resp, "raw", None)
            data = json.loads(raw.content or b"{}") if raw is not None else {}
        except Exception as exc:  # network, token, JSON: the caller falls back to "any mention"
            log.warning("cannot read the bot info: %s", type(exc).__name__)
            return None
        open_id = (data.get("bot") or {}).get("open_id") if isinstance(data, dict) else None
        if data.get("code") != 0 or not isinstance(open_id, str) or not open_id:
            log.warning("bot info unavailable: code=%s msg=%s", data.get("code"), data.get("msg"))
            return None
        return open_id

    # --- plumbing -------------------------------------------------------------------------------
    def _throttle(self, key: str) -> None:
        if not self.app_limiter.acquire(sleep=self._sleep):
            log.warning("app-wide send rate exceeded; sending anyway")
        if not self.chat_limiter.acquire(key, sleep=self._sleep):
            log.warning("per-chat send rate exceeded; sending anyway")

    def _call(self, what: str, do: Any) -> Any:
        for attempt in range(1, self._max_attempts + 1):
            try:
                resp = do()
            except Exception as exc:  # requests errors: no retry here (the uuid makes a later retry safe)
                raise FeishuApiError(what, None, type(exc).__name__) from exc
            if resp.success():
                return resp
            raw = getattr(resp, "raw", None)
            status = getattr(raw, "status_code", None)
            headers = {k.lower(): v for k, v in (getattr(raw, "headers", None) or {}).items()}
            log_id = headers.get("x-tt-logid", "")
            limited = status == 429 or resp.code in RATE_LIMIT_CODES
            if limited and attempt < self._max_attempts:
                wait = _reset_seconds(headers.get("x-ogw-ratelimit-reset"), attempt)
                log.warning("Feishu %s rate-limited (code %s); retrying in %.1fs", what, resp.code, wait)
                self._sleep(wait)
                continue
            log.warning("Feishu %s failed: code=%s msg=%s http=%s log_id=%s", what, resp.code, resp.msg, status, log_id)
            raise FeishuApiError(what, resp.code, str(resp.msg or ""), log_id)
        raise FeishuApiError(what, None, "retries exhausted")  # pragma: no cover - loop always returns/raises


def _reset_seconds(header: str | None, attempt: int) -> float:
    try:
        wait = float(header) if header is not None else 0.5 * attempt
    except ValueError:
        wait = 0.5 * attempt
    return max(0.0, min(wait, MAX_RETRY_WAIT))
