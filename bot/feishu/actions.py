"""Card button callbacks (`card.action.trigger`): 👍 / 👎 feedback and "Need a human".

Callbacks are synchronous and never re-pushed; Feishu waits at most 3 s. Feedback is one database
write, answered with a toast and the updated card (buttons replaced by a thank-you). "Need a human"
answers with a toast at once; the message mentioning the on-call people is sent in the background.
Each person's feedback on an answer counts once; on-call is asked once per answer.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from bot import messages
from bot.feishu import cards
from bot.feishu.api import FeishuApi, send_uuid
from bot.logs import new_correlation_id
from bot.storage.db import StateStore

log = logging.getLogger(__name__)

Submit = Callable[..., Any]
FEEDBACK = {"feedback_up": 1, "feedback_down": -1}


def _at(open_id: str) -> str:
    return f'<at user_id="{open_id}"></at>'


def _plain(text: str) -> str:
    """User/KB text inside a text message: no way to smuggle `<at user_id="all">` in."""
    return text.replace("<", "＜").replace(">", "＞")


class CardActions:
    def __init__(
        self, api: FeishuApi, state: StateStore, submit: Submit, *, oncall_open_ids: list[str],
        escalation_chat_id: str = "",
    ) -> None:
        self.api = api
        self.state = state
        self.submit = submit
        self.oncall = oncall_open_ids
        self.escalation_chat_id = escalation_chat_id

    def handle(self, event: Any) -> dict[str, Any]:
        """Returns the callback response body: {"toast": ..., "card": {"type": "raw", "data": ...}}."""
        new_correlation_id()
        action = getattr(event, "action", None)
        value = getattr(action, "value", None) or {}
        if not isinstance(value, dict):
            return {}
        name = str(value.get("action") or "")
        answer_id = str(value.get("answer_id") or "")
        operator = str(getattr(getattr(event, "operator", None), "open_id", "") or "")
        context = getattr(event, "context", None)
        message_id = str(getattr(context, "open_message_id", "") or "")
        chat_id = str(getattr(context, "open_chat_id", "") or "")
        if not answer_id or name not in (*FEEDBACK, "need_human"):
            log.info("ignoring card action %r", name)
            return {}
        record = self.state.get_answer(answer_id)
        payload: dict[str, Any] = (record or {}).get("payload") or {}
        lang = str(payload.get("language") or messages.detect_language((record or {}).get("question", "")))
        if name in FEEDBACK:
            return self._feedback(name, answer_id, record, payload, operator, chat_id, message_id, lang)
        return self._need_human(answer_id, record, payload, operator, chat_id, message_id, lang)

    def _feedback(
        self, name: str, answer_id: str, record: dict[str, Any] | None, payload: dict[str, Any], operator: str,
        chat_id: str, message_id: str, lang: str,
    ) -> dict[str, Any]:
        if self.state.claim_event(f"feishu:feedback:{answer_id}:{operator}"):
            self.state.record_feedback(
                "feishu", operator, chat_id or (record or {}).get("channel_id", ""),
                (record or {}).get("question", ""), (record or {}).get("answer", ""), FEEDBACK[name],
                {"answer_id": answer_id, "message_id": message_id, "known_answer": record is not None},
            )
        else:
            log.info("repeated feedback on %s ignored", answer_id)
        response: dict[str, Any] = {"toast": cards.toast("feedback_thanks", lang)}
        card = payload.get("card")
        if isinstance(card, dict):
            response["card"] = {"type": "raw", "data": cards.with_feedback_done(card, lang)}
        return response

    def _need_human(
        self, answer_id: str, record: dict[str, Any] | None, payload: dict[str, Any], operator: str,
        chat_id: str, message_id: str, lang: str,
    ) -> dict[str, Any]:
        if not self.oncall:
            log.warning("'Need a human' clicked but FEISHU_ONCALL_OPEN_IDS is empty")
            return {"toast": cards.toast("feishu_no_oncall", lang)}
        if not self.state.claim_event(f"feishu:human:{answer_id}"):
            return {"toast": cards.toast("feishu_human_already", lang)}
        asker = str((record or {}).get("user_id") or operator)
        question = str((record or {}).get("question") or "")
        self.submit(
            self._post_human_request, answer_id, message_id, chat_id, asker, question, lang,
            str(payload.get("chat_type") or ""),
        )
        return {"toast": cards.toast("human_requested_ack", lang)}

    def _post_human_request(
        self, answer_id: str, message_id: str, chat_id: str, asker: str, question: str, lang: str, chat_type: str,
    ) -> None:
        """Background: mention the on-call people in the answer's thread (or the escalation chat for DMs)."""
        new_correlation_id()
        text = messages.text("feishu_human_requested", lang, oncall=" ".join(_at(o) for o in self.oncall),
                             user=_at(asker) if asker else "")
        if question:
            text += "\n" + _plain(question[:1000])
        content = {"text": text}
        uuid = send_uuid("h", answer_id)
        try:
            if chat_type == "p2p" and self.escalation_chat_id:
                # On-call people are not in the asker's DM with the bot: ask in the escalation group.
                self.api.send(self.escalation_chat_id, "chat_id", "text", content, uuid=uuid)
            elif message_id:
                self.api.reply(message_id, "text", content, uuid=uuid, in_thread=chat_type != "p2p",
                               chat_key=chat_id)
            elif chat_id:
                self.api.send(chat_id, "chat_id", "text", content, uuid=uuid)
        except Exception:
            log.exception("could not ask the on-call people for answer %s", answer_id)
