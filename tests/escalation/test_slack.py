"""/escalate on Slack, end to end: the real Bolt app behind a real server, signed requests, and the Web API
calls (managers' thread, its update, thread replies, the agents' notes, the modal) sent to the local
recording server (tests/slack/mock_slack_api.py)."""

from __future__ import annotations

import json
import time
from typing import Any, Callable

from tests.slack.blockutil import block_text, buttons
from tests.slack.conftest import (  # noqa: F401  (fixtures of the Slack harness)
    Stack,
    _commands_imported,
    make_settings,
    make_stack,
    shared_server,
    slack_api,
    state,
)

MANAGER = "U0MANAGER1"
AGENT = "U0002USER"
ESCALATION = "C0ESCALATE"


def _stack(make_stack: Callable[..., Stack]) -> Stack:  # noqa: F811
    return make_stack(slack_escalation_channel=ESCALATION, slack_manager_ids=MANAGER, escalation_threshold=100)


def _thread(stack: Stack) -> tuple[str, dict[str, Any]]:
    (root,) = [c for c in stack.api.wait_for("/chat.postMessage", timeout=90) if c.body.get("channel") == ESCALATION]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the thread is stored right after the post returns
        (threads,) = stack.state.db.query("SELECT threads FROM escalation_requests WHERE id = 1")[0]
        posted = json.loads(threads).get("slack", {})
        if "message_id" in posted:
            return str(posted["message_id"]), root.body
        time.sleep(0.05)
    raise AssertionError("the managers' thread was never stored")


def test_escalate_opens_the_managers_thread_and_buttons_are_for_managers_only(
    make_stack: Callable[..., Stack],  # noqa: F811
) -> None:
    stack = _stack(make_stack)
    assert stack.slash("/escalate", "Customer wants gift wrapping C1").status_code == 200
    ts, root = _thread(stack)
    blocks = root["blocks"] if isinstance(root["blocks"], list) else json.loads(root["blocks"])
    assert "Request #1" in block_text(blocks) and "1 customer(s)" in block_text(blocks)
    assert [b["action_id"].split("~")[0] for b in buttons(blocks)] == [
        "escalation_ack", "escalation_planned", "escalation_decline", "escalation_need_info", "escalation_merge"]
    hooks = stack.api.wait_for("/webhook", timeout=30)
    agent_reply = hooks[-1].body
    assert agent_reply["response_type"] == "ephemeral"
    assert "New request #1" in agent_reply["text"] and f"https://slack.com/archives/{ESCALATION}/p" in agent_reply["text"]

    # an agent clicking a manager's button: a polite refusal naming the managers, nothing changes
    stack.click("escalation_planned", "1", payload={"lang": "en"}, user_id=AGENT, message_ts=ts)
    refusal = stack.api.wait_for("/webhook", len(hooks) + 1, timeout=30)[-1].body
    assert refusal["response_type"] == "ephemeral" and f"(ask {MANAGER})" in refusal["text"]
    assert stack.state.db.query("SELECT status FROM escalation_requests") == [("open",)]
    assert stack.api.calls("/chat.update") == []

    # the manager: the thread header is updated, the change is written in the thread, the agent is told
    stack.click("escalation_planned", "1", payload={"lang": "en"}, user_id=MANAGER, message_ts=ts)
    (update,) = stack.api.wait_for("/chat.update", timeout=30)
    assert update.body["ts"] == ts and "status: Planned" in update.body["text"] + block_text(
        update.body["blocks"] if isinstance(update.body["blocks"], list) else json.loads(update.body["blocks"]))
    posts = stack.api.wait_for("/chat.postMessage", 3, timeout=30)
    in_thread = [p.body for p in posts if p.body.get("thread_ts") == ts]
    assert in_thread and f"{MANAGER} set the status to Planned (was Open)" in in_thread[0]["text"]
    to_agent = [p.body for p in posts if p.body.get("channel") == AGENT]
    assert to_agent and "Suggested reply to the customer: Good news" in to_agent[0]["text"]
    confirmation = stack.api.wait_for("/webhook", len(hooks) + 2, timeout=30)[-1].body
    assert confirmation["response_type"] == "ephemeral" and "Request #1 is now Planned" in confirmation["text"]
    stack.api.settle()


def test_decline_asks_for_a_reason_in_a_modal_and_the_reason_reaches_the_agent(
    make_stack: Callable[..., Stack],  # noqa: F811
) -> None:
    stack = _stack(make_stack)
    stack.slash("/escalate", "Customer wants gift wrapping C1")
    ts, _ = _thread(stack)
    stack.click("escalation_decline", "1", payload={"lang": "en"}, user_id=MANAGER, message_ts=ts)
    (opened,) = stack.api.wait_for("/views.open", timeout=30)
    view = opened.body["view"] if isinstance(opened.body["view"], dict) else json.loads(opened.body["view"])
    assert view["callback_id"] == "form:/escalate:decline"
    assert stack.submit(view, {"reason": "Not on this year's roadmap"}, user_id=MANAGER).status_code == 200
    (update,) = stack.api.wait_for("/chat.update", timeout=30)
    assert "Declined (Not on this year's roadmap)" in update.body["text"] + json.dumps(update.body.get("blocks"))
    posts = stack.api.wait_for("/chat.postMessage", 3, timeout=30)
    to_agent = [p.body for p in posts if p.body.get("channel") == AGENT]
    assert to_agent and "Not on this year's roadmap" in to_agent[0]["text"]
    assert stack.state.db.query("SELECT actor, new_status, note FROM escalation_events WHERE action = 'status'") == [
        (MANAGER, "declined", "Not on this year's roadmap")]
    (confirmation,) = stack.api.wait_for("/chat.postEphemeral", timeout=30)  # the modal's result, to the manager
    assert confirmation.body["user"] == MANAGER and "now Declined" in confirmation.body["text"]
    stack.api.settle()
