"""The HTTP request's correlation id (X-Request-Id) is the one in the answer's logs.

Bolt answers in lazy listeners on its listener executor (other threads); bot.slack.app gives it a
context-copying executor, so the id `bot.server` set for the request reaches the answering thread.
"""

from __future__ import annotations

import io
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterator

import pytest

from bot.logs import build_handler, correlation_id, new_correlation_id
from bot.models import PartialCallback, Reply
from bot.slack.app import ContextCopyingExecutor, correlation_middleware
from tests.slack.conftest import Stack
from tests.slack.mock_slack_api import BOT_USER_ID
from tests.slack.support import FakeAnswerer, slash_body

ANSWER_LOG = "tests.slack.answering"


class LoggingAnswerer(FakeAnswerer):
    """The fake answerer, logging one line per answer (as the real one does) and noting the thread."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[str] = []

    def answer(self, question: str, *, language: str, context: tuple[str, ...] = (),
               on_partial: PartialCallback | None = None, user_key: str = "") -> Reply:
        self.threads.append(threading.current_thread().name)
        logging.getLogger(ANSWER_LOG).info("answering %s", question)
        return super().answer(question, language=language, context=context, on_partial=on_partial,
                              user_key=user_key)


@pytest.fixture
def answer_log() -> Iterator[io.StringIO]:
    """Our JSON log handler (bot.logs) on the answerer's logger, writing to a buffer."""
    out = io.StringIO()
    handler = build_handler(fmt="json")
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(out)
    logger = logging.getLogger(ANSWER_LOG)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield out
    finally:
        logger.removeHandler(handler)


def _answer_ids(out: io.StringIO) -> dict[str, str]:
    """question -> the correlation id on its "answering" log line."""
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    return {line["message"].removeprefix("answering "): line["correlation_id"] for line in lines}


def test_a_slash_commands_answer_logs_with_the_requests_x_request_id(
    make_stack: Callable[..., Stack], answer_log: io.StringIO
) -> None:
    answerer = LoggingAnswerer()
    stack = make_stack(answerer)
    body = slash_body("/ask", "who pays return shipping?", stack.api.webhook_url)
    resp = stack.post(body, "application/x-www-form-urlencoded", extra={"x-request-id": "req-slash-0001"})
    assert resp.status_code == 200 and resp.headers["x-request-id"] == "req-slash-0001"
    stack.api.wait_for("/webhook")
    assert answerer.threads and all(name.startswith("slack-work") for name in answerer.threads)  # lazy, not inline
    assert _answer_ids(answer_log) == {"who pays return shipping?": "req-slash-0001"}


def test_concurrent_requests_keep_their_own_ids_and_a_generated_one_is_echoed(
    make_stack: Callable[..., Stack], answer_log: io.StringIO
) -> None:
    stack = make_stack(LoggingAnswerer())
    sent: dict[str, str] = {}

    def post(i: int) -> None:
        question = f"question number {i}?"
        headers = {"x-request-id": f"req-many-{i}"} if i % 2 else {}
        body = slash_body("/ask", question, stack.api.webhook_url)
        resp = stack.post(body, "application/x-www-form-urlencoded", extra=headers)
        assert resp.status_code == 200
        sent[question] = resp.headers["x-request-id"]  # ours when we sent one, else the server's new id

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(post, range(6)))
    stack.api.wait_for("/webhook", 6)
    assert _answer_ids(answer_log) == sent
    assert len(set(sent.values())) == 6
    assert sent["question number 1?"] == "req-many-1"


def test_a_mentions_answer_logs_with_the_requests_id(make_stack: Callable[..., Stack],
                                                    answer_log: io.StringIO) -> None:
    stack = make_stack(LoggingAnswerer())
    resp = stack.event(text=f"<@{BOT_USER_ID}> who pays return shipping?")
    cid = resp.headers["x-request-id"]
    stack.api.wait_for("/chat.update")
    assert _answer_ids(answer_log) == {"who pays return shipping?": cid}


def test_the_executor_runs_each_task_in_a_copy_of_the_submitters_context() -> None:
    seen: list[str] = []

    def task(value: str) -> str:
        seen.append(correlation_id())
        new_correlation_id(value)  # set in the task: must not leak into the next task or back
        return correlation_id()

    def other_thread() -> None:
        with ContextCopyingExecutor(max_workers=1) as pool:
            new_correlation_id("first")
            assert pool.submit(task, "changed-1").result() == "changed-1"
            new_correlation_id("second")
            assert pool.submit(task, value="changed-2").result() == "changed-2"  # same worker thread
            assert correlation_id() == "second"

    thread = threading.Thread(target=other_thread)  # a fresh context, not the test's
    thread.start()
    thread.join()
    assert seen == ["first", "second"]

    with ThreadPoolExecutor(max_workers=1) as plain:  # what Bolt's default executor does instead
        new_correlation_id("outer")
        assert plain.submit(correlation_id).result() != "outer"


def test_socket_mode_requests_get_a_new_id_http_requests_keep_theirs() -> None:
    from slack_bolt import BoltRequest, BoltResponse

    response = BoltResponse(status=200, body="")
    calls: list[Any] = []
    new_correlation_id("from-the-http-request")
    http = BoltRequest(body="token=x&command=%2Fask", mode="http")
    assert correlation_middleware(http, response, lambda: calls.append(1)) is response
    assert correlation_id() == "from-the-http-request"
    socket = BoltRequest(body={"type": "event_callback"}, mode="socket_mode")
    correlation_middleware(socket, response, lambda: calls.append(2))
    first = correlation_id()
    correlation_middleware(socket, response, lambda: calls.append(3))
    assert first not in ("", "from-the-http-request") and correlation_id() != first
    assert calls == [1, 2, 3]
