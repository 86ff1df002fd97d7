"""/escalate on Feishu, end to end: encrypted and signed events and card callbacks into the real lark-oapi
dispatcher, the Open API calls (managers' thread card, its patch, thread replies, the form card, the notes
to agents) sent to the local recording server (tests/feishu/helpers.py)."""

from __future__ import annotations

import json
import time
from typing import Any, Callable

from tests.feishu.conftest import (  # noqa: F401  (fixtures of the Feishu harness)
    Harness,
    make_feishu,
    mock_api,
    mock_api_server,
)
from tests.feishu.helpers import USER_OPEN_ID, card_action_event, message_event

MANAGER = "ou_manager00000000000000000000001"


def _harness(make_feishu: Callable[..., Harness]) -> Harness:  # noqa: F811
    return make_feishu(feishu_manager_ids=MANAGER, escalation_threshold=100)


def _thread(h: Harness) -> tuple[str, str]:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        rows = h.state.db.query("SELECT threads FROM escalation_requests WHERE id = 1")
        posted = json.loads(rows[0][0]).get("feishu", {}) if rows else {}
        if "message_id" in posted:
            return str(posted["message_id"]), str(posted["channel_id"])
        time.sleep(0.1)
    raise AssertionError("the managers' thread was never stored")


def _click(h: Harness, action: str, message_id: str, chat_id: str, operator: str, **extra: Any) -> dict[str, Any]:
    value = extra.pop("value", {"action": action, "value": "1", "payload": {"lang": "en"}})
    resp = h.post(card_action_event(action, "", message_id=message_id, chat_id=chat_id, operator=operator,
                                    value=value, **extra), path="/feishu/card")
    assert resp.status_code == 200
    return dict(resp.json())


def test_escalate_on_feishu_and_a_manager_decides_with_a_form(make_feishu: Callable[..., Harness]) -> None:  # noqa: F811
    h = _harness(make_feishu)
    event = message_event("p2p", "/escalate Customer wants gift wrapping C1")
    agent_message = event["event"]["message"]["message_id"]
    assert h.post(event).status_code == 200
    root_id, chat = _thread(h)
    assert chat == h.settings.feishu_escalation_chat_id
    h.settle()
    sends = [c for c in h.api.find("POST", "/messages") if c.query.get("receive_id_type") == "chat_id"
             and c.body.get("receive_id") == chat]
    card = json.dumps(sends[0].content, ensure_ascii=False)
    assert "Request #1" in card and "escalation_planned" in card and "escalation_decline" in card

    # an agent's click: a toast naming the managers, no change
    refused = _click(h, "escalation_planned", root_id, chat, USER_OPEN_ID)
    assert refused["toast"]["type"] == "error" and MANAGER in refused["toast"]["content"]
    assert h.state.db.query("SELECT status FROM escalation_requests") == [("open",)]

    # the manager declines: a form card under the clicked message, then its submission
    h.api.reset()
    sent = _click(h, "escalation_decline", root_id, chat, MANAGER)
    assert "toast" in sent
    h.settle()
    (form_reply,) = h.api.find("POST", f"/messages/{root_id}/reply")
    form = json.dumps(form_reply.content, ensure_ascii=False)
    assert "form_submit" in form and "reason" in form
    h.api.reset()
    done = _click(h, "form_submit", root_id, chat, MANAGER,
                  value={"action": "form_submit", "command": "/escalate", "form_id": "decline",
                         "context": {"request_id": "1", "lang": "en"}},
                  form_value={"reason": "Not on this year's roadmap"})
    assert "card" in done or "toast" in done
    h.settle()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not h.api.find("PATCH", f"/messages/{root_id}"):
        time.sleep(0.1)
    (patch,) = h.api.find("PATCH", f"/messages/{root_id}")
    assert "Declined (Not on this year's roadmap)" in json.dumps(patch.content, ensure_ascii=False)
    thread_replies = [json.dumps(c.content, ensure_ascii=False) for c in h.api.find("POST", f"/messages/{root_id}/reply")]
    assert any(f"{MANAGER} set the status to Declined" in r for r in thread_replies)
    (to_agent,) = h.api.find("POST", f"/messages/{agent_message}/reply")  # the agent's own message, in thread
    note = json.dumps(to_agent.content, ensure_ascii=False)
    assert "Suggested reply to the customer" in note and "Not on this year's roadmap" in note
    assert h.state.db.query("SELECT status, status_note FROM escalation_requests") == [
        ("declined", "Not on this year's roadmap")]
