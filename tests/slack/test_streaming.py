"""Streaming answers update the placeholder at most once per interval; the final version always lands."""

from __future__ import annotations

import threading
import time
from typing import Callable

from bot.slack.streaming import StreamingMessage, UpdateBudget
from tests.slack.blockutil import action_ids
from tests.slack.conftest import Stack
from tests.slack.mock_slack_api import BOT_USER_ID
from tests.slack.support import FakeAnswerer

FULL = "Customers pay return shipping unless the item is damaged [1]. (q: who pays return shipping?)"


def test_burst_of_partials_is_coalesced_into_the_final_update(make_stack: Callable[..., Stack]) -> None:
    stack = make_stack(FakeAnswerer(partials=200))  # 200 partials in a few ms, default 1.2 s interval
    stack.event(text=f"<@{BOT_USER_ID}> who pays return shipping?")
    stack.api.wait_for("/chat.update")
    stack.api.settle(quiet=0.5)
    (update,) = stack.api.calls("/chat.update")  # no partial update: the final one only
    assert update.body["text"] == FULL
    assert action_ids(update.body["blocks"]) == ["feedback_up", "feedback_down", "need_human"]


def test_slow_stream_updates_are_throttled_and_the_final_text_is_complete(
    make_stack: Callable[..., Stack],
) -> None:
    answerer = FakeAnswerer(partials=60, partial_delay=0.02)  # ~1.2 s of streaming
    stack = make_stack(answerer, update_interval=0.3)
    stack.event(text=f"<@{BOT_USER_ID}> who pays return shipping?")
    deadline = time.monotonic() + 10
    while not any(action_ids(u.body.get("blocks", [])) for u in stack.api.calls("/chat.update")):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    stack.api.settle()
    updates = stack.api.calls("/chat.update")
    assert 2 <= len(updates) <= 6  # ~1.2 s / 0.3 s partial updates + the final one; 60 partials
    gaps = [b.at - a.at for a, b in zip(updates[:-2], updates[1:-1])]
    assert all(gap >= 0.25 for gap in gaps), gaps
    partial_blocks = [u.body["blocks"][0]["text"]["text"] for u in updates[:-1]]
    assert all(t.endswith(" …") for t in partial_blocks)
    assert updates[-1].body["text"] == FULL and action_ids(updates[-1].body["blocks"])


def test_streaming_message_unit() -> None:
    sent: list[str] = []
    stream = StreamingMessage(sent.append, interval=0.1)
    for i in range(50):
        stream.partial(f"text {i}")
        time.sleep(0.01)  # 0.5 s of partials
    stream.close()
    assert 3 <= len(sent) <= 6
    assert sent[-1].startswith("text 4")  # the latest text wins, older ones are dropped
    stream.partial("after close")  # e.g. a model thread still streaming after a timeout
    time.sleep(0.15)
    assert "after close" not in sent


def test_close_waits_for_an_update_in_flight() -> None:
    order: list[str] = []
    release = threading.Event()

    def slow_send(text: str) -> None:
        release.wait(1)
        order.append("partial")

    stream = StreamingMessage(slow_send, interval=0.0)
    stream.partial("x")
    time.sleep(0.05)
    threading.Timer(0.1, release.set).start()
    stream.close()
    order.append("final")
    assert order == ["partial", "final"]


def test_failed_partial_update_disables_streaming() -> None:
    calls: list[str] = []

    def failing(text: str) -> None:
        calls.append(text)
        raise RuntimeError("ratelimited")

    stream = StreamingMessage(failing, interval=0.0)
    stream.partial("a")
    time.sleep(0.05)
    stream.partial("b")
    stream.close()
    assert calls == ["a"]


def test_update_budget_is_shared() -> None:
    now = [0.0]
    budget = UpdateBudget(per_minute=3, clock=lambda: now[0])
    assert [budget.try_take() for _ in range(4)] == [True, True, True, False]
    now[0] += 20  # one token per 20 s
    assert budget.try_take() is True and budget.try_take() is False
