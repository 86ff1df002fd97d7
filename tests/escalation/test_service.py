"""The escalation core on SQLite and PostgreSQL: matching across languages, idempotency, thresholds,
batched thread replies, status changes sent back to the agents, merges, the audit trail."""

from __future__ import annotations

from typing import Callable


from bot.escalation.service import Agent
from tests.escalation.conftest import Env

SLOT_EN = "Customer wants to choose a delivery time slot"
SLOT_ZH = "客户希望下单时可以选择送货时间段"
SLOT_EN2 = "Can customers pick a time slot for their delivery?"
GIFT_EN = "Customer wants gift wrapping"
DATE_EN = "Customer wants to choose the delivery date"


def agent(user: str = "U1", platform: str = "slack", thread: str = "") -> Agent:
    reply_to = ({"platform": platform, "channel_id": "C0AGENTS", "message_id": thread, "thread_id": thread}
                if thread else {"platform": platform, "channel_id": user})
    return Agent(platform, user, "C0AGENTS", reply_to)


def test_same_need_in_two_languages_is_one_request_and_another_need_is_another(
    make_env: Callable[..., Env],
) -> None:
    env = make_env(escalation_threshold=100)
    svc = env.service
    first = svc.escalate(SLOT_EN, "C1", agent("U1"))
    second = svc.escalate(SLOT_ZH, "C2", agent("U2"))
    third = svc.escalate(SLOT_EN2, "C3", agent("U3"))
    other = svc.escalate(GIFT_EN, "C4", agent("U4"))
    assert first.new and not second.new and not third.new
    assert second.request.id == third.request.id == first.request.id
    assert third.request.customers == 3 and third.request.agents == 3
    assert other.new and other.request.id != first.request.id
    assert [(r.id, r.customers) for r in svc.top()] == [(first.request.id, 3), (other.request.id, 1)]


def test_identifiers_named_on_both_sides_and_never_shared_keep_requests_apart(make_env: Callable[..., Env]) -> None:
    env = make_env(escalation_threshold=100)
    svc = env.service
    a = svc.escalate("Customer asks to support the payment error PAY-4012 on the checkout page", "C1", agent("U1"))
    b = svc.escalate("Customer asks to support the payment error PAY-4031 on the checkout page", "C2", agent("U2"))
    c = svc.escalate("客户反馈结账页面出现支付错误 PAY-4012，希望支持", "C3", agent("U3"))
    assert a.request.id != b.request.id and c.request.id == a.request.id


def test_near_miss_needs_stay_apart(make_env: Callable[..., Env]) -> None:
    """e5-small alone scores 'time slot' vs 'date' above paraphrases of either; the lexicon's slot conflict
    (bot/escalation/lexicon.py) keeps them apart, in either language, while paraphrases still join."""
    env = make_env(escalation_threshold=100)
    first = env.service.escalate(SLOT_EN, "C1", agent("U1"))
    other = env.service.escalate(DATE_EN, "C4", agent("U4"))
    assert other.request.id != first.request.id
    date_zh = env.service.escalate("客户想要选择送货日期", "C5", agent("U5"))
    slot_zh = env.service.escalate(SLOT_ZH, "C2", agent("U2"))
    assert date_zh.request.id == other.request.id and slot_zh.request.id == first.request.id


def test_a_repeat_by_the_same_agent_for_the_same_customer_counts_once(make_env: Callable[..., Env]) -> None:
    env = make_env(escalation_threshold=100)
    svc = env.service
    svc.escalate(SLOT_EN, "C1", agent("U1"))
    again = svc.escalate(SLOT_EN, "C1", agent("U1"))
    assert not again.counted and again.request.customers == 1
    other_agent = svc.escalate(SLOT_ZH, "C1", agent("U2"))  # another agent, same customer: still one customer
    assert other_agent.counted and other_agent.request.customers == 1 and other_agent.request.agents == 2
    anonymous = [svc.escalate(SLOT_EN2, "", agent("U3")) for _ in range(2)]  # no id: one per agent and wording
    assert anonymous[1].request.customers == 2 and not anonymous[1].counted


def test_explicit_escalation_opens_one_thread_and_new_customers_are_batched(make_env: Callable[..., Env]) -> None:
    env = make_env(escalation_threshold=100, escalation_batch_minutes=10)
    svc = env.service
    svc.escalate(SLOT_EN, "C1", agent("U1"))
    slack = env.outboxes.text("slack")
    assert slack.count("→ C0MANAGERS") == 1 and "Request #1" in slack and "1 customer(s)" in slack
    buttons = svc.header(svc.store.get(1)).buttons  # type: ignore[arg-type]
    assert [b.action_id for b in buttons] == ["escalation_ack", "escalation_planned", "escalation_decline",
                                              "escalation_need_info", "escalation_merge"]
    svc.escalate(SLOT_ZH, "C2", agent("U2"))
    svc.escalate(SLOT_EN2, "C3", agent("U3"))
    assert "new customer" not in env.outboxes.text("slack")  # inside the window: nothing yet
    env.clock.advance(11 * 60)
    svc.escalate("Customer asks if they can choose a delivery time slot", "C4", agent("U4"))
    out = env.outboxes.text("slack")
    assert out.count("new customer(s)") == 1 and "3 new customer(s)" in out and "C2, C3, C4" in out
    assert "4 customer(s)" in out  # the header was updated with the batch
    assert out.count("→ C0MANAGERS") == 1  # still one thread


def test_threshold_escalates_demand_seen_by_the_analysis(make_env: Callable[..., Env]) -> None:
    env = make_env(escalation_threshold=3)
    svc = env.service
    for i, text in enumerate([SLOT_EN, SLOT_ZH, SLOT_EN2]):
        outcome = svc.record_demand(text, f"C{i}", source="rootcause")
        if i < 2:
            assert outcome.request.escalated_at is None and outcome.threads == {}
    assert outcome.request.customers == 3 and outcome.request.escalated_at is not None
    assert set(outcome.threads) == {"slack", "feishu"}  # every configured managers' channel
    assert "→ C0MANAGERS" in env.outboxes.text("slack") and "→ oc_managers" in env.outboxes.text("feishu")
    assert "automatically" in env.outboxes.text("slack")
    actions = [e.action for e in svc.store.events(outcome.request.id)]
    assert actions == ["created", "joined", "joined", "threshold"]


def test_status_change_goes_to_every_agent_thread_with_a_reply_in_the_customer_language(
    make_env: Callable[..., Env],
) -> None:
    env = make_env(escalation_threshold=100)
    svc = env.service
    first = svc.escalate(SLOT_EN, "C1", agent("U1", thread="1700.1"))
    svc.escalate(SLOT_ZH, "C2", Agent("feishu", "ou_2", "oc_agents",
                                       {"platform": "feishu", "channel_id": "oc_agents", "message_id": "om_9"}))
    svc.escalate(SLOT_EN2, "C3", agent("U1", thread="1700.1"))  # same agent thread: told once
    request = svc.set_status(first.request.id, "planned", "<@UMGR>")
    assert request.status == "planned"
    slack, feishu = env.outboxes.text("slack"), env.outboxes.text("feishu")
    assert slack.count("Update on request #1") == 1 and "(thread #1700.1)" in slack
    assert "Suggested reply to the customer: Good news" in slack
    assert "有更新：已排期" in feishu and "建议回复客户：好消息" in feishu and "(thread #om_9)" in feishu
    assert "<@UMGR> set the status to Planned (was Open)" in slack  # the trail, in the managers' thread
    svc.set_status(first.request.id, "declined", "<@UMGR>", "not on this year's roadmap")
    assert "not on this year's roadmap" in env.outboxes.text("slack").split("Update on request #1")[-1]
    trail = [(e.actor, e.action, e.old_status, e.new_status, e.note) for e in svc.store.events(first.request.id)]
    assert trail[-2:] == [("<@UMGR>", "status", "open", "planned", ""),
                          ("<@UMGR>", "status", "planned", "declined", "not on this year's roadmap")]


def test_merge_moves_customers_once_and_marks_the_source(make_env: Callable[..., Env]) -> None:
    env = make_env(escalation_threshold=100)
    svc = env.service
    a = svc.escalate(SLOT_EN, "C1", agent("U1"))
    b = svc.escalate(GIFT_EN, "C2", agent("U2"))
    assert b.request.id != a.request.id
    svc.escalate(GIFT_EN, "C1", agent("U1"))  # C1 raised both
    source, target = svc.merge(b.request.id, a.request.id, "<@UMGR>")
    assert source.status == "merged" and source.merged_into == a.request.id
    assert target.customers == 2 and target.agents == 2
    assert [r.id for r in svc.top()] == [a.request.id]
    again = svc.escalate(GIFT_EN, "C9", agent("U9"))  # the merged need's wording now lands in the target
    assert again.request.id == a.request.id and again.request.customers == 3
