"""Slash commands, mentions, direct messages and thread follow-ups.

Each Bolt listener is split in two: an `ack_*` function that Bolt runs at once (the HTTP response /
Socket Mode ack), and a lazy `on_*` function that does the slow work (answering) afterwards.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import messages
from bot.config import Settings
from bot.logs import new_correlation_id
from bot.router import IncomingMessage, Reply
from bot.slack.blocks import compact_blocks, cut, fallback_text, render_partial, render_reply, section
from bot.slack.common import (
    COMMAND_ALIASES,
    PLATFORM,
    RouterLike,
    check_webhook,
    record_answer,
    report_failure,
    split_private_flag,
    strip_mentions,
    thread_key,
)
from bot.slack.streaming import DEFAULT_INTERVAL, StreamingMessage, UpdateBudget
from bot.storage.db import StateStore

log = logging.getLogger("bot.slack")

# Errors meaning "Slack did not like these blocks": retry once with a compact rendering.
BLOCK_ERRORS = frozenset({"invalid_blocks", "msg_blocks_too_long", "msg_too_long", "invalid_blocks_format"})


@dataclass
class _Target:
    """Where a conversation answer goes: a channel, an optional thread, and the placeholder's ts."""

    channel: str
    thread_ts: str | None
    ts: str | None = None


class ConversationHandlers:
    def __init__(
        self,
        settings: Settings,
        router: RouterLike,
        state: StateStore,
        *,
        update_interval: float = DEFAULT_INTERVAL,
        budget: UpdateBudget | None = None,
    ) -> None:
        self.settings = settings
        self.router = router
        self.state = state
        self.update_interval = update_interval
        self.budget = budget or UpdateBudget()

    # --- slash commands ------------------------------------------------------------------------

    def ack_command(self, ack: Ack, command: dict[str, Any]) -> None:
        """Acknowledge within Slack's 3 s: a tiny ephemeral "thinking" for questions, empty otherwise."""
        name = str(command.get("command", "")).lower()
        name = COMMAND_ALIASES.get(name, name)
        question, _ = split_private_flag(str(command.get("text") or ""))
        if name == "/ask" and question:
            ack(text=messages.text("thinking", messages.detect_language(question)))
        else:
            ack()

    def on_command(self, command: dict[str, Any], respond: Respond) -> None:
        new_correlation_id()
        raw_name = str(command.get("command", "")).lower()
        question, private = split_private_flag(str(command.get("text") or ""))
        lang = messages.detect_language(question)
        user, channel = str(command.get("user_id", "")), str(command.get("channel_id", ""))

        def notify(text: str) -> None:
            respond(text=text, response_type="ephemeral")

        try:
            msg = IncomingMessage(
                text=question,
                user_id=user,
                channel_id=channel,
                platform=PLATFORM,
                command=COMMAND_ALIASES.get(raw_name, raw_name),
            )
            reply = self.router.handle(msg)
            lang = reply.language
            if reply.kind != "answer":  # help, coming soon, empty input, errors: only for the asker
                self._respond(respond, reply, "", response_type="ephemeral")
                return
            answer_id = record_answer(
                self.state,
                reply,
                user,
                channel,
                surface="slash",
                command=raw_name,
                private=private,
                team_id=command.get("team_id", ""),
            )
            self._respond(
                respond,
                reply,
                answer_id,
                response_type="ephemeral" if private else "in_channel",
                shareable=private,
            )
        except Exception as exc:
            report_failure(exc, lang, notify)

    @staticmethod
    def _respond(
        respond: Respond, reply: Reply, answer_id: str, *, response_type: str, shareable: bool = False
    ) -> None:
        blocks = render_reply(reply, answer_id, shareable=shareable)
        resp = respond(text=fallback_text(reply), blocks=blocks, response_type=response_type)
        if resp.status_code == 400:  # Slack rejected the blocks: retry once, compact
            log.warning("response_url rejected the blocks (%s); retrying compact", str(resp.body)[:200])
            blocks = compact_blocks(reply, answer_id, shareable=shareable)
            resp = respond(text=fallback_text(reply), blocks=blocks, response_type=response_type)
        check_webhook(resp)

    # --- events ----------------------------------------------------------------------------------

    def ack_event(self, ack: Ack) -> None:
        ack()

    def on_mention(self, event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """`@cs-copilot question` in a channel: answer in the thread, with the thread as context."""
        new_correlation_id()
        channel = str(event.get("channel", ""))
        if event.get("bot_id") or channel.startswith("D"):
            return  # other bots; DMs are handled as message.im
        root = str(event.get("thread_ts") or event.get("ts", ""))
        text = strip_mentions(str(event.get("text") or ""), context.bot_user_id)
        self._converse(
            client, _Target(channel, root), str(event.get("user", "")), text, thread_key(channel, root)
        )

    def on_message(self, event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """Direct messages, and follow-ups in threads the bot already answered in."""
        new_correlation_id()
        if (
            event.get("subtype") not in (None, "thread_broadcast")
            or event.get("bot_id")
            or not event.get("user")
        ):
            return  # edits, deletions, joins, bot messages...
        channel, ts = str(event.get("channel", "")), str(event.get("ts", ""))
        thread_ts = event.get("thread_ts")
        text = str(event.get("text") or "")
        user = str(event["user"])
        if event.get("channel_type") == "im":
            key = thread_key(channel, str(thread_ts or ts))
            self._converse(
                client, _Target(channel, thread_ts), user, strip_mentions(text, context.bot_user_id), key
            )
            return
        if not thread_ts or thread_ts == ts:
            return  # a top-level channel message: the bot only answers when mentioned
        if context.bot_user_id and f"<@{context.bot_user_id}" in text:
            return  # the app_mention event for the same message answers it
        key = thread_key(channel, str(thread_ts))
        if not self.state.thread_turns(key, limit=1):
            return  # a thread the bot is not part of
        self._converse(client, _Target(channel, str(thread_ts)), user, text, key)

    # --- answering in a conversation -----------------------------------------------------------------

    def _converse(self, client: WebClient, target: _Target, user: str, text: str, key: str) -> None:
        lang = messages.detect_language(text)
        try:
            history = tuple(self.state.thread_turns(key))
            self.state.append_turn(key, text)  # before answering: follow-ups find the thread at once
            msg = IncomingMessage(
                text=text, user_id=user, channel_id=target.channel, platform=PLATFORM, thread_history=history
            )
            if not text:
                self._post(client, target, self.router.handle(msg), "")
                return
            posted = client.chat_postMessage(
                channel=target.channel, thread_ts=target.thread_ts, text=messages.text("thinking", lang)
            )
            target.ts = str(posted["ts"])
            stream = StreamingMessage(
                lambda partial: self._update(
                    client, target, cut(partial, 3900), render_partial(partial, lang)
                ),
                interval=self.update_interval,
                budget=self.budget,
            )
            try:
                reply = self.router.handle(msg, on_partial=stream.partial)
            finally:
                stream.close()
            lang = reply.language
            answer_id = ""
            if reply.kind == "answer":
                answer_id = record_answer(
                    self.state,
                    reply,
                    user,
                    target.channel,
                    surface="conversation",
                    thread_ts=target.thread_ts or "",
                    message_ts=target.ts,
                )
            self._post(client, target, reply, answer_id)
        except Exception as exc:
            report_failure(exc, lang, lambda note: self._notify(client, target, note))

    def _post(self, client: WebClient, target: _Target, reply: Reply, answer_id: str) -> None:
        """Replace the placeholder with the final answer (or post it when there is no placeholder)."""
        blocks = render_reply(reply, answer_id)
        try:
            self._send(client, target, fallback_text(reply), blocks)
        except SlackApiError as exc:
            if exc.response.get("error") not in BLOCK_ERRORS:
                raise
            log.warning("Slack rejected the answer blocks (%s); retrying compact", exc.response.get("error"))
            self._send(client, target, fallback_text(reply), compact_blocks(reply, answer_id))

    def _send(self, client: WebClient, target: _Target, text: str, blocks: list[dict[str, Any]]) -> None:
        if target.ts:
            self._update(client, target, text, blocks)
        else:
            client.chat_postMessage(
                channel=target.channel, thread_ts=target.thread_ts, text=text, blocks=blocks
            )

    @staticmethod
    def _update(client: WebClient, target: _Target, text: str, blocks: list[dict[str, Any]]) -> None:
        client.chat_update(channel=target.channel, ts=str(target.ts), text=text, blocks=blocks)

    @staticmethod
    def _notify(client: WebClient, target: _Target, note: str) -> None:
        """Tell the user something failed: in place of the placeholder if there is one."""
        if target.ts:
            try:
                client.chat_update(channel=target.channel, ts=target.ts, text=note, blocks=[section(note)])
                return
            except SlackApiError:
                pass
        client.chat_postMessage(channel=target.channel, thread_ts=target.thread_ts, text=note)
