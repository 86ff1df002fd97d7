"""The outbound port on Feishu / Lark: im/v1 messages (create, reply in thread), card patches, and uploads
(im/v1/images then an image message, im/v1/files then a file message), all through `FeishuApi`.

Every message is a JSON 2.0 card rendered by bot.feishu.cards (so it can be updated later). A report's
images are uploaded first and shown inline in the card (`img` with their image_key, cached per content);
its files follow as file messages in the card's thread. Failures become `OutboundError` with the call and
Feishu's code (never a token).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from typing import Any, Callable

from bot.feishu.api import FeishuApi, FeishuApiError
from bot.feishu.cards import render_card
from bot.models import Attachment, PostedMessage, Reply
from bot.outbound.port import OutboundError

log = logging.getLogger(__name__)

MAX_CACHED_KEYS = 256


def receive_id_type(target: str) -> str:
    """Which kind of id `target` is, for im/v1/messages `receive_id_type`."""
    if target.startswith("oc_"):
        return "chat_id"
    if target.startswith("ou_"):
        return "open_id"
    if target.startswith("on_"):
        return "union_id"
    if "@" in target:
        return "email"
    return "user_id"


def _uuid(kind: str) -> str:
    """A fresh send uuid (≤ 50 chars): a retried call of the same send is a no-op on Feishu's side."""
    return f"cs-out-{kind}-{uuid.uuid4().hex}"


class FeishuOutbound:
    platform = "feishu"

    def __init__(self, api: FeishuApi) -> None:
        self.api = api
        self._image_keys: dict[str, str] = {}  # sha256 of the bytes -> image_key

    # --- the port --------------------------------------------------------------------------------------
    def post(self, channel_id: str, reply: Reply) -> PostedMessage:
        card = self._card(reply)
        message_id = self._call("send", lambda: self.api.send(
            channel_id, receive_id_type(channel_id), "interactive", card, uuid=_uuid("post")))
        posted = PostedMessage("feishu", channel_id, message_id)
        self._send_report_files(posted, reply)
        return posted

    def reply_in_thread(self, parent: PostedMessage, reply: Reply) -> PostedMessage:
        root = parent.thread_id or parent.message_id
        card = self._card(reply)
        message_id = self._call("reply", lambda: self.api.reply(
            root, "interactive", card, uuid=_uuid("reply"), in_thread=True, chat_key=parent.channel_id))
        posted = PostedMessage("feishu", parent.channel_id, message_id, thread_id=root)
        self._send_report_files(posted, reply)
        return posted

    def update(self, message: PostedMessage, reply: Reply) -> None:
        card = self._card(reply)
        self._call("patch", lambda: self.api.patch_card(message.message_id, card))

    def upload(
        self, channel_id: str, attachment: Attachment, *, thread: PostedMessage | None = None, comment: str = ""
    ) -> PostedMessage:
        if attachment.is_image:
            key = self._image_key(attachment)
            msg_type, content = "image", {"image_key": key}
        else:
            key = self._call("upload file", lambda: self.api.upload_file(attachment.content, attachment.filename))
            msg_type, content = "file", {"file_key": key}
        if comment:
            self._deliver(channel_id, thread, "text", {"text": comment})
        return self._deliver(channel_id, thread, msg_type, content)

    # --- plumbing ------------------------------------------------------------------------------------------
    def _card(self, reply: Reply) -> dict[str, Any]:
        keys: dict[str, str] = {}
        if reply.report is not None:
            for image in reply.report.images:
                keys[image.filename] = self._image_key(image)
        return render_card(reply, image_keys=keys)

    def _image_key(self, image: Attachment) -> str:
        digest = hashlib.sha256(image.content).hexdigest()
        key = self._image_keys.get(digest)
        if key is None:
            key = self._call("upload image", lambda: self.api.upload_image(image.content))
            if len(self._image_keys) >= MAX_CACHED_KEYS:
                self._image_keys.pop(next(iter(self._image_keys)))
            self._image_keys[digest] = key
        return key

    def _deliver(
        self, channel_id: str, thread: PostedMessage | None, msg_type: str, content: dict[str, Any]
    ) -> PostedMessage:
        if thread is None:
            message_id = self._call("send", lambda: self.api.send(
                channel_id, receive_id_type(channel_id), msg_type, content, uuid=_uuid(msg_type)))
            return PostedMessage("feishu", channel_id, message_id)
        root = thread.thread_id or thread.message_id
        message_id = self._call("reply", lambda: self.api.reply(
            root, msg_type, content, uuid=_uuid(msg_type), in_thread=True, chat_key=channel_id))
        return PostedMessage("feishu", channel_id, message_id, thread_id=root)

    def _send_report_files(self, posted: PostedMessage, reply: Reply) -> None:
        if reply.report is None:
            return
        for attachment in reply.report.files:
            self.upload(posted.channel_id, attachment, thread=posted)

    @staticmethod
    def _call(what: str, do: Callable[[], Any]) -> Any:
        try:
            return do()
        except OutboundError:
            raise
        except FeishuApiError as exc:  # the call, Feishu's code, msg and log id: never a token
            raise OutboundError(f"feishu {what}: {exc}") from None
        except Exception as exc:  # anything unexpected (the API wrapper already maps request errors)
            raise OutboundError(f"feishu {what}: {type(exc).__name__}") from None
