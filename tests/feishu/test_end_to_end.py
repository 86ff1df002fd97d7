"""End to end through the real answering core: the bundled knowledge/ behind the Feishu webhook.

Encrypted + signed events go over real HTTP to the ASGI routes, exactly as in test_webhook, but the
bot answers with `sample_container`'s real CommandRouter + AnswerService (the bundled knowledge/
ingested once into an embedded Chroma, session-scoped, read-only) and records answers in its real
SQLite StateStore. The recording mock Open API shows what the user sees: the processing card
replied to the message, then the final card PATCHed in its place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from bot import messages
from bot.conversation import ConversationService
from bot.feishu import cards
from bot.storage.db import StateStore

from .conftest import InjectedContainer, feishu_settings
from .helpers import BOT_OPEN_ID, USER_OPEN_ID, MockOpenApi, ServerThread, message_event, signed_request
from .test_webhook import _assert_valid_card, _buttons, _elements

BUTTON_ACTIONS = ["feedback_up", "feedback_down", "need_human"]  # under an "I don't know"
GROUNDED_ACTIONS = ["feedback_up", "feedback_down", "resolve_mark", "need_human"]  # under a cited answer


@dataclass
class RealFeishu:
    url: str
    bot: Any
    state: StateStore
    api: MockOpenApi
    rules: ConversationService

    def ask(self, event: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Post the event and wait for the answer: (processing card, final card)."""
        body, headers = signed_request(event)
        resp = httpx.post(self.url + "/feishu/events", content=body, headers=headers, timeout=10)
        assert resp.status_code == 200 and resp.json() == {"msg": "success"}
        assert self.bot.wait_idle(60), "the answer was not delivered"
        message_id = event["event"]["message"]["message_id"]
        [reply] = self.api.find("POST", "/reply")  # one message in the chat: the processing card...
        assert reply.path == f"/open-apis/im/v1/messages/{message_id}/reply"
        assert reply.body["msg_type"] == "interactive" and reply.body["uuid"] == f"cs-p-{message_id}"
        assert reply.body["reply_in_thread"] is False
        [patch] = self.api.find("PATCH")  # ...updated once with the answer (extractive: nothing streamed)
        assert patch.path.startswith("/open-apis/im/v1/messages/om_mock")
        processing, final = reply.content, patch.content
        _assert_valid_card(processing)
        _assert_valid_card(final)
        return processing, final


@pytest.fixture
def real_feishu(tmp_path: Path, mock_api: MockOpenApi, sample_container: Any) -> Iterator[RealFeishu]:
    """The Feishu routes as bot.server mounts them, around the sample container's router and state."""
    from starlette.applications import Starlette

    from bot.feishu.http import feishu_routes

    if sample_container.chat_model() is not None:  # the assertions below are about extractive answers
        pytest.skip("a chat model is configured for the sample container (LLM_* in the environment)")
    settings = feishu_settings(tmp_path, mock_api.url)  # a fresh app id: lark-oapi's token cache is global
    state = sample_container.state()
    app = Starlette(routes=feishu_routes(InjectedContainer(settings, sample_container.router(), state)))
    route = next(r for r in app.routes if getattr(r, "path", "") == "/feishu/events")
    bot = route.endpoint.__self__.bot  # type: ignore[attr-defined]
    server = ServerThread(app).start()
    try:
        assert bot.wait_idle(10)  # the bot-info prefetch
        assert bot.bot_open_id() == BOT_OPEN_ID
        mock_api.reset()
        yield RealFeishu(server.url, bot, state, mock_api, sample_container.conversation())
    finally:
        bot.close(5)
        server.stop()


def _answer_buttons(card: dict[str, Any], answer_id: str, actions: list[str] = GROUNDED_ACTIONS) -> list[str]:
    """The labels of the answer buttons, after checking each callback carries the answer id."""
    buttons = _buttons(card)
    assert [b["behaviors"][0] for b in buttons] == [
        {"type": "callback", "value": {"action": action, "value": answer_id, "payload": {}, "answer_id": answer_id}}
        for action in actions
    ]
    return [b["text"]["content"] for b in buttons]


def test_p2p_chinese_ask_is_answered_from_the_knowledge_base(real_feishu: RealFeishu) -> None:
    event = message_event("p2p", "/ask 退货运费谁出？")
    message_id = event["event"]["message"]["message_id"]
    processing, card = real_feishu.ask(event)

    assert processing["header"]["title"]["content"] == "回答"
    assert processing["body"]["elements"][0]["content"] == f"*{messages.text('thinking', 'zh')}*"

    elements = _elements(card)
    assert card["header"] == {"title": {"tag": "plain_text", "content": "回答"}, "template": "blue"}
    answer = elements["answer"]["content"]
    assert answer.startswith("根据知识库：") and "[1]" in answer
    assert "无理由退货由顾客承担运费" in answer  # the article's own summary sentence, cited [1]
    sources = elements["sources"]["content"]
    assert sources.startswith("**来源**\n1. [退货运费谁来出？](https://help.brightcart.example/zh/return-shipping-fee)\n")
    assert _answer_buttons(card, f"fs-{message_id}") == ["👍 有帮助", "👎 没帮助", "✅ 标记已解决", "转人工"]

    record = real_feishu.rules.get_answer(f"fs-{message_id}")
    assert record is not None
    assert record.platform == "feishu" and record.user_id == USER_OPEN_ID
    assert record.question == "退货运费谁出？"  # the command stripped
    assert record.reply.citations[0].doc_id.startswith("kb/zh/return-shipping-fee.md")
    assert record.reply.grounded is True and record.reply.language == "zh"
    assert cards.render_card(record.reply, record.answer_id) == card  # what a vote re-renders


def test_group_mention_about_an_order_cites_the_past_ticket(real_feishu: RealFeishu) -> None:
    event = message_event("group", "@_user_1 My order BC20261103-58217 is late, what happened?")
    message = event["event"]["message"]
    processing, card = real_feishu.ask(event)

    assert messages.text("thinking", "en") in processing["body"]["elements"][0]["content"]
    elements = _elements(card)
    assert card["header"] == {"title": {"tag": "plain_text", "content": "Answer"}, "template": "blue"}
    answer = elements["answer"]["content"]
    assert answer.startswith("A past resolved case matches this:\n") and "[1]" in answer
    assert "offered an exchange" in answer  # T-2026-0075's resolution
    sources = elements["sources"]["content"]
    assert sources.startswith("**Sources**\n1. **Left earbud died after two weeks** · resolutions/tickets.jsonl\n")
    assert _answer_buttons(card, f"fs-{message['message_id']}") == ["👍 Helpful", "👎 Not helpful", "✅ Mark resolved",
                                                                       "Need a human"]

    record = real_feishu.rules.get_answer(f"fs-{message['message_id']}")
    assert record is not None
    assert record.question == "My order BC20261103-58217 is late, what happened?"  # the @mention dropped
    assert record.channel_id == message["chat_id"] and record.extra["chat_type"] == "group"
    assert record.reply.citations[0].doc_id == "T-2026-0075"


def test_unrelated_question_says_the_knowledge_base_has_nothing(real_feishu: RealFeishu) -> None:
    event = message_event("p2p", "What is the capital of Australia?")
    message_id = event["event"]["message"]["message_id"]
    _, card = real_feishu.ask(event)

    elements = _elements(card)
    assert card["header"]["template"] == "orange"  # not grounded
    assert elements["answer"]["content"] == messages.text("no_answer", "en")
    assert "knowledge base" in elements["answer"]["content"]
    assert set(elements) == {"answer", "actions"}  # no sources, no similar case
    assert "](http" not in card["body"]["elements"][0]["content"] and "[1]" not in str(card)
    assert _answer_buttons(card, f"fs-{message_id}", BUTTON_ACTIONS)[-1] == "Need a human"  # a way out when nothing is found

    record = real_feishu.rules.get_answer(f"fs-{message_id}")
    assert record is not None and record.question == "What is the capital of Australia?"
    assert record.reply.grounded is False and record.reply.citations == []
