"""Streaming answers update the placeholder at most once per interval; the final version always lands.

Time is a fake clock moved by the test (or by the fake answerer between partials): no real sleeps.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from bot.slack.streaming import StreamingMessage, UpdateBudget
from tests.slack.blockutil import action_ids
from tests.slack.conftest import Stack
from tests.slack.mock_slack_api import BOT_USER_ID
from tests.slack.support import FakeAnswerer, FakeClock

FULL = "Customers pay return shipping unless the item is damaged [1]. (q: who pays return shipping?)"


def _wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Thread synchronisation (the sender thread has caught up), not a timing assumption."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the sender thread did not catch up"
        time.sleep(0.001)


def test_burst_of_partials_is_coalesced_into_the_final_update(make_stack: Callable[..., Stack]) -> None:
    # 200 partials while the fake clock stands still: all within the 1.2 s interval of the placeholder
    stack = make_stack(FakeAnswerer(partials=200), clock=FakeClock())
    stack.event(text=f"<@{BOT_USER_ID}> who pays return shipping?")
    stack.api.wait_for("/chat.update")
    stack.api.settle(quiet=0.5)
    (update,) = stack.api.calls("/chat.update")  # no partial update: the final one only
    assert update.body["text"] == FULL
    assert action_ids(update.body["blocks"]) == ["feedback_up", "feedback_down", "resolve_mark", "need_human"]


def test_slow_stream_updates_are_throttled_and_the_final_text_is_complete(
    make_stack: Callable[..., Stack],
) -> None:
    clock = FakeClock()
    answerer = FakeAnswerer(partials=60, clock=clock, partial_step=0.25)  # 15 s of streaming, fake time
    stack = make_stack(answerer, update_interval=1.0, clock=clock)
    stack.event(text=f"<@{BOT_USER_ID}> who pays return shipping?")
    _wait_until(lambda: any(action_ids(u.body.get("blocks", [])) for u in stack.api.calls("/chat.update")))
    stack.api.settle()
    updates = stack.api.calls("/chat.update")
    # partial k arrives at 0.25 * (k - 1) s: due at 1 s, 2 s, ... 14 s (partials 5, 9, ..., 57)
    due = [FULL[: len(FULL) * k // 60] + " …" for k in range(5, 58, 4)]
    partial_texts = [u.body["blocks"][0]["text"]["text"] for u in updates[:-1]]
    assert 1 <= len(partial_texts) <= len(due)
    assert partial_texts == [t for t in due if t in partial_texts]  # due texts only, in order (latest wins)
    assert updates[-1].body["text"] == FULL and action_ids(updates[-1].body["blocks"])


def test_streaming_message_sends_at_most_once_per_interval() -> None:
    clock = FakeClock()
    sent: list[str] = []
    stream = StreamingMessage(sent.append, interval=0.1, clock=clock)
    for i in range(50):  # 0.5 s of partials, one every 0.01 s
        stream.partial(f"text {i}")
        _wait_until(lambda: stream.sent == stream.due)  # let the sender thread keep up
        clock.advance(0.01)
    stream.close()
    assert stream.partials == 50 and stream.superseded == 0
    # the floating-point clock reaches 0.1 s after 10 or 11 steps; the gaps stay at least the interval
    assert len(sent) == 4 and all(t.startswith("text ") for t in sent)
    numbers = [int(t.split()[1]) for t in sent]
    assert all(b - a >= 10 for a, b in zip([0, *numbers], numbers)), numbers
    stream.partial("after close")  # e.g. a model thread still streaming after a timeout
    clock.advance(1)
    stream.partial("after close again")
    assert "after close" not in " ".join(sent) and len(sent) == 4


def test_latest_due_text_supersedes_one_waiting_while_slack_is_slow() -> None:
    clock = FakeClock()
    sent: list[str] = []
    entered, release = threading.Event(), threading.Event()

    def slow_send(text: str) -> None:
        entered.set()
        release.wait(5)
        sent.append(text)

    stream = StreamingMessage(slow_send, interval=1.0, clock=clock)
    clock.advance(1)
    stream.partial("first")  # due: the sender thread takes it and blocks in Slack
    assert entered.wait(5)
    clock.advance(1)
    stream.partial("second")  # due, waits for the sender
    clock.advance(1)
    stream.partial("third")  # due, replaces "second"
    release.set()
    stream.close()
    assert sent == ["first", "third"]
    assert (stream.due, stream.sent, stream.superseded) == (3, 2, 1)


def test_close_waits_for_an_update_in_flight() -> None:
    clock = FakeClock()
    order: list[str] = []
    entered, release = threading.Event(), threading.Event()

    def slow_send(text: str) -> None:
        entered.set()
        release.wait(5)
        order.append("partial")

    stream = StreamingMessage(slow_send, interval=0.0, clock=clock)
    stream.partial("x")
    assert entered.wait(5)
    closer = threading.Thread(target=stream.close)
    closer.start()
    closer.join(0.05)
    assert closer.is_alive()  # close() is waiting for the update in flight
    release.set()
    closer.join(5)
    order.append("final")
    assert order == ["partial", "final"]


def test_failed_partial_update_disables_streaming() -> None:
    clock = FakeClock()
    calls: list[str] = []

    def failing(text: str) -> None:
        calls.append(text)
        raise RuntimeError("ratelimited")

    stream = StreamingMessage(failing, interval=0.0, clock=clock)
    stream.partial("a")
    _wait_until(lambda: calls == ["a"])
    _wait_until(lambda: stream.due == 1 and stream.sent == 0 and not stream._thread.is_alive())  # type: ignore[union-attr]
    stream.partial("b")
    stream.close()
    assert calls == ["a"] and stream.due == 1


def test_update_budget_is_shared() -> None:
    clock = FakeClock(0.0)
    budget = UpdateBudget(per_minute=3, clock=clock)
    assert [budget.try_take() for _ in range(4)] == [True, True, True, False]
    clock.advance(20)  # one token per 20 s
    assert budget.try_take() is True and budget.try_take() is False


def test_streams_share_the_budget() -> None:
    clock = FakeClock()
    budget = UpdateBudget(per_minute=2, clock=clock)
    sent: list[str] = []
    streams = [StreamingMessage(sent.append, interval=0.0, budget=budget, clock=clock) for _ in range(3)]
    for i, stream in enumerate(streams):
        stream.partial(f"stream {i}")
    for stream in streams:
        stream.close()
    assert sorted(sent) == ["stream 0", "stream 1"]  # the third had no token left
