"""Messages and commands over the real HTTP server, with encrypted + signed events in Feishu's shapes."""

from __future__ import annotations

import re
import threading
import time

import pytest

from bot import messages
from bot.feishu import cards
from bot.feishu.cards import ELEMENT_ID, MAX_BUTTON_TEXT, MAX_ELEMENTS, card_size

from .conftest import Harness
from tests.slack.support import FakeClock

from .helpers import BOT_OPEN_ID, SAMPLE, USER_OPEN_ID, message_event, wait_for


def _elements(card: dict) -> dict[str, dict]:
    return {e["element_id"]: e for e in card["body"]["elements"]}


def _buttons(card: dict) -> list[dict]:
    actions = _elements(card)["actions"]
    return [col["elements"][0] for col in actions["columns"]]


def _assert_valid_card(card: dict) -> None:
    assert card["schema"] == "2.0"
    assert card["config"]["update_multi"] is True
    assert card_size(card) <= 30 * 1024
    ids: list[str] = []

    def walk(nodes: list) -> int:
        n = 0
        for node in nodes:
            n += 1
            if "element_id" in node:
                assert ELEMENT_ID.match(node["element_id"]), node["element_id"]
                ids.append(node["element_id"])
            if node.get("tag") == "button":
                assert len(node["text"]["content"]) <= MAX_BUTTON_TEXT
            n += walk(node.get("elements", [])) + walk(node.get("columns", []))
        return n

    assert walk(card["body"]["elements"]) <= MAX_ELEMENTS
    assert len(ids) == len(set(ids)), "element_id must be unique"


def test_p2p_question_processing_card_then_answer_card(feishu: Harness) -> None:
    event = message_event("p2p", "who pays return shipping?")
    message_id = event["event"]["message"]["message_id"]
    resp = feishu.post(event)
    assert resp.status_code == 200 and resp.json() == {"msg": "success"}
    feishu.settle()

    assert feishu.answerer.calls == [("who pays return shipping?", "en", ())]
    replies = feishu.api.find("POST", "/reply")
    assert [c.path for c in replies] == [f"/open-apis/im/v1/messages/{message_id}/reply"]
    reply = replies[0]
    assert reply.headers["Authorization"].startswith("Bearer t-")
    assert reply.body["msg_type"] == "interactive"
    assert reply.body["reply_in_thread"] is False
    assert reply.body["uuid"] == f"cs-p-{message_id}" and len(reply.body["uuid"]) <= 50
    processing = reply.content
    _assert_valid_card(processing)
    assert messages.text("thinking", "en") in processing["body"]["elements"][0]["content"]

    patches = feishu.api.find("PATCH")
    assert len(patches) == 1
    assert patches[0].path == "/open-apis/im/v1/messages/om_mock" + patches[0].path.split("om_mock")[1]
    card = patches[0].content
    _assert_valid_card(card)
    elements = _elements(card)
    assert card["header"]["title"]["content"] == "Answer"
    assert "unless the item is faulty [1]" in elements["answer"]["content"]
    sources = elements["sources"]["content"]
    assert sources.startswith("**Sources**")
    assert "1. [Returns policy](https://kb.example.com/returns)" in sources
    assert "2. **Faulty items**" in sources
    assert "Refund for a broken kettle" in elements["similar"]["content"]
    buttons = _buttons(card)
    answer_id = f"fs-{message_id}"
    assert [b["behaviors"][0]["value"] for b in buttons] == [
        {"action": action, "value": answer_id, "payload": {}, "answer_id": answer_id}
        for action in ("feedback_up", "feedback_down", "resolve_mark", "need_human")
    ]
    assert [b["text"]["content"] for b in buttons] == ["👍 Helpful", "👎 Not helpful", "✅ Mark resolved", "Need a human"]
    assert all(b["behaviors"][0]["type"] == "callback" for b in buttons)
    assert all("name" not in b for b in buttons)

    record = feishu.rules.get_answer(answer_id)
    assert record is not None and record.question == "who pays return shipping?"
    assert record.platform == "feishu" and record.user_id == USER_OPEN_ID
    assert record.extra["chat_type"] == "p2p" and record.extra["private"] is False
    assert cards.render_card(record.reply, answer_id) == card  # a vote can re-render the shared card


def test_chinese_question_gets_chinese_card(feishu: Harness) -> None:
    feishu.post(message_event("p2p", "退货运费由谁承担？"))
    feishu.settle()
    assert feishu.answerer.calls[0][1] == "zh"
    processing = feishu.api.find("POST", "/reply")[0].content
    assert "正在查找" in processing["body"]["elements"][0]["content"]
    card = feishu.api.find("PATCH")[0].content
    assert card["header"]["title"]["content"] == "回答"
    assert _elements(card)["sources"]["content"].startswith("**来源**")
    assert [b["text"]["content"] for b in _buttons(card)] == ["👍 有帮助", "👎 没帮助", "✅ 标记已解决", "转人工"]


def test_group_mention_with_ask_command(feishu: Harness) -> None:
    event = message_event("group")  # "@_user_1 /ask what is the status of build 512?", mentions the bot
    message_id = event["event"]["message"]["message_id"]
    assert feishu.post(event).status_code == 200
    feishu.settle()
    assert feishu.answerer.calls == [("what is the status of build 512?", "en", ())]
    reply = feishu.api.find("POST", "/reply")[0]
    assert reply.path == f"/open-apis/im/v1/messages/{message_id}/reply"
    assert reply.body["reply_in_thread"] is False  # the question was not in a thread
    assert len(feishu.api.find("PATCH")) == 1
    record = feishu.rules.get_answer(f"fs-{message_id}")
    assert record is not None and record.channel_id == event["event"]["message"]["chat_id"]
    assert record.user_id == USER_OPEN_ID and record.extra["chat_type"] == "group"


def test_follow_up_in_thread_gets_context_and_replies_in_thread(feishu: Harness) -> None:
    first = message_event("group")
    root_id = first["event"]["message"]["message_id"]
    feishu.post(first)
    feishu.settle()
    follow = message_event("thread")  # "@_user_1 and build 513?" in the thread of `first`
    follow["event"]["message"]["root_id"] = root_id
    follow["event"]["message"]["parent_id"] = root_id
    feishu.post(follow)
    feishu.settle()
    assert feishu.answerer.calls[1] == ("and build 513?", "en", ("what is the status of build 512?",))
    replies = feishu.api.find("POST", "/reply")
    assert replies[-1].path == f"/open-apis/im/v1/messages/{follow['event']['message']['message_id']}/reply"
    assert replies[-1].body["reply_in_thread"] is True


def test_p2p_quote_reply_is_a_follow_up(feishu: Harness) -> None:
    first = message_event("p2p", "who pays return shipping?")
    feishu.post(first)
    feishu.settle()
    follow = message_event("p2p", "and for faulty items?")
    follow["event"]["message"]["root_id"] = first["event"]["message"]["message_id"]
    feishu.post(follow)
    feishu.settle()
    assert feishu.answerer.calls[1][2] == ("who pays return shipping?",)


def test_group_message_without_mention_is_ignored(feishu: Harness) -> None:
    event = message_event("group", "/ask what is the status of build 512?", mentions=[])
    assert feishu.post(event).status_code == 200
    feishu.settle()
    assert feishu.answerer.calls == []
    assert feishu.api.message_calls() == []


def test_group_message_mentioning_someone_else_is_ignored(feishu: Harness) -> None:
    other = {"key": "@_user_1", "id": {"union_id": "on_x", "user_id": "", "open_id": "ou_someone_else"},
             "name": "Alice", "tenant_key": "2ca1d211f64f6438"}
    event = message_event("group", "@_user_1 can you check build 512?", mentions=[other])
    assert feishu.post(event).status_code == 200
    feishu.settle()
    assert feishu.answerer.calls == []
    assert feishu.api.message_calls() == []


def test_other_mentions_are_kept_as_names(feishu: Harness) -> None:
    bot = {"key": "@_user_1", "id": {"open_id": BOT_OPEN_ID}, "name": "cs-copilot"}
    alice = {"key": "@_user_2", "id": {"open_id": "ou_alice"}, "name": "Alice"}
    feishu.post(message_event("group", "@_user_1  what did @_user_2 promise the customer?", mentions=[bot, alice]))
    feishu.settle()
    assert feishu.answerer.calls[0][0] == "what did @Alice promise the customer?"


def test_post_rich_text_message_is_read(feishu: Harness) -> None:
    content = {"title": "", "content": [[{"tag": "text", "text": "how do I "}, {"tag": "text", "text": "reset"},
                                         {"tag": "text", "text": " a password?"}]]}
    feishu.post(message_event("p2p", message_type="post", content=content))
    feishu.settle()
    assert feishu.answerer.calls[0][0] == "how do I reset a password?"


def test_image_in_p2p_gets_text_only_hint(feishu: Harness) -> None:
    feishu.post(message_event("p2p", message_type="image", content={"image_key": "img_v2_abc"}))
    feishu.settle()
    assert feishu.answerer.calls == []
    replies = feishu.api.find("POST", "/reply")
    assert len(replies) == 1
    assert "only read text" in replies[0].content["body"]["elements"][0]["content"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/frobnicate", "I don't know the command `/frobnicate`"),
        ("", "Please type a question"),
    ],
)
def test_quick_replies_in_group_mentions(feishu: Harness, text: str, expected: str) -> None:
    event = message_event("group", f"@_user_1 {text}")
    assert feishu.post(event).status_code == 200
    feishu.settle()
    assert feishu.answerer.calls == []
    calls = feishu.api.message_calls()
    assert [c.method for c in calls] == ["POST"], "a quick reply: no processing card, no patch"
    card = calls[0].content
    _assert_valid_card(card)
    body = card["body"]["elements"][0]["content"]
    assert expected in body
    assert "actions" not in _elements(card)
    assert calls[0].body["uuid"] == f"cs-r-{event['event']['message']['message_id']}"


@pytest.mark.parametrize(("text", "expected"), [("/ask", "Please type a question"), ("提问", "请输入问题")])
def test_ask_without_text_gets_its_prompt_at_once_without_a_card(feishu: Harness, text: str, expected: str) -> None:
    feishu.post(message_event("group", f"@_user_1 {text}"))  # 提问: a Chinese alias as the first word
    feishu.settle()
    assert feishu.answerer.calls == []
    [reply] = feishu.api.find("POST", "/reply")  # /ask needs text: no "Looking that up" card to patch
    assert feishu.api.find("PATCH") == []
    assert "正在查找" not in str(reply.content) and messages.text("thinking", "en") not in str(reply.content)
    assert expected in reply.content["body"]["elements"][0]["content"]


@pytest.mark.parametrize(("text", "expected"), [("/help", "helps you answer customers faster"),
                                                ("/cs-help", "helps you answer customers faster"),
                                                ("帮助", "帮你更快地回复客户")])
def test_a_private_command_in_a_group_answers_in_the_direct_chat(feishu: Harness, text: str, expected: str) -> None:
    event = message_event("group", f"@_user_1 {text}")  # /help is only for the asker (its registry default)
    message_id = event["event"]["message"]["message_id"]
    feishu.post(event)
    feishu.settle()
    send, note = feishu.api.message_calls()
    assert send.path == "/open-apis/im/v1/messages" and send.query == {"receive_id_type": "open_id"}
    assert send.body["receive_id"] == USER_OPEN_ID and send.body["uuid"] == f"cs-d-{message_id}"
    _assert_valid_card(send.content)
    assert expected in send.content["body"]["elements"][0]["content"]
    assert note.path == f"/open-apis/im/v1/messages/{message_id}/reply"  # the group sees a short note
    lang = "zh" if text == "帮助" else "en"
    assert note.content["body"]["elements"][0]["content"] == messages.text("sent_privately", lang)


def test_a_private_question_in_a_group_is_answered_in_the_direct_chat(feishu: Harness) -> None:
    event = message_event("group", "@_user_1 /ask who pays return shipping? --private")
    message_id = event["event"]["message"]["message_id"]
    feishu.post(event)
    feishu.settle()
    processing, send = feishu.api.find("POST")
    assert processing.body["uuid"] == f"cs-p-{message_id}"  # /ask is slow: the processing card first
    assert send.body["receive_id"] == USER_OPEN_ID and send.query == {"receive_id_type": "open_id"}
    answer = send.content
    assert "actions" in _elements(answer) and "sources" in _elements(answer)  # the answer, with its buttons
    [patch] = feishu.api.find("PATCH")  # the processing card in the group becomes the note
    assert patch.content["body"]["elements"][0]["content"] == messages.text("sent_privately", "en")
    record = feishu.rules.get_answer(f"fs-{message_id}")
    assert record is not None and record.extra["private"] is True
    assert feishu.answerer.calls == [("who pays return shipping?", "en", ())]


def test_help_card_uses_feishu_markdown(feishu: Harness) -> None:
    feishu.post(message_event("p2p", "/help"))
    feishu.settle()
    body = feishu.api.find("POST", "/reply")[0].content["body"]["elements"][0]["content"]
    assert body.startswith("**cs-copilot**")


def test_sample_encrypted_request_verbatim(feishu: Harness) -> None:
    """The documented sample (fixed IV, fixed signature) is accepted and answered: p2p "/help"."""
    resp = feishu.post_raw(SAMPLE["raw_body"].encode(), SAMPLE["headers"])
    assert resp.status_code == 200
    feishu.settle()
    [call] = feishu.api.message_calls()
    assert call.path == f"/open-apis/im/v1/messages/{SAMPLE['decrypted']['event']['message']['message_id']}/reply"


def test_redelivery_is_answered_once(feishu: Harness) -> None:
    event = message_event("p2p", "who pays return shipping?")
    assert feishu.post(event).status_code == 200
    retry = dict(event, header=dict(event["header"], event_id="another-event-id"))  # Feishu's retry
    assert feishu.post(retry).status_code == 200
    assert feishu.post(event).status_code == 200
    feishu.settle()
    assert len(feishu.answerer.calls) == 1
    assert len(feishu.api.find("POST", "/reply")) == 1
    assert len(feishu.api.find("PATCH")) == 1


def test_ack_is_immediate_while_answer_is_slow(feishu: Harness) -> None:
    feishu.answerer.gate = threading.Event()
    started = time.monotonic()
    resp = feishu.post(message_event("p2p", "who pays return shipping?"))
    elapsed = time.monotonic() - started
    try:
        assert resp.status_code == 200
        assert elapsed < 3.0
        assert wait_for(lambda: len(feishu.answerer.calls) == 1)
        assert feishu.api.find("PATCH") == []  # still answering
    finally:
        feishu.answerer.gate.set()
    feishu.settle()
    assert len(feishu.api.find("PATCH")) == 1


def test_answerer_failure_becomes_a_friendly_card(feishu: Harness) -> None:
    feishu.answerer.error = RuntimeError("kaboom: secret internals")
    assert feishu.post(message_event("p2p", "who pays return shipping?")).status_code == 200
    feishu.settle()
    [patch] = feishu.api.find("PATCH")
    card = patch.content
    text = card["body"]["elements"][0]["content"]
    assert text.startswith("Sorry, something went wrong on my side (ref ")
    assert re.search(r"ref [0-9a-f]{12}\)", text)
    assert card["header"]["template"] == "red"
    dumped = patch.body["content"]
    assert "kaboom" not in dumped and "Traceback" not in dumped and "RuntimeError" not in dumped


def test_adapter_failure_becomes_a_friendly_card(feishu: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(cards, "render_card", broken)
    feishu.post(message_event("p2p", "who pays return shipping?"))
    feishu.settle()
    [patch] = feishu.api.find("PATCH")
    assert "Sorry, something went wrong" in patch.content["body"]["elements"][0]["content"]
    assert "disk on fire" not in patch.body["content"]


def test_database_failure_still_shows_the_answer_without_buttons(
    feishu: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(feishu.state, "record_answer", broken)
    feishu.post(message_event("p2p", "who pays return shipping?"))
    feishu.settle()
    [patch] = feishu.api.find("PATCH")
    elements = _elements(patch.content)
    assert "unless the item is faulty" in elements["answer"]["content"] and "sources" in elements
    assert "actions" not in elements  # nothing to vote on without a record


def test_processing_card_failure_still_tells_nobody_raw_errors(feishu: Harness) -> None:
    feishu.api.fail("POST", "/reply", 400, {"code": 230002, "msg": "bot not in chat"}, times=5)
    assert feishu.post(message_event("p2p", "who pays return shipping?")).status_code == 200
    feishu.settle()
    assert feishu.answerer.calls == []  # nothing could be sent, so nothing was computed
    assert all(c.method == "POST" for c in feishu.api.message_calls())


def test_final_patch_failure_falls_back_to_a_new_reply(feishu: Harness) -> None:
    feishu.api.fail("PATCH", "/open-apis/im/v1/messages/", 400, {"code": 230001, "msg": "message deleted"})
    event = message_event("p2p", "who pays return shipping?")
    feishu.post(event)
    feishu.settle()
    replies = feishu.api.find("POST", "/reply")
    message_id = event["event"]["message"]["message_id"]
    assert [r.body["uuid"] for r in replies] == [f"cs-p-{message_id}", f"cs-r-{message_id}"]
    assert "actions" in _elements(replies[1].content)


def test_rate_limited_reply_is_retried(feishu: Harness) -> None:
    feishu.api.fail("POST", "/reply", 429, {"code": 99991400, "msg": "request trigger frequency limit"},
                    headers={"x-ogw-ratelimit-reset": "0"})
    event = message_event("p2p", "/help")
    feishu.post(event)
    feishu.settle()
    replies = feishu.api.find("POST", "/reply")
    assert len(replies) == 2 and replies[0].body["uuid"] == replies[1].body["uuid"]


def test_streaming_partials_update_the_card_then_final(make_feishu) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    h = make_feishu(clock=clock)
    h.bot.conversation.stream_interval = 0.5
    h.answerer.partials = ["Customers", "Customers pay", "Customers pay return", "Customers pay return shipping"]
    h.answerer.clock, h.answerer.partial_step = clock, 0.25  # partials at 0, 0.25, 0.5, 0.75 s (fake time)
    h.post(message_event("p2p", "who pays return shipping?"))
    h.settle()
    patches = h.api.find("PATCH")
    # due: the partial at 0.5 s (0.5 s after the processing card); the one at 0.75 s is too early
    assert [_elements(p.content)["answer"]["content"] for p in patches[:-1]] == ["Customers pay return"]
    assert "actions" not in _elements(patches[0].content)
    final = patches[-1].content
    assert "actions" in _elements(final) and "sources" in _elements(final)
    assert clock.slept == []  # the final patch came 0.5 s after the partial one: no wait needed


def test_menu_event_sends_card_to_operator(feishu: Harness) -> None:
    from .helpers import menu_event

    event = menu_event("help")
    assert feishu.post(event).status_code == 200
    assert feishu.post(event).status_code == 200  # redelivered: sent once
    feishu.settle()
    [send] = feishu.api.find("POST", "/open-apis/im/v1/messages")
    assert send.query == {"receive_id_type": "open_id"}
    assert send.body["receive_id"] == event["event"]["operator"]["operator_id"]["open_id"]
    assert send.body["msg_type"] == "interactive"
    assert send.body["uuid"] == f"cs-m-{event['header']['event_id']}"
    assert "helps you answer customers faster" in send.content["body"]["elements"][0]["content"]


@pytest.mark.parametrize(("key", "expected"), [("ask", "Please type a question"),
                                               ("cs_help", "helps you answer customers faster"),
                                               ("帮助", "helps you answer customers faster"),  # a zh alias
                                               ("ask_status", "helps you answer customers faster")])
def test_menu_keys_map_to_commands(feishu: Harness, key: str, expected: str) -> None:
    from .helpers import menu_event

    feishu.post(menu_event(key))
    feishu.settle()
    [send] = feishu.api.find("POST", "/open-apis/im/v1/messages")
    final = (feishu.api.find("PATCH") or [send])[-1]  # a slow command's card is patched with its result
    assert expected in final.content["body"]["elements"][0]["content"]
