"""The buttons under an answer: 👍 / 👎 feedback, share to channel, need a human."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import messages
from bot.config import Settings
from bot.logs import new_correlation_id
from bot.slack.blocks import escape, fallback_text, render_reply, reply_from_payload
from bot.slack.common import PLATFORM, check_webhook, oncall_mention, report_failure
from bot.storage.db import StateStore

log = logging.getLogger("bot.slack")

ACTION_IDS = ("feedback_up", "feedback_down", "share", "need_human")


class ActionHandlers:
    def __init__(self, settings: Settings, state: StateStore) -> None:
        self.settings = settings
        self.state = state

    def ack_action(self, ack: Ack) -> None:
        ack()

    def on_action(
        self, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        new_correlation_id()
        lang = "en"

        def notify(text: str) -> None:
            check_webhook(respond(text=text, response_type="ephemeral", replace_original=False))

        try:
            answer_id = str(action.get("value") or "")
            record = self.state.get_answer(answer_id) if answer_id else None
            payload: dict[str, Any] = (record or {}).get("payload") or {}
            lang = str((payload.get("reply") or {}).get("language") or "en")
            action_id = action.get("action_id")
            if action_id in ("feedback_up", "feedback_down"):
                self._feedback(body, action, answer_id, record, 1 if action_id == "feedback_up" else -1)
                notify(messages.text("feedback_thanks", lang))
            elif action_id == "share":
                if record is None or not payload.get("reply"):
                    notify(messages.text("slack_answer_unavailable", lang))
                    return
                self._share(body, client, respond, answer_id, payload, lang)
                notify(messages.text("slack_shared_ack", lang))
            elif action_id == "need_human":
                self._need_human(body, client, respond, record, payload, lang)
                notify(messages.text("human_requested_ack", lang))
        except Exception as exc:
            report_failure(exc, lang, notify)

    # --- feedback ----------------------------------------------------------------------------------

    def _feedback(
        self,
        body: dict[str, Any],
        action: dict[str, Any],
        answer_id: str,
        record: dict[str, Any] | None,
        rating: int,
    ) -> None:
        container = body.get("container") or {}
        self.state.record_feedback(
            PLATFORM,
            _user(body),
            _channel(body),
            (record or {}).get("question", ""),
            (record or {}).get("answer", ""),
            rating,
            extra={
                "answer_id": answer_id,
                "known_answer": record is not None,
                "asker": (record or {}).get("user_id", ""),
                "message_ts": container.get("message_ts", ""),
                "action_ts": action.get("action_ts", ""),
            },
        )

    # --- share -------------------------------------------------------------------------------------

    def _share(
        self,
        body: dict[str, Any],
        client: WebClient,
        respond: Respond,
        answer_id: str,
        payload: dict[str, Any],
        lang: str,
    ) -> None:
        """Post a privately received answer publicly, with the same blocks minus the share button."""
        reply = reply_from_payload(payload["reply"])
        header = messages.text("slack_shared_by", lang, user=_user(body))
        blocks = render_reply(reply, answer_id, shareable=False, header=header)
        text = fallback_text(reply)
        try:
            client.chat_postMessage(channel=_channel(body), text=text, blocks=blocks)
        except SlackApiError as exc:  # e.g. not_in_channel: the response_url can still post there
            log.info("chat.postMessage for share failed (%s); using response_url", exc.response.get("error"))
            check_webhook(
                respond(text=text, blocks=blocks, response_type="in_channel", replace_original=False)
            )

    # --- need a human ------------------------------------------------------------------------------------

    def _need_human(
        self,
        body: dict[str, Any],
        client: WebClient,
        respond: Respond,
        record: dict[str, Any] | None,
        payload: dict[str, Any],
        lang: str,
    ) -> None:
        """Tag the on-call group with the question: in the escalation channel if configured,
        otherwise in the answer's thread (or channel)."""
        channel = _channel(body)
        oncall = oncall_mention(self.settings.slack_oncall_group)
        question = (record or {}).get("question", "") or "-"
        text = messages.text(
            "slack_human_requested",
            lang,
            oncall=oncall,
            asker=f"<@{_user(body)}>",
            question=escape(question).replace("\n", "\n>"),
        ).strip()
        escalation = self.settings.slack_escalation_channel.strip()
        if escalation:
            text += "\n" + messages.text("slack_human_requested_from", lang, channel=channel)
            target, thread_ts = escalation, None
        else:
            target, thread_ts = channel, _answer_thread(body, payload)
        link_names = bool(oncall) and not oncall.startswith("<")  # let Slack resolve "@cs-oncall"
        try:
            client.chat_postMessage(channel=target, thread_ts=thread_ts, text=text, link_names=link_names)
        except SlackApiError as exc:
            if escalation:
                raise
            log.info(
                "chat.postMessage for need_human failed (%s); using response_url", exc.response.get("error")
            )
            check_webhook(respond(text=text, response_type="in_channel", replace_original=False))


def _user(body: dict[str, Any]) -> str:
    return str((body.get("user") or {}).get("id", ""))


def _channel(body: dict[str, Any]) -> str:
    return str((body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or "")


def _answer_thread(body: dict[str, Any], payload: dict[str, Any]) -> str | None:
    """The thread to reply in: the answer's thread, else the answer message itself (not for ephemerals)."""
    container = body.get("container") or {}
    if payload.get("thread_ts"):
        return str(payload["thread_ts"])
    if container.get("thread_ts"):
        return str(container["thread_ts"])
    if container.get("message_ts") and not container.get("is_ephemeral"):
        return str(container["message_ts"])
    return None
