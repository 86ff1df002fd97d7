"""Helpers shared by the Slack listeners: text conventions, answer records, failure reporting."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any, Callable, Protocol

from slack_sdk.webhook import WebhookResponse

from bot import messages
from bot.errors import CsCopilotError
from bot.logs import correlation_id
from bot.router import IncomingMessage, PartialCallback, Reply
from bot.slack.blocks import reply_to_payload
from bot.storage.db import StateStore

log = logging.getLogger("bot.slack")

PLATFORM = "slack"
COMMAND_ALIASES = {"/cs-help": "/help"}

_FLAG_WORDS = r"(?:--private|-p|only\s+me)"
_PRIVATE_START = re.compile(rf"^\s*(?:{_FLAG_WORDS}(?=$|[\s:：,，])|仅自己)[\s:：,，]*", re.I)
_PRIVATE_END = re.compile(rf"(?:(?:^|(?<=\s)){_FLAG_WORDS}|仅自己)[\s。.!！]*$", re.I)
_USER_GROUP_ID = re.compile(r"S[A-Z0-9]{6,}")


class RouterLike(Protocol):
    """What the adapter needs from `bot.router.CommandRouter`."""

    def handle(self, msg: IncomingMessage, on_partial: PartialCallback | None = None) -> Reply: ...


class SlackDeliveryError(CsCopilotError):
    """Slack refused a message (response_url answered with an error status)."""


def split_private_flag(text: str) -> tuple[str, bool]:
    """('question', True) when the asker wants the answer only for themselves.

    Convention: the text starts or ends with `--private`, `-p`, `only me` or `仅自己`."""
    private = False
    match = _PRIVATE_START.match(text)
    if match:
        text, private = text[match.end() :], True
    match = _PRIVATE_END.search(text)
    if match:
        text, private = text[: match.start()], True
    return text.strip(" \t\r\n:：,，"), private


def strip_mentions(text: str, bot_user_id: str | None) -> str:
    """Remove the bot's `<@U…>` mention(s) from a message (and any leading mention if the id is unknown)."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    else:
        text = re.sub(r"^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>", " ", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def oncall_mention(group: str) -> str:
    """`S0123ABCD` -> `<!subteam^S0123ABCD>` (a user-group ping); anything else is used as written."""
    group = group.strip()
    if _USER_GROUP_ID.fullmatch(group):
        return f"<!subteam^{group}>"
    return group


def thread_key(channel: str, thread_ts: str) -> str:
    return f"{PLATFORM}:{channel}:{thread_ts}"


def record_answer(state: StateStore, reply: Reply, user_id: str, channel_id: str, **extra: Any) -> str:
    """Store the answer so its buttons can find it; returns the answer id ("" if the DB failed:
    the answer is still shown, without buttons)."""
    answer_id = uuid.uuid4().hex
    payload = {"reply": reply_to_payload(reply), **extra}
    try:
        state.record_answer(
            answer_id, PLATFORM, user_id, channel_id, reply.question, reply.text, payload=payload
        )
    except Exception as exc:
        log.warning(
            "could not record answer %s (ref %s): %s; sending it without buttons",
            answer_id,
            correlation_id(),
            exc,
        )
        return ""
    return answer_id


def check_webhook(resp: WebhookResponse) -> None:
    if resp.status_code != 200:
        raise SlackDeliveryError(f"response_url answered {resp.status_code}: {str(resp.body)[:200]}")


def report_failure(exc: BaseException, lang: str, notify: Callable[[str], Any]) -> None:
    """The adapter edge: log with the correlation id, tell the user briefly, never show the exception."""
    ref = correlation_id() or "-"
    key = exc.message_key if isinstance(exc, CsCopilotError) else "internal_error"
    if isinstance(exc, CsCopilotError):
        log.warning("slack request failed (ref %s): %s: %s", ref, type(exc).__name__, exc)
    else:
        log.error("slack request failed (ref %s)", ref, exc_info=exc)
    try:
        notify(messages.text(key, lang, ref=ref))
    except Exception as again:
        log.warning("could not tell the user about failure %s: %s", ref, again)
