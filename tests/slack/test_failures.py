"""Failures after the ack reach the user as a short friendly message, never as a raw exception."""

from __future__ import annotations

import logging
import time
from typing import Any, Callable

import pytest

from bot.errors import DatabaseError
from bot.storage.db import StateStore
from tests.slack.blockutil import action_ids, block_text
from tests.slack.conftest import Stack
from tests.slack.mock_slack_api import BOT_USER_ID
from tests.slack.support import FakeAnswerer

FRIENDLY = "Sorry, something went wrong on my side"


def _assert_no_internals(text: str) -> None:
    for leak in ("secret-internal-detail", "boom", "Traceback", "RuntimeError", "SlackApiError", "xoxb-"):
        assert leak not in text


def test_answerer_crash_on_slash_command_gives_a_friendly_message(make_stack: Callable[..., Stack]) -> None:
    stack = make_stack(FakeAnswerer(fail=True))
    assert stack.slash("/ask", "who pays return shipping?").status_code == 200
    (hook,) = stack.api.wait_for("/webhook")
    assert hook.body["text"].startswith(FRIENDLY)
    assert hook.body["response_type"] == "ephemeral"
    _assert_no_internals(str(hook.body))


def test_answerer_crash_on_mention_replaces_the_placeholder(make_stack: Callable[..., Stack]) -> None:
    stack = make_stack(FakeAnswerer(fail=True))
    stack.event(text=f"<@{BOT_USER_ID}> who pays return shipping?")
    (update,) = stack.api.wait_for("/chat.update")
    assert update.body["text"].startswith(FRIENDLY)
    _assert_no_internals(str(update.body))


def test_web_api_error_on_the_final_update_tells_the_user(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    stack.api.fail("/chat.update", body={"ok": False, "error": "cant_update_message"})
    with caplog.at_level(logging.WARNING, logger="bot.slack"):
        stack.event(text=f"<@{BOT_USER_ID}> who pays return shipping?")
        updates = stack.api.wait_for("/chat.update", 2)
    assert updates[1].body["text"].startswith(FRIENDLY)
    ref = updates[1].body["text"].split("(ref ")[1].split(")")[0]
    assert any(ref in r.getMessage() for r in caplog.records)  # the log carries the same correlation id
    _assert_no_internals(str(updates[1].body))


def test_web_api_error_on_the_placeholder_still_tells_the_user(stack: Stack) -> None:
    stack.api.fail("/chat.postMessage", body={"ok": False, "error": "fatal_error"})
    stack.event(text=f"<@{BOT_USER_ID}> who pays return shipping?")
    posts = stack.api.wait_for("/chat.postMessage", 2)
    assert posts[1].body["text"].startswith(FRIENDLY)
    assert posts[1].body["thread_ts"] == "1700000000.000100"


def test_rejected_blocks_are_retried_compact(stack: Stack) -> None:
    stack.api.fail("/chat.update", body={"ok": False, "error": "invalid_blocks"})
    stack.event(text=f"<@{BOT_USER_ID}> who pays return shipping?")
    updates = stack.api.wait_for("/chat.update", 2)
    assert "Customers pay return shipping" in block_text(updates[1].body["blocks"])
    assert action_ids(updates[1].body["blocks"]) == ["feedback_up", "feedback_down", "resolve_mark", "need_human"]


def test_response_url_rejecting_blocks_is_retried_compact(stack: Stack) -> None:
    stack.api.fail("/webhook", status=400, body="invalid_blocks")
    stack.slash("/ask", "who pays return shipping?")
    hooks = stack.api.wait_for("/webhook", 2)
    assert "Customers pay return shipping" in block_text(hooks[1].body["blocks"])


class _BrokenAnswersStore(StateStore):
    def record_answer(self, *args: Any, **kwargs: Any) -> None:
        raise DatabaseError("database error on db: OperationalError")


def test_database_failure_still_shows_the_answer_without_buttons(
    make_stack: Callable[..., Stack], state: StateStore
) -> None:
    stack = make_stack(state_store=_BrokenAnswersStore(state.db))
    stack.slash("/ask", "who pays return shipping?")
    (hook,) = stack.api.wait_for("/webhook")
    assert "Customers pay return shipping" in hook.body["text"]
    assert action_ids(hook.body["blocks"]) == []


class _DownStore(StateStore):
    def thread_turns(self, *args: Any, **kwargs: Any) -> list[str]:
        raise DatabaseError("database error on db: OperationalError")


def test_database_down_during_a_mention_gives_the_database_message(
    make_stack: Callable[..., Stack], state: StateStore
) -> None:
    stack = make_stack(state_store=_DownStore(state.db))
    stack.event(text=f"<@{BOT_USER_ID}> who pays return shipping?")
    (post,) = stack.api.wait_for("/chat.postMessage")
    assert post.body["text"] == "The bot's database is unreachable right now. Please try again shortly."


def test_rate_limited_call_is_retried_after_retry_after(stack: Stack) -> None:
    stack.api.rate_limit_once("/chat.postMessage", retry_after=1)
    started = time.monotonic()
    stack.event(text=f"<@{BOT_USER_ID}> who pays return shipping?")
    stack.api.wait_for("/chat.update", timeout=10)
    posts = stack.api.calls("/chat.postMessage")
    assert len(posts) == 2  # 429, then the retry
    assert posts[1].at - posts[0].at >= 1.0
    assert time.monotonic() - started < 5
