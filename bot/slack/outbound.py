"""The outbound port on Slack: chat.postMessage (top level or in a thread), chat.update, and file uploads
through slack_sdk's `files_upload_v2` (files.getUploadURLExternal, the upload, files.completeUploadExternal).

A reply is rendered with bot.slack.blocks; when Slack refuses the blocks (`msg_blocks_too_long`,
`invalid_blocks`) the message is sent again in the compact rendering, which keeps the sources. A report's
images and files are uploaded into the thread of the message that names them ("chart attached").
Failures become `OutboundError` carrying the method and Slack's error code only (never the token).
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.models import Attachment, PostedMessage, Reply
from bot.outbound.port import OutboundError
from bot.slack.blocks import compact_blocks, fallback_text, render_reply

log = logging.getLogger(__name__)

RETRY_COMPACT = {"msg_blocks_too_long", "invalid_blocks", "invalid_blocks_format"}


class SlackOutbound:
    platform = "slack"

    def __init__(self, web_client: WebClient) -> None:
        self.client = web_client

    # --- the port --------------------------------------------------------------------------------------
    def post(self, channel_id: str, reply: Reply) -> PostedMessage:
        posted = self._send(channel_id, reply, thread_ts="")
        self._upload_report_attachments(posted, reply)
        return posted

    def reply_in_thread(self, parent: PostedMessage, reply: Reply) -> PostedMessage:
        posted = self._send(parent.channel_id, reply, thread_ts=parent.thread_id or parent.message_id)
        self._upload_report_attachments(posted, reply)
        return posted

    def update(self, message: PostedMessage, reply: Reply) -> None:
        def call(blocks: list[dict[str, Any]]) -> Any:
            return self.client.chat_update(
                channel=message.channel_id, ts=message.message_id, text=fallback_text(reply), blocks=blocks
            )

        self._with_compact_retry("chat.update", reply, call)

    def upload(
        self, channel_id: str, attachment: Attachment, *, thread: PostedMessage | None = None, comment: str = ""
    ) -> PostedMessage:
        if not attachment.content:
            raise OutboundError(f"slack files.upload: {attachment.filename!r} is empty")
        thread_ts = (thread.thread_id or thread.message_id) if thread is not None else ""
        kwargs: dict[str, Any] = {
            "channel": channel_id,
            "filename": attachment.filename,
            "file": attachment.content,
            "title": attachment.title or attachment.filename,
        }
        if attachment.is_image and attachment.alt_text:
            kwargs["alt_txt"] = attachment.alt_text[:1000]
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        if comment:
            kwargs["initial_comment"] = comment
        resp = self._call("files.upload", lambda: self.client.files_upload_v2(**kwargs))
        file_info = resp.get("file") or {}
        file_id = str(file_info.get("id") or "") if isinstance(file_info, dict) else ""
        # Slack shares the file asynchronously: the message ts is not known yet, the file id is.
        return PostedMessage("slack", channel_id, file_id, thread_id=thread_ts)

    # --- plumbing ------------------------------------------------------------------------------------------
    def _send(self, channel_id: str, reply: Reply, *, thread_ts: str) -> PostedMessage:
        def call(blocks: list[dict[str, Any]]) -> Any:
            kwargs: dict[str, Any] = {"channel": channel_id, "text": fallback_text(reply), "blocks": blocks,
                                      "unfurl_links": False, "unfurl_media": False}
            if thread_ts:
                kwargs["thread_ts"] = thread_ts
            return self.client.chat_postMessage(**kwargs)

        resp = self._with_compact_retry("chat.postMessage", reply, call)
        return PostedMessage("slack", str(resp.get("channel") or channel_id), str(resp.get("ts") or ""),
                             thread_id=thread_ts)

    def _upload_report_attachments(self, posted: PostedMessage, reply: Reply) -> None:
        if reply.report is None:
            return
        thread = posted if posted.thread_id else PostedMessage("slack", posted.channel_id, posted.message_id,
                                                               thread_id=posted.message_id)
        for attachment in [*reply.report.images, *reply.report.files]:
            self.upload(posted.channel_id, attachment, thread=thread)

    def _with_compact_retry(self, method: str, reply: Reply, call: Callable[[list[dict[str, Any]]], Any]) -> Any:
        try:
            return call(render_reply(reply))
        except SlackApiError as exc:
            error = _error_code(exc)
            if error not in RETRY_COMPACT:
                raise OutboundError(f"slack {method}: {error}") from None
            log.warning("Slack refused the blocks (%s); sending the compact rendering", error)
        except Exception as exc:  # network, timeouts
            raise OutboundError(f"slack {method}: {type(exc).__name__}") from None
        return self._call(method, lambda: call(compact_blocks(reply)))

    @staticmethod
    def _call(method: str, do: Callable[[], Any]) -> Any:
        try:
            return do()
        except SlackApiError as exc:
            raise OutboundError(f"slack {method}: {_error_code(exc)}") from None
        except Exception as exc:  # network, timeouts, the upload step (SlackRequestError)
            raise OutboundError(f"slack {method}: {type(exc).__name__}") from None


def _error_code(exc: SlackApiError) -> str:
    response = getattr(exc, "response", None)
    try:
        return str(response.get("error") or "error") if response is not None else "error"
    except Exception:  # a response without a JSON body
        return "error"
