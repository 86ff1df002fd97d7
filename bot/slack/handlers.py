"""Slash commands, mentions, direct messages and thread follow-ups.

Each Bolt listener is split in two: an `ack_*` function that Bolt runs at once (the HTTP response /
Socket Mode ack), and a lazy `on_*` function that does the slow work (answering) afterwards. Which
command a message runs, whether it is slow (placeholder first) and who sees its reply come from the
command registry (`router.spec_for`); answers are recorded through the conversation service.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import messages
from bot.config import Settings
from bot.logs import ensure_correlation_id
from bot.models import Attachment, Form, IncomingMessage, PostedMessage, Reply
from bot.outbound.port import OutboundError
from bot.slack.blocks import compact_blocks, cut, fallback_text, render_modal, render_partial, render_reply, section
from bot.slack.common import (
    CHANNEL_KEY,
    PLATFORM,
    RouterLike,
    check_webhook,
    command_argument,
    is_private,
    record_if_answer,
    report_failure,
    shows_placeholder,
    strip_mentions,
    thread_key,
)
from bot.slack.outbound import SlackOutbound
from bot.slack.streaming import DEFAULT_INTERVAL, Clock, StreamingMessage, UpdateBudget

if TYPE_CHECKING:
    from bot.commands.base import CommandSpec
    from bot.conversation import ConversationService

log = logging.getLogger("bot.slack")

# Errors meaning "Slack did not like these blocks": retry once with a compact rendering.
BLOCK_ERRORS = frozenset({"invalid_blocks", "msg_blocks_too_long", "msg_too_long", "invalid_blocks_format"})


def open_form(client: WebClient, trigger_id: str, form: Form, channel_id: str, lang: str = "en") -> None:
    """Open `form` as a modal (views.open; the trigger id is single-use and valid for 3 s). The channel
    travels in the modal's private_metadata, because a view_submission does not say where it came from."""
    if channel_id:
        form = dataclasses.replace(form, context={**form.context, CHANNEL_KEY: channel_id})
    client.views_open(trigger_id=trigger_id, view=render_modal(form, lang))


@dataclass
class _Target:
    """Where a conversation answer goes: a channel, an optional thread, and the placeholder's ts."""

    channel: str
    thread_ts: str | None
    ts: str | None = None
    is_dm: bool = False


class ConversationHandlers:
    def __init__(
        self,
        settings: Settings,
        router: RouterLike,
        conversation: "ConversationService",
        *,
        update_interval: float = DEFAULT_INTERVAL,
        budget: UpdateBudget | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        self.settings = settings
        self.router = router
        self.conversation = conversation
        self.update_interval = update_interval
        self.clock = clock
        self.budget = budget or UpdateBudget(clock=clock)

    # --- slash commands ------------------------------------------------------------------------

    @staticmethod
    def _command_message(command: dict[str, Any]) -> IncomingMessage:
        return IncomingMessage(
            text=str(command.get("text") or ""),
            user_id=str(command.get("user_id", "")),
            channel_id=str(command.get("channel_id", "")),
            platform=PLATFORM,
            command=str(command.get("command", "")).lower(),
        )

    def ack_command(self, ack: Ack, command: dict[str, Any]) -> None:
        """Acknowledge within Slack's 3 s: a tiny ephemeral "thinking" for slow commands, empty otherwise."""
        msg = self._command_message(command)
        if shows_placeholder(self.router.spec_for(msg), msg.text):
            ack(text=messages.text("thinking", messages.detect_language(msg.text)))
        else:
            ack()

    def on_command(self, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ensure_correlation_id()  # the request's (bot.slack.app.correlation_middleware)
        msg = self._command_message(command)
        lang = messages.detect_language(msg.text)

        def notify(text: str) -> None:
            check_webhook(respond(text=text, response_type="ephemeral"))

        try:
            spec = self.router.spec_for(msg)
            reply = self.router.handle(msg)
            lang = reply.language
            if reply.form is not None:
                open_form(client, str(command.get("trigger_id", "")), reply.form, msg.channel_id, lang)
                return
            private = is_private(reply, spec)
            answer_id = record_if_answer(
                self.conversation,
                reply,
                user_id=msg.user_id,
                channel_id=msg.channel_id,
                extra={
                    "surface": "slash",
                    "command": msg.command,
                    "private": private,
                    "team_id": command.get("team_id", ""),
                },
            )
            self._respond(
                respond,
                reply,
                answer_id,
                response_type="ephemeral" if private else "in_channel",
                shareable=private,
            )
            if private:
                if _report_attachments(reply):  # the channel would see them: say where to get them instead
                    notify(_private_files_note(reply.language, msg.command or ""))
            else:
                _upload_report(client, msg.channel_id, None, reply, notify)
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
        ensure_correlation_id()  # the request's (bot.slack.app.correlation_middleware)
        channel = str(event.get("channel", ""))
        if event.get("bot_id") or channel.startswith("D"):
            return  # other bots; DMs are handled as message.im
        root = str(event.get("thread_ts") or event.get("ts", ""))
        text = strip_mentions(str(event.get("text") or ""), context.bot_user_id)
        self._converse(
            client, _Target(channel, root), str(event.get("user", "")), text, thread_key(channel, root),
            str(event.get("ts", "")),
        )

    def on_message(self, event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """Direct messages, and follow-ups in threads the bot already answered in."""
        ensure_correlation_id()  # the request's (bot.slack.app.correlation_middleware)
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
            target = _Target(channel, thread_ts, is_dm=True)
            self._converse(client, target, user, strip_mentions(text, context.bot_user_id), key, ts)
            return
        if not thread_ts or thread_ts == ts:
            return  # a top-level channel message: the bot only answers when mentioned
        if context.bot_user_id and f"<@{context.bot_user_id}" in text:
            return  # the app_mention event for the same message answers it
        key = thread_key(channel, str(thread_ts))
        if not self.conversation.thread_turns(key, limit=1):
            return  # a thread the bot is not part of
        self._converse(client, _Target(channel, str(thread_ts)), user, text, key, ts)

    # --- answering in a conversation -----------------------------------------------------------------

    def _converse(
        self, client: WebClient, target: _Target, user: str, text: str, key: str, message_ts: str
    ) -> None:
        lang = messages.detect_language(text)
        try:
            history = tuple(self.conversation.thread_turns(key))
            self.conversation.remember_turn(key, text)  # before answering: follow-ups find the thread at once
            msg = IncomingMessage(
                text=text,
                user_id=user,
                channel_id=target.channel,
                platform=PLATFORM,
                thread_history=history,
                thread_key=key,
                message_id=message_ts,
            )
            spec = self.router.spec_for(msg)
            if not shows_placeholder(spec, command_argument(text)):
                self._finish(client, target, user, key, self.router.handle(msg), spec)
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
                clock=self.clock,
            )
            try:
                reply = self.router.handle(msg, on_partial=stream.partial)
            finally:
                stream.close()
            lang = reply.language
            self._finish(client, target, user, key, reply, spec)
        except Exception as exc:
            report_failure(exc, lang, lambda note: self._notify(client, target, note))

    def _finish(
        self, client: WebClient, target: _Target, user: str, key: str, reply: Reply, spec: "CommandSpec | None"
    ) -> None:
        """Deliver the final reply: in place of the placeholder, or privately to the asker."""
        if reply.form is not None:  # a message carries no trigger_id: a modal needs the slash command
            command = reply.form.command or (spec.name if spec is not None else "/help")
            hint = messages.text("slack_form_use_command", reply.language, command=command)
            note = dataclasses.replace(reply, text=f"{reply.text}\n\n{hint}".strip(), form=None, kind="info")
            self._post(client, target, note, "")
            return
        private = is_private(reply, spec) and not target.is_dm and reply.kind != "error"
        answer_id = record_if_answer(
            self.conversation,
            reply,
            user_id=user,
            channel_id=target.channel,
            thread_key=key,
            extra={
                "surface": "conversation",
                "thread_ts": target.thread_ts or "",
                "message_ts": target.ts or "",
                "private": private,
            },
        )
        if private:
            self._post_private(client, target, user, reply, answer_id, command=spec.name if spec else "")
            return
        self._post(client, target, reply, answer_id)

    def _post(self, client: WebClient, target: _Target, reply: Reply, answer_id: str) -> None:
        """Replace the placeholder with the final answer (or post it when there is no placeholder); a
        report's images and files follow as uploads in the same thread."""
        blocks = render_reply(reply, answer_id)
        try:
            self._send(client, target, fallback_text(reply), blocks)
        except SlackApiError as exc:
            if exc.response.get("error") not in BLOCK_ERRORS:
                raise
            log.warning("Slack rejected the answer blocks (%s); retrying compact", exc.response.get("error"))
            self._send(client, target, fallback_text(reply), compact_blocks(reply, answer_id))
        _upload_report(client, target.channel, target.thread_ts, reply,
                       lambda note: self._notify(client, _Target(target.channel, target.thread_ts), note))

    def _post_private(
        self, client: WebClient, target: _Target, user: str, reply: Reply, answer_id: str, *, command: str = ""
    ) -> None:
        """A private reply in a channel thread: shown only to the asker (with Share to channel); the
        public placeholder is removed."""
        if target.ts:
            try:
                client.chat_delete(channel=target.channel, ts=target.ts)
            except SlackApiError as exc:
                log.info("could not remove the placeholder (%s)", exc.response.get("error"))
            target.ts = None
        blocks = render_reply(reply, answer_id, shareable=bool(answer_id))
        client.chat_postEphemeral(
            channel=target.channel, user=user, thread_ts=target.thread_ts, text=fallback_text(reply), blocks=blocks
        )
        if _report_attachments(reply):  # an upload would be public: say where to get the files instead
            note = _private_files_note(reply.language, command)
            client.chat_postEphemeral(channel=target.channel, user=user, thread_ts=target.thread_ts, text=note)

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


# --- a report's images and files ------------------------------------------------------------------------

_PRIVATE_FILES_NOTE = {
    "en": "📎 The chart and files of a private reply are not posted (the channel would see them): run "
    "`cs-copilot {command} …` in a terminal to save them.",
    "zh": "📎 私密回复的图表和附件不会发送（频道内所有人可见）：可在终端运行 `cs-copilot {command} …` 保存。",
}

_UPLOAD_FAILED_NOTE = {
    "en": "⚠️ Could not attach {names} (is cs-copilot a member of this channel?).",
    "zh": "⚠️ 无法发送附件 {names}（cs-copilot 是否已加入此频道？）。",
}


def _report_attachments(reply: Reply) -> list[Attachment]:
    if reply.report is None or reply.form is not None:
        return []
    return [*reply.report.images, *reply.report.files]


def _private_files_note(lang: str, command: str) -> str:
    template = _PRIVATE_FILES_NOTE.get(lang, _PRIVATE_FILES_NOTE["en"])
    return template.format(command=command.lstrip("/") or "<command>")


def _upload_report(
    client: WebClient, channel: str, thread_ts: str | None, reply: Reply, notify: Callable[[str], None]
) -> None:
    """Upload a report's images then files (files_upload_v2) into `channel` (in `thread_ts` if set), after
    the reply that names them. Best effort: a failed upload (e.g. the bot is not in the channel) is logged
    and told to the asker once; the reply itself was delivered."""
    attachments = _report_attachments(reply)
    if not attachments:
        return
    outbound = SlackOutbound(client)
    thread = PostedMessage(PLATFORM, channel, thread_ts, thread_id=thread_ts) if thread_ts else None
    failed: list[str] = []
    for attachment in attachments:
        try:
            outbound.upload(channel, attachment, thread=thread)
        except OutboundError as exc:
            log.warning("could not upload %r: %s", attachment.filename, exc)
            failed.append(attachment.filename)
    if failed:
        template = _UPLOAD_FAILED_NOTE.get(reply.language, _UPLOAD_FAILED_NOTE["en"])
        notify(template.format(names=", ".join(failed)))
