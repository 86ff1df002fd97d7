"""Any registered command's buttons and form cards, through the real lark-oapi dispatcher (encrypted,
signed callbacks to /feishu/card) and the real router, with the test commands of
tests/slack/fake_commands.py registered next to the real ones."""

from __future__ import annotations

from typing import Any, Callable

from bot import messages
from bot.feishu import cards
from tests.slack.fake_commands import SLOW_GATE

from .conftest import Harness
from .helpers import USER_OPEN_ID, card_action_event, message_event, wait_for

CHAT = "oc_5ce6d572455d361153b7xx51da133945"  # the group of the group sample


def _buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(nodes: list[Any]) -> None:
        for node in nodes:
            if isinstance(node, dict):
                if node.get("tag") == "button":
                    found.append(node)
                walk(node.get("elements", []) + node.get("columns", []))

    walk(card["body"]["elements"])
    return found


def _post_buttons(h: Harness) -> tuple[str, dict[str, Any]]:
    """`@bot /survey buttons` in a group: (the card's message id, the card)."""
    h.post(message_event("group", "@_user_1 /survey buttons"))
    h.settle()
    [reply] = h.api.find("POST", "/reply")
    h.api.reset()
    return "om_card_with_buttons", reply.content


def _click(h: Harness, button: dict[str, Any], message_id: str, *, operator: str = USER_OPEN_ID,
           form_value: dict[str, Any] | None = None) -> dict[str, Any]:
    value = button["behaviors"][0]["value"]
    event = card_action_event(str(value.get("action")), "", message_id=message_id, chat_id=CHAT, operator=operator,
                              value=value, form_value=form_value)
    resp = h.post(event, path="/feishu/card")
    assert resp.status_code == 200
    return dict(resp.json())


def _by_action(card: dict[str, Any], action: str) -> dict[str, Any]:
    return next(b for b in _buttons(card) if b["behaviors"][0]["value"].get("action") == action)


def test_a_command_button_reply_is_a_toast_for_the_clicker(feishu: Harness) -> None:
    message_id, card = _post_buttons(feishu)
    picks = [b for b in _buttons(card) if b["behaviors"][0]["value"]["action"] == "survey_pick"]
    body = _click(feishu, picks[1], message_id)
    assert body == {"toast": {"type": "info", "content": f"{USER_OPEN_ID} picked b for T-1"}}
    assert "card" not in body  # the shared card stays as it is for everyone else


def test_a_channel_reply_to_a_click_replaces_the_shared_card(feishu: Harness) -> None:
    message_id, card = _post_buttons(feishu)
    body = _click(feishu, _by_action(card, "survey_close"), message_id)
    assert body["card"]["type"] == "raw"
    assert f"Closed by {USER_OPEN_ID}" in str(body["card"]["data"]["body"])


def test_a_form_from_a_click_is_sent_and_its_submission_replaces_it(feishu: Harness) -> None:
    message_id, card = _post_buttons(feishu)
    body = _click(feishu, _by_action(card, "survey_form"), message_id)
    assert body == {"toast": cards.toast("feishu_form_sent", "en")}
    feishu.settle()
    [sent] = feishu.api.find("POST", "/reply")
    assert sent.path == f"/open-apis/im/v1/messages/{message_id}/reply"  # under the clicked card
    form_card = sent.content
    form = next(e for e in form_card["body"]["elements"] if e.get("tag") == "form")
    assert {e.get("name") for e in form["elements"]} >= {"score", "note"}
    submit = _by_action(form_card, "form_submit")
    assert submit["behaviors"][0]["value"]["context"]["ticket"] == "T-9"

    result = _click(feishu, submit, "om_the_form_card", form_value={"score": "5", "note": "clear"})
    assert result["card"]["type"] == "raw"
    assert f"Rated 5 (clear) for T-9 by {USER_OPEN_ID} in {CHAT}" in str(result["card"]["data"]["body"])


def test_an_invalid_form_is_a_toast_and_the_form_stays(feishu: Harness) -> None:
    feishu.post(message_event("group", "@_user_1 /survey T-3"))
    feishu.settle()
    [sent] = feishu.api.find("POST", "/reply")  # a form reply to a message: the form card
    submit = _by_action(sent.content, "form_submit")
    result = _click(feishu, submit, "om_form", form_value={"score": "3"})
    assert result == {"toast": {"type": "error", "content": "The score must be 1 or 5."}}


def test_a_private_form_result_goes_to_the_direct_chat(feishu: Harness) -> None:
    feishu.post(message_event("group", "@_user_1 /survey T-4 --private"))
    feishu.settle()
    [sent] = feishu.api.find("POST", "/reply")
    feishu.api.reset()
    result = _click(feishu, _by_action(sent.content, "form_submit"), "om_form", form_value={"score": "1"})
    assert result["toast"] == cards.toast("sent_privately", "en")
    assert messages.text("sent_privately", "en") in str(result["card"]["data"]["body"])  # the form is closed
    feishu.settle()
    [dm] = feishu.api.message_calls()
    assert dm.query == {"receive_id_type": "open_id"} and dm.body["receive_id"] == USER_OPEN_ID
    assert f"Rated 1 () for T-4 by {USER_OPEN_ID}" in str(dm.content["body"])


def test_a_managers_only_button_is_refused_for_an_agent(make_feishu: Callable[..., Harness]) -> None:
    h = make_feishu(feishu_manager_ids="ou_manager")
    button = {"behaviors": [{"value": {"action": "lockdown_confirm", "value": "REQ-7", "payload": {}}}]}
    refused = _click(h, button, "om_x")
    assert refused == {"toast": {"type": "error", "content": messages.text(
        "role_refused", "en", role=messages.text("role_manager", "en"), command="/lockdown")}}
    allowed = _click(h, button, "om_x", operator="ou_manager")
    assert "Approved REQ-7 by ou_manager" in str(allowed["card"]["data"]["body"])


def test_a_slow_command_is_acknowledged_then_its_card_is_patched(feishu: Harness) -> None:
    feishu.bot.actions.budget_seconds = 0.05
    SLOW_GATE.clear()
    button = {"behaviors": [{"value": {"action": "survey_slow", "value": "R-1", "payload": {}}}]}
    try:
        body = _click(feishu, button, "om_slow_card")
        assert body == {"toast": cards.toast("feishu_working", "en")}  # within Feishu's 3 s
    finally:
        SLOW_GATE.set()
    assert wait_for(lambda: len(feishu.api.find("PATCH")) == 1)
    feishu.settle()
    [patch] = feishu.api.find("PATCH")
    assert patch.path == "/open-apis/im/v1/messages/om_slow_card"
    assert "Slow result for R-1" in str(patch.content["body"])
