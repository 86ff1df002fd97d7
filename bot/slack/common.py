"""Helpers shared by the Slack listeners: text conventions, the router protocol, which replies are
recorded as answers, where a reply goes, failure reporting."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, Callable, Protocol

from slack_sdk.webhook import WebhookResponse

from bot import messages
from bot.errors import CsCopilotError
from bot.logs import correlation_id
from bot.models import ActionEvent, FormSubmission, IncomingMessage, PartialCallback, Reply
from bot.router import parse_command

if TYPE_CHECKING:
    from bot.commands.base import CommandSpec
    from bot.conversation import ConversationService

log = logging.getLogger("bot.slack")

PLATFORM = "slack"
# Buttons under every recorded answer, handled by the adapter through the conversation service;
# any other button belongs to a registered command and goes to `router.handle_action`.
ANSWER_ACTIONS = frozenset({"feedback_up", "feedback_down", "share", "need_human"})
FORM_CALLBACK_PREFIX = "form:"  # modal callback_id = "form:{command}:{form_id}"
CHANNEL_KEY = "_slack_channel"  # added to a modal's private_metadata: a view_submission carries no channel

_USER_GROUP_ID = re.compile(r"S[A-Z0-9]{6,}")


class RouterLike(Protocol):
    """What the adapter needs from `bot.router.CommandRouter`."""

    def handle(self, msg: IncomingMessage, on_partial: PartialCallback | None = None) -> Reply: ...

    def spec_for(self, msg: IncomingMessage) -> "CommandSpec | None": ...

    def handle_action(self, event: ActionEvent) -> Reply | None: ...

    def handle_form(self, sub: FormSubmission) -> Reply: ...


class SlackDeliveryError(CsCopilotError):
    """Slack refused a message (response_url answered with an error status)."""


def base_action_id(action_id: str) -> str:
    """The renderer makes repeated action ids unique with a `~N` suffix; this is the id without it."""
    return action_id.split("~", 1)[0]


def command_argument(text: str) -> str:
    """What a message asks the command to work on: the text after `/cmd`, or the whole plain text."""
    command, rest = parse_command(text)
    return rest if command is not None else text


def shows_placeholder(spec: "CommandSpec | None", argument: str) -> bool:
    """Slow commands get a placeholder ("Looking that up…") first, unless they need text and got none
    (then the router answers at once with the command's usage)."""
    return spec is not None and spec.slow and (bool(argument.strip()) or not spec.needs_text)


def is_private(reply: Reply, spec: "CommandSpec | None") -> bool:
    """Who sees a reply: the reply's own choice (e.g. `/ask --private`), else the command's default.
    Errors and unknown commands are only for the asker."""
    if reply.kind == "error" or (spec is None and reply.visibility is None):
        return True
    return (reply.visibility or (spec.visibility if spec else "private")) == "private"


def record_if_answer(
    conversation: "ConversationService",
    reply: Reply,
    *,
    user_id: str,
    channel_id: str,
    thread_key: str = "",
    extra: dict[str, Any] | None = None,
) -> str:
    """The one place that decides which replies get the answer buttons: answers are recorded and
    their id goes on the buttons; "" for anything else (or when the database failed)."""
    if reply.kind != "answer":
        return ""
    return conversation.record_answer(
        reply, platform=PLATFORM, user_id=user_id, channel_id=channel_id, thread_key=thread_key, extra=extra
    )


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
