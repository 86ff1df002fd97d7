"""Button clicks and modal submissions.

- The buttons under a recorded answer (👍 / 👎, share to channel, need a human) go through the
  conversation service: one vote per person per answer (a second click changes it, counts come back),
  a human is asked once per answer.
- Any other button belongs to a registered command (`CommandSpec.actions`): it becomes an `ActionEvent`
  for `router.handle_action`, and the Reply goes back to the clicker through the click's response_url
  (ephemeral; a reply with `visibility="channel"` replaces the clicked message instead), or opens a
  modal when it carries a form.
- A modal submission (`callback_id` "form:{command}:{form_id}") becomes a `FormSubmission` for
  `router.handle_form`; its Reply is posted in the channel the form came from (channel visibility) or
  shown only to the submitter there (else in their direct messages with the bot).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import messages
from bot.config import Settings
from bot.logs import ensure_correlation_id
from bot.models import ActionEvent, FormSubmission, Reply, decode_button_value
from bot.slack.blocks import escape, fallback_text, form_values, render_reply
from bot.slack.common import (
    ANSWER_ACTIONS,
    CHANNEL_KEY,
    FORM_CALLBACK_PREFIX,
    PLATFORM,
    RouterLike,
    base_action_id,
    check_webhook,
    oncall_mention,
    record_if_answer,
    report_failure,
    thread_key,
)
from bot.slack.handlers import open_form

if TYPE_CHECKING:
    from bot.conversation import AnswerRecord, ConversationService

log = logging.getLogger("bot.slack")


class ActionHandlers:
    def __init__(self, settings: Settings, router: RouterLike, conversation: "ConversationService") -> None:
        self.settings = settings
        self.router = router
        self.conversation = conversation

    # --- buttons -------------------------------------------------------------------------------------

    def ack_action(self, ack: Ack) -> None:
        ack()

    def on_action(
        self, body: dict[str, Any], action: dict[str, Any], respond: Respond | None, client: WebClient
    ) -> None:
        ensure_correlation_id()  # the request's (bot.slack.app.correlation_middleware)
        lang = "en"

        def notify(text: str) -> None:
            self._tell_clicker(body, respond, client, text)

        try:
            name = base_action_id(str(action.get("action_id") or ""))
            value, payload = decode_button_value(str(action.get("value") or ""))
            if name in ANSWER_ACTIONS:
                record = self.conversation.get_answer(value)
                lang = record.reply.language if record is not None else "en"
                self._answer_action(name, value, record, body, respond, client, lang, notify)
                return
            lang = payload.get("lang") or "en"
            self._command_action(name, value, payload, body, respond, client)
        except Exception as exc:
            report_failure(exc, lang, notify)

    def _answer_action(
        self, name: str, answer_id: str, record: "AnswerRecord | None", body: dict[str, Any],
        respond: Respond | None, client: WebClient, lang: str, notify: Any,
    ) -> None:
        user = _user(body)
        if name in ("feedback_up", "feedback_down"):
            result = self.conversation.vote(answer_id, user, PLATFORM, 1 if name == "feedback_up" else -1)
            thanks = messages.text("vote_changed" if result.changed else "feedback_thanks", lang)
            notify(f"{thanks} {messages.text('vote_counts', lang, up=result.up, down=result.down)}")
        elif name == "share":
            if record is None:
                notify(messages.text("slack_answer_unavailable", lang))
                return
            self._share(body, client, respond, record, lang)
            notify(messages.text("slack_shared_ack", lang))
        elif name == "need_human":
            if not self.conversation.request_human(answer_id, user, PLATFORM):
                notify(messages.text("human_already_requested", lang))
                return
            self._need_human(body, client, respond, record, lang)
            notify(messages.text("human_requested_ack", lang))

    def _command_action(
        self, name: str, value: str, payload: dict[str, str], body: dict[str, Any], respond: Respond | None,
        client: WebClient,
    ) -> None:
        channel, user = _channel(body), _user(body)
        container = body.get("container") or {}
        message_ts = str(container.get("message_ts") or "")
        root = str(container.get("thread_ts") or (body.get("message") or {}).get("thread_ts") or message_ts)
        event = ActionEvent(
            action_id=name,
            value=value,
            user_id=user,
            channel_id=channel,
            platform=PLATFORM,
            payload=payload,
            message_id=message_ts,
            thread_key=thread_key(channel, root) if channel and root else "",
            language=payload.get("lang") or None,
        )
        reply = self.router.handle_action(event)
        if reply is None:
            log.info("no command answered the click on %r", name)
            return
        if reply.form is not None:
            open_form(client, str(body.get("trigger_id") or ""), reply.form, channel, reply.language)
            return
        answer_id = record_if_answer(self.conversation, reply, user_id=user, channel_id=channel)
        replace = reply.visibility == "channel" and reply.kind != "error"
        blocks = render_reply(reply, answer_id)
        if respond is None or not body.get("response_url"):  # a button in a modal or the Home tab
            self._post_privately(client, channel, user, reply, answer_id)
            return
        check_webhook(
            respond(
                text=fallback_text(reply),
                blocks=blocks,
                response_type="in_channel" if replace else "ephemeral",
                replace_original=replace,
            )
        )

    # --- modal submissions ------------------------------------------------------------------------------

    def ack_view(self, ack: Ack) -> None:
        ack()  # closes the modal; the command's reply arrives as a message

    def on_view(self, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        ensure_correlation_id()  # the request's (bot.slack.app.correlation_middleware)
        user = _user(body)
        callback = str(view.get("callback_id") or "")
        _, _, rest = callback.partition(FORM_CALLBACK_PREFIX)
        command, _, form_id = rest.partition(":")
        context = _context(view.get("private_metadata"))
        channel = context.pop(CHANNEL_KEY, "")
        lang = context.get("lang") or "en"
        try:
            sub = FormSubmission(
                command=command,
                form_id=form_id,
                values=form_values((view.get("state") or {}).get("values") or {}),
                user_id=user,
                platform=PLATFORM,
                channel_id=channel,
                context=context,
            )
            reply = self.router.handle_form(sub)
            lang = reply.language
            if reply.form is not None:  # a next step: best effort, the submission's trigger_id is fresh
                open_form(client, str(body.get("trigger_id") or ""), reply.form, channel, reply.language)
                return
            answer_id = record_if_answer(self.conversation, reply, user_id=user, channel_id=channel)
            if channel and reply.visibility == "channel" and reply.kind != "error":
                client.chat_postMessage(
                    channel=channel, text=fallback_text(reply), blocks=render_reply(reply, answer_id)
                )
            else:
                self._post_privately(client, channel, user, reply, answer_id)
        except Exception as exc:
            report_failure(
                exc, lang, lambda note: self._post_privately(client, channel, user, Reply(note, "error", lang), "")
            )

    # --- delivery helpers -------------------------------------------------------------------------------

    @staticmethod
    def _post_privately(client: WebClient, channel: str, user: str, reply: Reply, answer_id: str) -> None:
        """Only `user` sees it: ephemeral in the channel, else (not a member, no channel) in their DM."""
        blocks = render_reply(reply, answer_id)
        if channel:
            try:
                client.chat_postEphemeral(channel=channel, user=user, text=fallback_text(reply), blocks=blocks)
                return
            except SlackApiError as exc:
                log.info("chat.postEphemeral failed (%s); sending a direct message", exc.response.get("error"))
        client.chat_postMessage(channel=user, text=fallback_text(reply), blocks=blocks)

    def _tell_clicker(self, body: dict[str, Any], respond: Respond | None, client: WebClient, text: str) -> None:
        if respond is not None and body.get("response_url"):
            check_webhook(respond(text=text, response_type="ephemeral", replace_original=False))
            return
        self._post_privately(client, _channel(body), _user(body), Reply(text), "")

    # --- share -------------------------------------------------------------------------------------

    def _share(
        self, body: dict[str, Any], client: WebClient, respond: Respond | None, record: "AnswerRecord", lang: str
    ) -> None:
        """Post a privately received answer publicly (in its thread if it had one), without the share button."""
        header = messages.text("slack_shared_by", lang, user=_user(body))
        blocks = render_reply(record.reply, record.answer_id, shareable=False, header=header)
        text = fallback_text(record.reply)
        thread_ts = str(record.extra.get("thread_ts") or "") or None
        try:
            client.chat_postMessage(channel=_channel(body), thread_ts=thread_ts, text=text, blocks=blocks)
        except SlackApiError as exc:  # e.g. not_in_channel: the response_url can still post there
            if respond is None:
                raise
            log.info("chat.postMessage for share failed (%s); using response_url", exc.response.get("error"))
            check_webhook(
                respond(text=text, blocks=blocks, response_type="in_channel", replace_original=False)
            )

    # --- need a human ------------------------------------------------------------------------------------

    def _need_human(
        self, body: dict[str, Any], client: WebClient, respond: Respond | None, record: "AnswerRecord | None",
        lang: str,
    ) -> None:
        """Tag the on-call group with the question: in the escalation channel if configured,
        otherwise in the answer's thread (or channel)."""
        channel = _channel(body)
        oncall = oncall_mention(self.settings.slack_oncall_group)
        question = self.conversation.question_for_escalation(record) or "-"  # personal data redacted
        text = messages.text(
            "slack_human_requested",
            lang,
            oncall=oncall,
            asker=f"<@{_user(body)}>",
            # link_names may be on (for a plain "@handle" on-call group): a word joiner after each "@"
            # keeps an "@channel" / "@here" typed in the question from becoming a broadcast.
            question=escape(question).replace("@", "@\u2060").replace("\n", "\n>"),
        ).strip()
        escalation = self.settings.slack_escalation_channel.strip()
        if escalation:
            text += "\n" + messages.text("slack_human_requested_from", lang, channel=channel)
            target, thread_ts = escalation, None
        else:
            target, thread_ts = channel, _answer_thread(body, record)
        link_names = bool(oncall) and not oncall.startswith("<")  # let Slack resolve "@cs-oncall"
        try:
            client.chat_postMessage(channel=target, thread_ts=thread_ts, text=text, link_names=link_names)
        except SlackApiError as exc:
            if escalation or respond is None:
                raise
            log.info(
                "chat.postMessage for need_human failed (%s); using response_url", exc.response.get("error")
            )
            check_webhook(respond(text=text, response_type="in_channel", replace_original=False))


def _context(raw: Any) -> dict[str, str]:
    try:
        data = json.loads(str(raw or "{}"))
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _user(body: dict[str, Any]) -> str:
    return str((body.get("user") or {}).get("id", ""))


def _channel(body: dict[str, Any]) -> str:
    return str((body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or "")


def _answer_thread(body: dict[str, Any], record: "AnswerRecord | None") -> str | None:
    """The thread to reply in: the answer's thread, else the answer message itself (not for ephemerals)."""
    container = body.get("container") or {}
    if record is not None and record.extra.get("thread_ts"):
        return str(record.extra["thread_ts"])
    if container.get("thread_ts"):
        return str(container["thread_ts"])
    if container.get("message_ts") and not container.get("is_ephemeral"):
        return str(container["message_ts"])
    return None
