"""The platform-neutral command router.

Adapters (CLI chat, Slack, Feishu) translate their events into an `IncomingMessage`, call
`CommandRouter.handle()`, and render the neutral `Reply` (text, sections, citations, buttons)
into their own format. The router never imports slack_bolt or lark_oapi.
"""

from __future__ import annotations

import logging
from typing import Protocol

from bot import messages
from bot.errors import CsCopilotError
from bot.logs import correlation_id, new_correlation_id
from bot.models import (  # noqa: F401  (re-exported for adapters)
    Button,
    Citation,
    IncomingMessage,
    PartialCallback,
    Reply,
    Section,
    SimilarCase,
)

log = logging.getLogger(__name__)

COMMANDS = ("/ask", "/help", "/cs-help", "/rootcause", "/escalate", "/history", "/calm", "/resolve")
COMING_SOON = ("/rootcause", "/escalate", "/history", "/calm", "/resolve")

class Answerer(Protocol):
    """What the router needs from the answering service (see bot.answer.service)."""

    def answer(
        self, question: str, *, language: str, context: tuple[str, ...] = (), on_partial: PartialCallback | None = None
    ) -> Reply: ...


def parse_command(text: str) -> tuple[str | None, str]:
    """Split '/cmd rest' into ('/cmd', 'rest'); plain text gives (None, text)."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return None, stripped
    head, _, rest = stripped.partition(" ")
    if "\n" in head:
        head, _, more = head.partition("\n")
        rest = (more + " " + rest).strip()
    return head.lower(), rest.strip()


class CommandRouter:
    def __init__(self, answerer: Answerer, max_chars: int = 2000) -> None:
        self._answerer = answerer
        self._max_chars = max_chars

    def handle(self, msg: IncomingMessage, on_partial: PartialCallback | None = None) -> Reply:
        """Route one message. Never raises: failures become a friendly error reply."""
        if not correlation_id():
            new_correlation_id()
        command, rest = (msg.command, msg.text.strip()) if msg.command else parse_command(msg.text)
        lang = msg.language or messages.detect_language(rest or msg.text, default="en")
        try:
            return self._dispatch(command, rest, lang, msg, on_partial)
        except CsCopilotError as exc:
            log.warning("request failed: %s (%s)", type(exc).__name__, exc)
            return self.error_reply(exc.message_key, lang)
        except Exception:  # the edge: never show a raw exception
            log.exception("unexpected failure while handling a %s message", msg.platform)
            return self.error_reply("internal_error", lang)

    @staticmethod
    def error_reply(key: str, lang: str) -> Reply:
        return Reply(text=messages.text(key, lang, ref=correlation_id() or "-"), kind="error", language=lang)

    def _dispatch(
        self, command: str | None, rest: str, lang: str, msg: IncomingMessage, on_partial: PartialCallback | None
    ) -> Reply:
        if command in ("/help", "/cs-help"):
            return Reply(text=messages.text("help", lang), kind="help", language=lang)
        if command in COMING_SOON:
            return Reply(text=messages.text("coming_soon", lang, command=command), kind="info", language=lang)
        if command is not None and command != "/ask":
            return Reply(text=messages.text("unknown_command", lang, command=command), kind="error", language=lang)
        if not rest:
            return Reply(text=messages.text("empty_input", lang), kind="error", language=lang)
        if len(rest) > self._max_chars:
            return Reply(
                text=messages.text("too_long", lang, length=len(rest), limit=self._max_chars),
                kind="error",
                language=lang,
            )
        context = tuple(t for t in msg.thread_history if t.strip())[-3:]
        return self._answerer.answer(rest, language=lang, context=context, on_partial=on_partial)


def answer_buttons(lang: str, answer_id: str, *, shareable: bool = False) -> list[Button]:
    """The standard buttons under an answer; `answer_id` links a click to the recorded answer."""
    buttons = [
        Button("feedback_up", messages.text("button_helpful", lang), answer_id),
        Button("feedback_down", messages.text("button_not_helpful", lang), answer_id),
    ]
    if shareable:
        buttons.append(Button("share", messages.text("button_share", lang), answer_id, style="primary"))
    buttons.append(Button("need_human", messages.text("button_human", lang), answer_id, style="danger"))
    return buttons
