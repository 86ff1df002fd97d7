"""Card button callbacks (card.action.trigger) posted to /feishu/card: feedback and "Need a human"."""

from __future__ import annotations

import time
from typing import Any

from bot import messages
from bot.feishu import cards

from .conftest import Harness
from .helpers import ONCALL, USER_OPEN_ID, card_action_event, message_event


def _buttons_of(card: dict) -> list[dict]:
    actions = next(e for e in card["body"]["elements"] if e["element_id"] == "actions")
    return [col["elements"][0] for col in actions["columns"]]


def _ask(h: Harness, kind: str = "p2p", text: str = "who pays return shipping?") -> tuple[str, str, str, dict]:
    """Ask a question; returns (answer_id, card message id, chat id, answer card)."""
    event = message_event(kind, text if kind == "p2p" else f"@_user_1 {text}")
    h.post(event)
    h.settle()
    [patch] = h.api.find("PATCH")
    card_message_id = patch.path.rsplit("/", 1)[1]
    message = event["event"]["message"]
    h.api.reset()
    return f"fs-{message['message_id']}", card_message_id, message["chat_id"], patch.content


def _click(h: Harness, action: str, answer_id: str, message_id: str, chat_id: str,
           operator: str = USER_OPEN_ID) -> Any:
    started = time.monotonic()
    resp = h.post(card_action_event(action, answer_id, message_id=message_id, chat_id=chat_id, operator=operator),
                  path="/feishu/card")
    assert time.monotonic() - started < 3.0
    assert resp.status_code == 200
    return resp.json()


def _names(card: dict) -> list[str]:
    actions = next(e for e in card["body"]["elements"] if e["element_id"] == "actions")
    return [cards.button_action(col["elements"][0]) for col in actions["columns"]]


def _votes_line(card: dict) -> str:
    return next(e["content"] for e in card["body"]["elements"] if e["element_id"] == cards.VOTES_ID)


def test_thumbs_up_counts_the_vote_and_shows_the_counts_to_everyone(feishu: Harness) -> None:
    answer_id, card_id, chat_id, card = _ask(feishu)
    body = _click(feishu, "feedback_up", answer_id, card_id, chat_id)
    assert body["toast"]["content"] == "Thanks for the feedback!"
    assert body["toast"]["i18n"] == {"zh_cn": "感谢反馈！", "en_us": "Thanks for the feedback!"}
    assert body["card"]["type"] == "raw"
    updated = body["card"]["data"]
    assert updated["schema"] == "2.0" and updated["config"]["update_multi"] is True
    # the shared card keeps every button (colleagues can still vote) and shows the counts
    assert _names(updated) == ["feedback_up", "feedback_down", "resolve_mark", "need_human"]
    assert _votes_line(updated) == messages.text("vote_counts", "en", up=1, down=0)
    assert [e for e in updated["body"]["elements"] if e["element_id"] != cards.VOTES_ID] == card["body"]["elements"]
    assert feishu.state.vote_counts(answer_id) == (1, 0)
    feishu.settle()
    assert feishu.api.message_calls() == []  # the update travels in the callback response


def test_thumbs_down_in_chinese(feishu: Harness) -> None:
    answer_id, card_id, chat_id, _ = _ask(feishu, text="退货运费由谁承担？")
    body = _click(feishu, "feedback_down", answer_id, card_id, chat_id)
    assert body["toast"]["content"] == "感谢反馈！"
    assert _votes_line(body["card"]["data"]) == messages.text("vote_counts", "zh", up=0, down=1)
    assert feishu.state.vote_counts(answer_id) == (0, 1)


def test_one_vote_per_person_which_a_second_click_changes(feishu: Harness) -> None:
    answer_id, card_id, chat_id, _ = _ask(feishu, kind="group")
    _click(feishu, "feedback_up", answer_id, card_id, chat_id)
    again = _click(feishu, "feedback_up", answer_id, card_id, chat_id)  # the same vote: still one
    assert _votes_line(again["card"]["data"]) == messages.text("vote_counts", "en", up=1, down=0)
    colleague = _click(feishu, "feedback_down", answer_id, card_id, chat_id, operator="ou_colleague")
    assert _votes_line(colleague["card"]["data"]) == messages.text("vote_counts", "en", up=1, down=1)
    changed = _click(feishu, "feedback_down", answer_id, card_id, chat_id)  # I change my mind
    assert changed["toast"]["content"] == messages.text("vote_changed", "en")
    assert _votes_line(changed["card"]["data"]) == messages.text("vote_counts", "en", up=0, down=2)
    assert feishu.state.vote_counts(answer_id) == (0, 2)


def test_new_style_button_values_are_understood(feishu: Harness) -> None:
    answer_id, card_id, chat_id, card = _ask(feishu)
    button = next(b for b in _buttons_of(card) if cards.button_action(b) == "feedback_down")
    value = button["behaviors"][0]["value"]  # {"action", "value", "payload", "answer_id"}
    event = card_action_event("feedback_down", "", message_id=card_id, chat_id=chat_id, value=value)
    body = feishu.post(event, path="/feishu/card").json()
    assert _votes_line(body["card"]["data"]) == messages.text("vote_counts", "en", up=0, down=1)


def test_need_human_in_group_mentions_oncall_in_thread(feishu: Harness) -> None:
    answer_id, card_id, chat_id, _ = _ask(feishu, kind="group")
    body = _click(feishu, "need_human", answer_id, card_id, chat_id)
    assert body["toast"]["content"] == "I've asked the on-call team to help."
    assert "card" not in body
    feishu.settle()
    [post] = feishu.api.message_calls()
    assert post.path == f"/open-apis/im/v1/messages/{card_id}/reply"
    assert post.body["msg_type"] == "text" and post.body["reply_in_thread"] is True
    assert post.body["uuid"] == f"cs-h-{answer_id}"
    text = post.content["text"]
    for open_id in ONCALL:
        assert f'<at user_id="{open_id}"></at>' in text
    assert f'<at user_id="{USER_OPEN_ID}"></at>' in text
    assert text.endswith(":\nwho pays return shipping?")

    again = _click(feishu, "need_human", answer_id, card_id, chat_id, operator="ou_colleague")
    assert again["toast"]["content"] == messages.text("human_already_requested", "en")
    feishu.settle()
    assert len(feishu.api.message_calls()) == 1


def test_need_human_from_dm_goes_to_escalation_chat(feishu: Harness) -> None:
    answer_id, card_id, chat_id, _ = _ask(feishu, kind="p2p", text="can I get a refund <at user_id=\"all\"></at>?")
    _click(feishu, "need_human", answer_id, card_id, chat_id)
    feishu.settle()
    [send] = feishu.api.message_calls()
    assert send.path == "/open-apis/im/v1/messages" and send.query == {"receive_id_type": "chat_id"}
    assert send.body["receive_id"] == feishu.settings.feishu_escalation_chat_id
    text = send.content["text"]
    assert '<at user_id="all">' not in text  # the asker's text cannot mention everyone
    assert "can I get a refund" in text


def test_need_human_without_oncall_configured(make_feishu) -> None:  # type: ignore[no-untyped-def]
    h = make_feishu(feishu_oncall_open_ids="")
    answer_id, card_id, chat_id, _ = _ask(h, kind="group")
    body = _click(h, "need_human", answer_id, card_id, chat_id)
    assert "FEISHU_ONCALL_OPEN_IDS" in body["toast"]["content"]
    h.settle()
    assert h.api.message_calls() == []


def test_unknown_action_and_unknown_answer(feishu: Harness) -> None:
    assert _click(feishu, "approve", "fs-om_x", "om_x", "oc_x") == {}  # no registered command owns it
    body = _click(feishu, "feedback_up", "fs-om_unknown", "om_x", "oc_x")
    assert body["toast"]["content"] == "Thanks for the feedback!" and "card" not in body  # nothing to re-render
    assert feishu.state.vote_counts("fs-om_unknown") == (1, 0)


def test_card_action_failure_is_a_friendly_toast(feishu: Harness, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*args: object) -> None:
        raise RuntimeError("db exploded")

    monkeypatch.setattr(feishu.state, "get_answer", broken)
    body = _click(feishu, "feedback_up", "fs-om_x", "om_x", "oc_x")
    assert body["toast"]["content"].startswith("Sorry, something went wrong")
    assert "exploded" not in str(body)


def test_sample_card_action_shape_is_accepted(feishu: Harness) -> None:
    """The documented sample (value {"action": "approve", ...}) is acknowledged with an empty body."""
    from .helpers import fixture

    event = fixture("card_action_trigger.json")
    event["header"]["token"] = feishu.settings.feishu_verification_token.get_secret_value()
    resp = feishu.post(event, path="/feishu/card")
    assert resp.status_code == 200 and resp.json() == {}
