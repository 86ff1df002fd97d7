"""Answering one Feishu message, in the background (never on the SDK's or the server's loop).

Flow: reply with a "processing" card (reply API, send uuid from the message_id) → run the command
router (partial text streamed into the card at most every `stream_interval` seconds) → record the
answer and patch the card with the final answer card. Quick replies (help, coming soon, errors in
the input) skip the processing card. Any failure becomes a short friendly card with a reference id.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from bot import messages
from bot.feishu import cards
from bot.feishu.api import FeishuApi, send_uuid
from bot.feishu.parsing import InboundMessage
from bot.feishu.ratelimit import Clock, Sleep
from bot.logs import correlation_id
from bot.router import CommandRouter, IncomingMessage, Reply, parse_command
from bot.storage.db import StateStore

log = logging.getLogger(__name__)

PATCH_MIN_INTERVAL = 0.2  # Feishu: 5 QPS per message for card updates


class CardStreamer:
    """Patches a card with partial answers, throttled; `finish()` writes the final card."""

    def __init__(
        self, api: FeishuApi, message_id: str, lang: str, *, interval: float = 0.5,
        clock: Clock = time.monotonic, sleep: Sleep = time.sleep,
    ) -> None:
        self._api = api
        self.message_id = message_id
        self._lang = lang
        self._interval = max(interval, PATCH_MIN_INTERVAL)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last_patch = clock()  # the processing card was just sent
        self._broken = False
        self.partial_patches = 0

    def push(self, text_so_far: str) -> None:
        """on_partial callback: patch when the interval has passed, drop the update otherwise."""
        with self._lock:
            now = self._clock()
            if self._broken or now - self._last_patch < self._interval or not text_so_far.strip():
                return
            self._last_patch = now
            try:
                self._api.patch_card(self.message_id, cards.streaming_card(text_so_far, self._lang))
                self.partial_patches += 1
            except Exception as exc:  # streaming is best effort; the final patch still happens
                log.warning("streaming update failed (%s); continuing without it", type(exc).__name__)
                self._broken = True

    def finish(self, card: dict[str, Any]) -> None:
        with self._lock:
            wait = PATCH_MIN_INTERVAL - (self._clock() - self._last_patch)
            if wait > 0:
                self._sleep(wait)
            self._last_patch = self._clock()
            self._api.patch_card(self.message_id, card)


def needs_processing_card(text: str) -> bool:
    """Only questions take time; help, coming-soon and input errors are answered at once."""
    command, rest = parse_command(text)
    return command in (None, "/ask") and bool(rest)


class Conversation:
    def __init__(
        self, api: FeishuApi, router: CommandRouter, state: StateStore, *, stream_interval: float = 0.5
    ) -> None:
        self.api = api
        self.router = router
        self.state = state
        self.stream_interval = stream_interval

    def answer_message(self, inbound: InboundMessage) -> None:
        """Answer one message (already de-duplicated); never raises."""
        lang = messages.detect_language(inbound.text, default="en")
        streamer: CardStreamer | None = None
        try:
            history = tuple(self.state.thread_turns(inbound.thread_key)) if inbound.root_id else ()
            incoming = IncomingMessage(
                text=inbound.text, user_id=inbound.user_open_id, channel_id=inbound.chat_id, platform="feishu",
                thread_history=history,
            )
            if needs_processing_card(inbound.text):
                card_id = self._reply(inbound, "p", cards.processing_card(lang))
                if card_id:
                    streamer = CardStreamer(self.api, card_id, lang, interval=self.stream_interval)
            reply = self.router.handle(incoming, on_partial=streamer.push if streamer else None)
            lang = reply.language or lang
            card = self._final_card(inbound, reply)
            self._deliver(inbound, streamer, card)
        except Exception:
            log.exception("failed to answer Feishu message %s", inbound.message_id)
            self._deliver_error(inbound, streamer, lang)

    def _final_card(self, inbound: InboundMessage, reply: Reply) -> dict[str, Any]:
        if reply.kind != "answer":
            return cards.render_card(reply)
        answer_id = f"fs-{inbound.message_id}"
        card = cards.render_card(reply, answer_id)
        question = reply.question or parse_command(inbound.text)[1]
        payload = {
            "message_id": inbound.message_id, "chat_type": inbound.chat_type, "in_thread": bool(inbound.thread_id),
            "root_id": inbound.root_id, "language": reply.language, "grounded": reply.grounded,
            "citations": [c.doc_id for c in reply.citations], "card": card,
        }
        self.state.record_answer(
            answer_id, "feishu", inbound.user_open_id, inbound.chat_id, question, reply.text, payload
        )
        self.state.append_turn(inbound.thread_key, question)
        return card

    def _reply(self, inbound: InboundMessage, kind: str, card: dict[str, Any]) -> str:
        return self.api.reply(
            inbound.message_id, "interactive", card, uuid=send_uuid(kind, inbound.message_id),
            in_thread=bool(inbound.thread_id), chat_key=inbound.chat_id,
        )

    def _deliver(self, inbound: InboundMessage, streamer: CardStreamer | None, card: dict[str, Any]) -> None:
        if streamer is not None:
            try:
                streamer.finish(card)
                return
            except Exception as exc:  # e.g. the card was deleted: answer with a new reply instead
                log.warning("could not update the processing card (%s); replying instead", type(exc).__name__)
        self._reply(inbound, "r", card)

    def _deliver_error(self, inbound: InboundMessage, streamer: CardStreamer | None, lang: str) -> None:
        text = messages.text("internal_error", lang, ref=correlation_id() or "-")
        card = cards.simple_card(text, lang, kind="error")
        try:
            if streamer is not None:
                try:
                    streamer.finish(card)
                    return
                except Exception:
                    pass
            self._reply(inbound, "e", card)
        except Exception as exc:
            log.error("could not tell the user about the failure either (%s)", type(exc).__name__)
