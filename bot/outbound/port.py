"""The outbound port: how the core posts on its own initiative (not only in answer to a request).

/escalate opens a thread in the managers' channel and later tells every agent who asked; /rootcause
uploads a chart. The core depends on this Protocol only; bot/slack/outbound.py, bot/feishu/outbound.py
and bot/outbound/local.py implement it. One contract test suite runs against each implementation.
"""

from __future__ import annotations

from typing import Protocol

from bot.errors import CsCopilotError
from bot.models import Attachment, PostedMessage, Reply


class OutboundError(CsCopilotError):
    """Delivery failed (the platform refused or could not be reached). Callers decide whether to retry.
    The message is short and safe to log (a method name and the platform's error code, never a token)."""

    message_key = "outbound_failed"


class Outbound(Protocol):
    platform: str

    def post(self, channel_id: str, reply: Reply) -> PostedMessage:
        """A new top-level message in a channel / chat (or a user's DM when `channel_id` is a user id)."""
        ...

    def reply_in_thread(self, parent: PostedMessage, reply: Reply) -> PostedMessage:
        """A reply in the thread of `parent` (which may itself be a reply: the thread root is used)."""
        ...

    def update(self, message: PostedMessage, reply: Reply) -> None:
        """Replace the content of a message the bot posted."""
        ...

    def upload(
        self, channel_id: str, attachment: Attachment, *, thread: PostedMessage | None = None, comment: str = ""
    ) -> PostedMessage:
        """Upload a file or an image into a channel (optionally inside a thread)."""
        ...
