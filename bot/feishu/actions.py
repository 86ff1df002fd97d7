"""Card callbacks (`card.action.trigger`): answer buttons, any command's buttons, form submissions.

Callbacks are synchronous and never re-pushed; Feishu waits at most 3 s, and the response may carry a
toast (for the clicker) and a card that replaces the clicked one for everyone (answer cards are
`update_multi` shared cards).
- 👍 / 👎 on an answer: one vote per person per answer (a second click changes it), through the
  conversation service; the voter gets a toast and the shared card keeps its buttons and shows the
  counts (👍 n · 👎 m).
- "Need a human": a toast at once; the message mentioning the on-call people is sent in the
  background, once per answer.
- Any other button belongs to a registered command: an `ActionEvent` for `router.handle_action`. A
  reply with `visibility="channel"` replaces the card; another reply is a toast for the clicker (a
  longer one goes to their direct chat with the bot); a form is sent as a form card under the clicked
  message. A command slower than the budget gets a "working on it" toast and its reply is delivered
  afterwards (card patched, or sent).
- A form card's submit (`{"action": "form_submit", "command", "form_id", "context"}` plus the SDK's
  `action.form_value`) becomes a `FormSubmission` for `router.handle_form`; the result replaces the form
  card (an error is only a toast, so the form can be corrected).
"""

from __future__ import annotations

import contextvars
import logging
from concurrent.futures import Future, TimeoutError
from typing import TYPE_CHECKING, Any, Callable
from uuid import uuid4

from bot import messages
from bot.feishu import cards
from bot.feishu.api import FeishuApi, send_uuid
from bot.feishu.conversation import PLATFORM, RouterLike, record_if_answer, reply_card
from bot.logs import ensure_correlation_id
from bot.models import ActionEvent, FormSubmission, Reply

if TYPE_CHECKING:
    from bot.conversation import AnswerRecord, ConversationService

log = logging.getLogger(__name__)

Submit = Callable[..., "Future[Any]"]
FEEDBACK = {"feedback_up": 1, "feedback_down": -1}
ANSWER_ACTIONS = frozenset({*FEEDBACK, "need_human"})
FORM_SUBMIT = "form_submit"
ACTION_BUDGET_SECONDS = 2.0  # of Feishu's 3 s for the whole callback
MAX_TOAST_CHARS = 200


def _at(open_id: str) -> str:
    return f'<at user_id="{open_id}"></at>'


def _plain(text: str) -> str:
    """User/KB text inside a text message: no way to smuggle `<at user_id="all">` in."""
    return text.replace("<", "＜").replace(">", "＞")


def _str_dict(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _form_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return "" if value is None else str(value)


def _toast_text(reply: Reply) -> dict[str, Any]:
    text = " ".join(reply.text.split())
    clipped = text if len(text) <= MAX_TOAST_CHARS else text[: MAX_TOAST_CHARS - 1] + "…"
    return {"type": "error" if reply.kind == "error" else "info", "content": clipped}


def _fits_a_toast(reply: Reply) -> bool:
    return (len(reply.text) <= MAX_TOAST_CHARS and not reply.buttons and not reply.sections
            and not reply.citations and reply.report is None and reply.similar_case is None)


class CardActions:
    def __init__(
        self, api: FeishuApi, router: RouterLike, rules: "ConversationService", submit: Submit, *,
        oncall_open_ids: list[str], escalation_chat_id: str = "", default_language: str = "en",
        budget_seconds: float = ACTION_BUDGET_SECONDS,
    ) -> None:
        self.api = api
        self.router = router
        self.rules = rules
        self.submit = submit
        self.oncall = oncall_open_ids
        self.escalation_chat_id = escalation_chat_id
        self.default_language = default_language
        self.budget_seconds = budget_seconds

    def handle(self, event: Any) -> dict[str, Any]:
        """Returns the callback response body: {"toast": ..., "card": {"type": "raw", "data": ...}}."""
        ensure_correlation_id()  # the request's (webhook X-Request-Id); new on a long connection
        action = getattr(event, "action", None)
        value = getattr(action, "value", None) or {}
        if not isinstance(value, dict):
            return {}
        name = str(value.get("action") or "")
        operator = str(getattr(getattr(event, "operator", None), "open_id", "") or "")
        context = getattr(event, "context", None)
        message_id = str(getattr(context, "open_message_id", "") or "")
        chat_id = str(getattr(context, "open_chat_id", "") or "")
        if name == FORM_SUBMIT:
            return self._form(value, getattr(action, "form_value", None), operator, chat_id, message_id)
        target = str(value.get("value") or value.get("answer_id") or "")  # older cards: answer_id only
        if name in ANSWER_ACTIONS:
            if not target:
                return {}
            record = self.rules.get_answer(target)
            lang = record.reply.language if record is not None else self.default_language
            if name in FEEDBACK:
                return self._vote(name, target, record, operator, lang)
            return self._need_human(target, record, operator, chat_id, message_id, lang)
        payload = _str_dict(value.get("payload"))
        return self._command_action(ActionEvent(
            action_id=name, value=target, user_id=operator, channel_id=chat_id, platform=PLATFORM, payload=payload,
            message_id=message_id, language=payload.get("lang") or None,
        ))

    # --- answer buttons ---------------------------------------------------------------------------
    def _vote(self, name: str, answer_id: str, record: "AnswerRecord | None", operator: str, lang: str
              ) -> dict[str, Any]:
        result = self.rules.vote(answer_id, operator, PLATFORM, FEEDBACK[name])
        response: dict[str, Any] = {"toast": cards.toast("vote_changed" if result.changed else "feedback_thanks", lang)}
        if record is not None:  # the shared card keeps every button and shows the counts
            card = cards.with_vote_counts(reply_card(record.reply, answer_id), result.up, result.down, lang)
            response["card"] = {"type": "raw", "data": card}
        return response

    def _need_human(
        self, answer_id: str, record: "AnswerRecord | None", operator: str, chat_id: str, message_id: str, lang: str,
    ) -> dict[str, Any]:
        if not self.oncall:
            log.warning("'Need a human' clicked but FEISHU_ONCALL_OPEN_IDS is empty")
            return {"toast": cards.toast("feishu_no_oncall", lang)}
        if not self.rules.request_human(answer_id, operator, PLATFORM):
            return {"toast": cards.toast("human_already_requested", lang)}
        asker = (record.user_id if record is not None else "") or operator
        question = self.rules.question_for_escalation(record)  # personal data redacted
        chat_type = str(record.extra.get("chat_type") or "") if record is not None else ""
        self.submit(self._post_human_request, answer_id, message_id, chat_id, asker, question, lang, chat_type)
        return {"toast": cards.toast("human_requested_ack", lang)}

    def _post_human_request(
        self, answer_id: str, message_id: str, chat_id: str, asker: str, question: str, lang: str, chat_type: str,
    ) -> None:
        """Background: mention the on-call people in the answer's thread (or the escalation chat for DMs)."""
        ensure_correlation_id()  # the request's (webhook X-Request-Id); new on a long connection
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

    # --- command buttons and forms -------------------------------------------------------------------
    def _within_budget(self, work: Callable[[], Reply | None], late: Callable[[Reply | None], None], lang: str
                       ) -> tuple[bool, Reply | None, dict[str, Any]]:
        """Run `work` on the pool for at most the budget; past it, `late` delivers the reply afterwards."""
        future = self.submit(work)
        try:
            return True, future.result(timeout=self.budget_seconds), {}
        except TimeoutError:
            context = contextvars.copy_context()  # the late delivery logs with this request's id too
            future.add_done_callback(lambda f: context.run(self._run_late, f, late))
            return False, None, {"toast": cards.toast("feishu_working", lang)}

    def _run_late(self, future: "Future[Reply | None]", late: Callable[[Reply | None], None]) -> None:
        if future.cancelled() or future.exception() is not None:
            return
        self.submit(late, future.result())

    def _command_action(self, event: ActionEvent) -> dict[str, Any]:
        lang = event.language or self.default_language
        done, reply, pending = self._within_budget(
            lambda: self.router.handle_action(event), lambda r: self._deliver_late(event, r), lang)
        if not done:
            return pending
        if reply is None:
            log.info("ignoring card action %r", event.action_id)
            return {}
        if reply.form is not None:
            self.submit(self._send_form, event, reply)
            return {"toast": cards.toast("feishu_form_sent", reply.language)}
        if reply.visibility == "channel" and reply.kind != "error":
            return {"card": {"type": "raw", "data": self._card_for(reply, event.user_id, event.channel_id)}}
        if _fits_a_toast(reply):
            return {"toast": _toast_text(reply)}
        self.submit(self._send_private, event.user_id, event.channel_id, reply)
        return {"toast": cards.toast("sent_privately", reply.language)}

    def _deliver_late(self, event: ActionEvent, reply: Reply | None) -> None:
        """A slow command's reply to a click, after the callback was answered."""
        if reply is None:
            return
        try:
            if reply.form is not None:
                self._send_form(event, reply)
            elif reply.visibility == "channel" and reply.kind != "error" and event.message_id:
                self.api.patch_card(event.message_id, self._card_for(reply, event.user_id, event.channel_id))
            else:
                self._send_private(event.user_id, event.channel_id, reply)
        except Exception:
            log.exception("could not deliver the reply to a click on %r", event.action_id)

    def _form(self, value: dict[str, Any], form_value: Any, operator: str, chat_id: str, message_id: str
              ) -> dict[str, Any]:
        values = {str(k): _form_text(v) for k, v in form_value.items()} if isinstance(form_value, dict) else {}
        context = _str_dict(value.get("context"))
        sub = FormSubmission(
            command=str(value.get("command") or ""), form_id=str(value.get("form_id") or ""), values=values,
            user_id=operator, platform=PLATFORM, channel_id=chat_id, context=context,
            language=context.get("lang") or None,
        )
        lang = sub.language or self.default_language
        done, reply, pending = self._within_budget(
            lambda: self.router.handle_form(sub), lambda r: self._deliver_form_late(sub, message_id, r), lang)
        if not done or reply is None:
            return pending
        if reply.kind == "error":  # the form stays, so it can be corrected
            return {"toast": _toast_text(reply)}
        if reply.visibility == "private":
            self.submit(self._send_private, operator, chat_id, reply)
            note = cards.simple_card(messages.text("sent_privately", reply.language), reply.language)
            return {"toast": cards.toast("sent_privately", reply.language), "card": {"type": "raw", "data": note}}
        return {"card": {"type": "raw", "data": self._card_for(reply, operator, chat_id)}}

    def _deliver_form_late(self, sub: FormSubmission, message_id: str, reply: Reply | None) -> None:
        if reply is None:
            return
        try:
            if reply.visibility == "private" or reply.kind == "error" or not message_id:
                self._send_private(sub.user_id, sub.channel_id, reply)
            else:
                self.api.patch_card(message_id, self._card_for(reply, sub.user_id, sub.channel_id))
        except Exception:
            log.exception("could not deliver the reply to form %s:%s", sub.command, sub.form_id)

    # --- delivery helpers ---------------------------------------------------------------------------
    def _card_for(self, reply: Reply, user_id: str, chat_id: str) -> dict[str, Any]:
        answer_id = record_if_answer(self.rules, reply, user_id=user_id, channel_id=chat_id)
        return reply_card(reply, answer_id)

    def _send_form(self, event: ActionEvent, reply: Reply) -> None:
        """A form asked for by a click: a form card under the clicked message."""
        card = reply_card(reply)
        uuid = send_uuid("f", uuid4().hex)  # callbacks are never re-pushed: each click is new
        if event.message_id:
            self.api.reply(event.message_id, "interactive", card, uuid=uuid, chat_key=event.channel_id)
        else:
            self.api.send(event.user_id, "open_id", "interactive", card, uuid=uuid)

    def _send_private(self, user_id: str, chat_id: str, reply: Reply) -> None:
        """Only the clicker sees it: a message in their direct chat with the bot."""
        card = self._card_for(reply, user_id, chat_id)
        self.api.send(user_id, "open_id", "interactive", card, uuid=send_uuid("d", uuid4().hex))
