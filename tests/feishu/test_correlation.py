"""A Feishu event is answered on a worker thread; the log lines written there carry the correlation id of the
HTTP request that delivered the event (its X-Request-Id, or the id the server gave it), as Slack's lazy
listeners do, so one request can be followed through the logs from the webhook to the answer."""

from __future__ import annotations

import io
import json
import logging
import threading
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from bot.logs import build_handler
from bot.router import PartialCallback, Reply
from bot.storage.db import Database, StateStore
from tests.slack.fake_commands import TEST_COMMANDS

from .conftest import InjectedContainer, feishu_settings
from .helpers import FakeAnswerer, MockOpenApi, ServerThread, message_event, signed_request

LOGGER = "bot.tests.feishu_answerer"


class LoggingAnswerer(FakeAnswerer):
    """Logs one line from inside the answer, as the real core does, and notes the thread it ran on."""

    threads: list[str]

    def answer(self, question: str, *, language: str, context: tuple[str, ...] = (),
               on_partial: PartialCallback | None = None, user_key: str = "") -> Reply:
        self.threads.append(threading.current_thread().name)
        logging.getLogger(LOGGER).info("answering %s", question)
        return super().answer(question, language=language, context=context, on_partial=on_partial,
                              user_key=user_key)


@pytest.fixture
def served(tmp_path: Path, mock_api: MockOpenApi) -> Iterator[tuple[str, Any, LoggingAnswerer, io.StringIO]]:
    from starlette.applications import Starlette

    from bot.feishu.app import build_feishu
    from bot.feishu.http import webhook_routes
    from bot.server import RequestContext

    settings = feishu_settings(tmp_path, mock_api.url)
    answerer = LoggingAnswerer()
    answerer.threads = []
    state = StateStore(Database(f"sqlite:///{tmp_path / 'state.db'}"))
    container = InjectedContainer(settings, answerer, state, extra_commands=TEST_COMMANDS)
    bot = build_feishu(settings, container.router(), state, rules=container.conversation())
    # The server's middleware gives each request its correlation id (bot.server.RequestContext).
    app = RequestContext(Starlette(routes=webhook_routes(bot)), frozenset({"/feishu/events"}))
    server = ServerThread(app).start()
    assert bot.wait_idle(10)
    mock_api.reset()
    stream = io.StringIO()
    handler = build_handler(fmt="json")
    handler.setStream(stream)
    logger = logging.getLogger(LOGGER)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield server.url, bot, answerer, stream
    finally:
        logger.removeHandler(handler)
        bot.close(5)
        server.stop()


def _post(url: str, text: str, request_id: str | None = None) -> httpx.Response:
    body, headers = signed_request(message_event("p2p", text))
    if request_id is not None:
        headers["X-Request-Id"] = request_id
    return httpx.post(url + "/feishu/events", content=body, headers=headers, timeout=10)


def _lines(stream: io.StringIO) -> dict[str, str]:
    """question -> correlation id of the JSON log line written while answering it."""
    out = {}
    for line in stream.getvalue().splitlines():
        record = json.loads(line)
        out[record["message"].removeprefix("answering ")] = record["correlation_id"]
    return out


def test_worker_log_line_carries_the_requests_x_request_id(served: tuple[str, Any, LoggingAnswerer, io.StringIO]
                                                          ) -> None:
    url, bot, answerer, stream = served
    resp = _post(url, "who pays return shipping?", request_id="feishu-req-7f3a")
    assert resp.status_code == 200 and resp.headers["x-request-id"] == "feishu-req-7f3a"
    assert bot.wait_idle(10)
    assert _lines(stream) == {"who pays return shipping?": "feishu-req-7f3a"}
    # the answer really ran on the bot's worker pool, not on the thread that handled the request
    assert answerer.threads and all(name.startswith("feishu") for name in answerer.threads)


def test_each_request_keeps_its_own_id_and_a_generated_id_is_the_one_echoed(
    served: tuple[str, Any, LoggingAnswerer, io.StringIO],
) -> None:
    url, bot, _, stream = served
    first = _post(url, "first question", request_id="req-one")
    second = _post(url, "second question", request_id="req-two")
    third = _post(url, "third question")  # no X-Request-Id: the server makes one and echoes it
    assert bot.wait_idle(10)
    assert all(r.status_code == 200 for r in (first, second, third))
    generated = third.headers["x-request-id"]
    assert generated not in ("req-one", "req-two", "-", "")
    assert _lines(stream) == {"first question": "req-one", "second question": "req-two", "third question": generated}
