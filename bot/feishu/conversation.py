"""Answering one Feishu message (or bot-menu click), in the background (never on the SDK's or the
server's loop).

Flow: the command registry says whether the command is slow (`router.spec_for`); slow ones first get
a "processing" card (reply API, send uuid from the message_id) → the router runs (partial text streamed
into the card at most every `stream_interval` seconds, on the injected clock) → answers are recorded
through the conversation service (their id goes on the buttons) and the card is patched with the final
card. Quick replies skip the processing card. A form reply is sent as a form card. A private reply
(`visibility="private"`, e.g. `/ask --private`) asked in a group goes to the asker's direct chat with
the bot, and the group only sees a short note. Any failure becomes a short friendly card with a
reference id.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Protocol

from bot import messages
from bot.feishu import cards
from bot.feishu.api import FeishuApi, send_uuid
from bot.feishu.parsing import InboundMessage, command_argument
from bot.feishu.ratelimit import Clock, Sleep
from bot.logs import correlation_id
from bot.models import ActionEvent, FormSubmission, IncomingMessage, PartialCallback, Reply

if TYPE_CHECKING:
    from bot.commands.base import CommandSpec
    from bot.conversation import ConversationService

log = logging.getLogger(__name__)

PLATFORM = "feishu"
PATCH_MIN_INTERVAL = 0.2  # Feishu: 5 QPS per message for card updates


class RouterLike(Protocol):
    """What the adapter needs from `bot.router.CommandRouter`."""

    def handle(self, msg: IncomingMessage, on_partial: PartialCallback | None = None) -> Reply: ...

    def spec_for(self, msg: IncomingMessage) -> "CommandSpec | None": ...

    def handle_action(self, event: ActionEvent) -> Reply | None: ...

    def handle_form(self, sub: FormSubmission) -> Reply: ...


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


def shows_processing_card(spec: "CommandSpec | None", argument: str) -> bool:
    """Slow commands show a processing card first, unless they need text and got none (then the router
    answers at once with the command's usage); the rest answer at once."""
    return spec is not None and spec.slow and (bool(argument.strip()) or not spec.needs_text)


def is_private(reply: Reply, spec: "CommandSpec | None") -> bool:
    """The reply's own visibility (e.g. `/ask --private`), else the command's default."""
    return (reply.visibility or (spec.visibility if spec is not None else "channel")) == "private"


def record_if_answer(
    rules: "ConversationService", reply: Reply, *, user_id: str, channel_id: str, thread_key: str = "",
    extra: dict[str, Any] | None = None, answer_id: str = "",
) -> str:
    """The one place that decides which replies get the answer buttons: answers are recorded and
    their id goes on the buttons; "" for anything else (or when the database failed)."""
    if reply.kind != "answer":
        return ""
    return rules.record_answer(reply, platform=PLATFORM, user_id=user_id, channel_id=channel_id,
                               thread_key=thread_key, extra=extra, answer_id=answer_id)


def reply_card(reply: Reply, answer_id: str = "", *, image_keys: dict[str, str] | None = None) -> dict[str, Any]:
    """The card for any reply: a form card when it carries a form, else the rendered reply (a report's
    images shown inline when `image_keys` maps their filename to an uploaded image_key)."""
    if reply.form is not None:
        return cards.render_form_card(reply.form, reply.language, intro=reply.text)
    return cards.render_card(reply, answer_id, image_keys=image_keys)


@dataclass(frozen=True)
class Where:
    """Where the bot answers: a reply to `message_id` (quoted, or in its thread), or a new message to
    the user `open_id` (bot menu, private replies). Send uuids derive from `source_id`."""

    source_id: str
    message_id: str = ""
    chat_id: str = ""
    in_thread: bool = False
    open_id: str = ""
    is_p2p: bool = True
    final_kind: str = "r"  # uuid kind of the final message when there was no processing card


class Conversation:
    def __init__(
        self, api: FeishuApi, router: RouterLike, rules: "ConversationService", *, stream_interval: float = 0.5,
        clock: Clock = time.monotonic, sleep: Sleep = time.sleep, alias_word: Callable[[str], bool] | None = None,
    ) -> None:
        self.api = api
        self.router = router
        self.rules = rules
        self.stream_interval = stream_interval
        self.clock = clock
        self.sleep = sleep
        self._alias_word = alias_word or (lambda word: False)

    # --- entry points ---------------------------------------------------------------------------
    def answer_message(self, inbound: InboundMessage) -> None:
        """Answer one message (already de-duplicated); never raises."""
        where = Where(source_id=inbound.message_id, message_id=inbound.message_id, chat_id=inbound.chat_id,
                      in_thread=bool(inbound.thread_id), open_id=inbound.user_open_id, is_p2p=inbound.is_p2p)
        lang = messages.detect_language(inbound.text, default="en")
        try:
            history = tuple(self.rules.thread_turns(inbound.thread_key)) if inbound.root_id else ()
            self.rules.remember_turn(inbound.thread_key, inbound.text)  # follow-ups find the thread
        except Exception:
            log.exception("thread memory unavailable for Feishu message %s", inbound.message_id)
            self._deliver_error(where, None, lang)
            return
        incoming = IncomingMessage(
            text=inbound.text, user_id=inbound.user_open_id, channel_id=inbound.chat_id, platform=PLATFORM,
            thread_history=history, thread_key=inbound.thread_key, message_id=inbound.message_id,
        )
        self.run(where, incoming, extra={"message_id": inbound.message_id, "chat_type": inbound.chat_type,
                                         "in_thread": bool(inbound.thread_id), "root_id": inbound.root_id})

    def answer_menu(self, event_id: str, open_id: str, command: str, lang: str) -> None:
        """A bot-menu click: run `command` for the user and answer in their direct chat with the bot."""
        where = Where(source_id=event_id, open_id=open_id, final_kind="m")
        incoming = IncomingMessage(text=command, user_id=open_id, channel_id=open_id, platform=PLATFORM, language=lang)
        self.run(where, incoming, extra={"menu_event_id": event_id, "chat_type": "p2p"})

    def run(self, where: Where, incoming: IncomingMessage, *, extra: dict[str, Any]) -> None:
        lang = incoming.language or messages.detect_language(incoming.text, default="en")
        streamer: CardStreamer | None = None
        try:
            spec = self.router.spec_for(incoming)
            if shows_processing_card(spec, command_argument(incoming.text, self._alias_word)):
                card_id = self._post(where, "p", cards.processing_card(lang))
                if card_id:
                    streamer = CardStreamer(self.api, card_id, lang, interval=self.stream_interval,
                                            clock=self.clock, sleep=self.sleep)
            reply = self.router.handle(incoming, on_partial=streamer.push if streamer else None)
            lang = reply.language or lang
            self._deliver_reply(where, incoming, reply, spec, streamer, extra)
        except Exception:
            log.exception("failed to answer Feishu event %s", where.source_id)
            self._deliver_error(where, streamer, lang)

    # --- delivery ----------------------------------------------------------------------------------
    def _deliver_reply(
        self, where: Where, incoming: IncomingMessage, reply: Reply, spec: "CommandSpec | None",
        streamer: CardStreamer | None, extra: dict[str, Any],
    ) -> None:
        private = is_private(reply, spec) and not where.is_p2p and reply.kind != "error"
        answer_id = record_if_answer(
            self.rules, reply, user_id=incoming.user_id, channel_id=incoming.channel_id,
            thread_key=incoming.thread_key, extra={**extra, "private": private},
            answer_id=f"fs-{where.source_id}" if where.message_id else "",
        )
        card = reply_card(reply, answer_id, image_keys=self._upload_report_images(reply))
        if private and where.open_id:
            self.api.send(where.open_id, "open_id", "interactive", card, uuid=send_uuid("d", where.source_id))
            card = cards.simple_card(messages.text("sent_privately", reply.language), reply.language)
        self._finish(where, streamer, card)
        self._send_report_files(where, reply, private=private and bool(where.open_id))

    def _upload_report_images(self, reply: Reply) -> dict[str, str]:
        """Upload a report's images (im/v1/images) so the card shows them inline; an image that fails
        to upload stays a "chart attached" line in the card."""
        keys: dict[str, str] = {}
        if reply.report is None or reply.form is not None:
            return keys
        for image in reply.report.images:
            try:
                keys[image.filename] = self.api.upload_image(image.content)
            except Exception as exc:
                log.warning("could not upload the image %r (%s)", image.filename, type(exc).__name__)
        return keys

    def _send_report_files(self, where: Where, reply: Reply, *, private: bool) -> None:
        """A report's files as file messages (im/v1/files) after its card: in the same thread / as a reply
        to the same message, or in the asker's direct chat for a private reply. Best effort, one by one."""
        if reply.report is None or reply.form is not None:
            return
        for i, attachment in enumerate(reply.report.files):
            uuid = send_uuid(f"f{i}", where.source_id)
            try:
                content = {"file_key": self.api.upload_file(attachment.content, attachment.filename)}
                if where.message_id and not private:
                    self.api.reply(where.message_id, "file", content, uuid=uuid, in_thread=where.in_thread,
                                   chat_key=where.chat_id)
                else:
                    self.api.send(where.open_id, "open_id", "file", content, uuid=uuid)
            except Exception as exc:
                log.warning("could not send the file %r (%s)", attachment.filename, type(exc).__name__)

    def _post(self, where: Where, kind: str, card: dict[str, Any]) -> str:
        uuid = send_uuid(kind, where.source_id)
        if where.message_id:
            return self.api.reply(where.message_id, "interactive", card, uuid=uuid, in_thread=where.in_thread,
                                  chat_key=where.chat_id)
        return self.api.send(where.open_id, "open_id", "interactive", card, uuid=uuid)

    def _finish(self, where: Where, streamer: CardStreamer | None, card: dict[str, Any]) -> None:
        if streamer is not None:
            try:
                streamer.finish(card)
                return
            except Exception as exc:  # e.g. the card was deleted: answer with a new message instead
                log.warning("could not update the processing card (%s); replying instead", type(exc).__name__)
        self._post(where, where.final_kind, card)

    def _deliver_error(self, where: Where, streamer: CardStreamer | None, lang: str) -> None:
        text = messages.text("internal_error", lang, ref=correlation_id() or "-")
        card = cards.simple_card(text, lang, kind="error")
        try:
            if streamer is not None:
                try:
                    streamer.finish(card)
                    return
                except Exception:
                    pass
            self._post(where, "e", card)
        except Exception as exc:
            log.error("could not tell the user about the failure either (%s)", type(exc).__name__)
