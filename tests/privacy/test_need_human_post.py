""""Need a human" posts the asker's question to the on-call people: on Slack and on Feishu the posted text
holds placeholders, not the customer's phone, email or name, and the deployment's REDACT_TYPES decide what
is redacted."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from bot.conversation import AnswerRecord, ConversationService
from bot.models import Reply
from bot.privacy import Redactor
from bot.storage.db import StateStore

PHONE, EMAIL = "13812345678", "li.na@example.com"
QUESTION = f"客户李娜说包裹没到，手机{PHONE}，邮箱{EMAIL}，怎么处理？"


@pytest.fixture()
def state(tmp_path: Path) -> Iterator[StateStore]:
    store = StateStore.open(f"sqlite:///{tmp_path / 'state.db'}")
    yield store
    store.db.close()


def _record(question: str = QUESTION) -> AnswerRecord:
    reply = Reply(text="I don't know.", kind="answer", language="zh", question=question)
    return AnswerRecord(answer_id="a" * 32, platform="test", user_id="U1", channel_id="C1", question=question,
                        reply=reply)


def _assert_redacted(text: str) -> None:
    for value in (PHONE, EMAIL, "李娜"):
        assert value not in text
    assert "[PHONE_1]" in text and "[EMAIL_1]" in text
    assert "包裹没到" in text  # the question itself still reaches the on-call people


class _SlackClient:
    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []

    def chat_postMessage(self, **kwargs: Any) -> dict[str, Any]:  # noqa: N802 (Slack SDK name)
        self.posts.append(kwargs)
        return {"ok": True}


def test_slack_need_human_posts_the_question_without_personal_data(settings: Any, state: StateStore) -> None:
    from bot.slack.actions import ActionHandlers

    settings.slack_escalation_channel = "C0ESCALATE"
    handlers = ActionHandlers(settings, router=None, conversation=ConversationService(state))  # type: ignore[arg-type]
    client = _SlackClient()
    body = {"user": {"id": "U0002USER"}, "channel": {"id": "C0003CHAN"}}
    handlers._need_human(body, client, None, _record(), "zh")  # type: ignore[arg-type]
    [post] = client.posts
    assert post["channel"] == "C0ESCALATE"
    _assert_redacted(post["text"])


class _FeishuApi:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, receive_id: str, id_type: str, msg_type: str, content: dict[str, Any], **_: Any) -> None:
        self.sent.append({"to": receive_id, **content})

    def reply(self, message_id: str, msg_type: str, content: dict[str, Any], **_: Any) -> None:
        self.sent.append({"to": message_id, **content})


def test_feishu_need_human_posts_the_question_without_personal_data(state: StateStore) -> None:
    from bot.feishu.actions import CardActions

    api = _FeishuApi()
    actions = CardActions(api, None, ConversationService(state), lambda fn, *a: fn(*a),  # type: ignore[arg-type]
                          oncall_open_ids=["ou_oncall"], escalation_chat_id="oc_escalate")
    actions._need_human("a" * 32, _record(), "ou_user", "oc_group", "om_card", "zh")
    [post] = api.sent
    assert post["to"] == "om_card"
    _assert_redacted(post["text"])


def test_the_deployment_redactor_decides_what_is_redacted(state: StateStore) -> None:
    phones_only = ConversationService(state, redact=Redactor("phone"))
    text = phones_only.question_for_escalation(_record())
    assert PHONE not in text and EMAIL in text  # REDACT_TYPES=phone leaves the email
    assert phones_only.question_for_escalation(None) == ""


def test_the_container_wires_its_redactor_into_the_conversation(tmp_path: Path) -> None:
    from bot.config import load_settings
    from bot.container import Container

    container = Container(load_settings(data_dir=tmp_path / "data", env_file=None, redact_types="email"))
    text = container.conversation().question_for_escalation(_record())
    assert EMAIL not in text and PHONE in text
