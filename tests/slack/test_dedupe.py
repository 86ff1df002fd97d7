"""Events API redeliveries are answered once, also across replicas sharing PostgreSQL."""

from __future__ import annotations

import time
import uuid
from typing import Any, Iterator

import psycopg
import pytest
from slack_bolt import App, BoltRequest

from bot.slack.app import ContainerRouter, build_slack_app, build_web_client, dedupe_key
from bot.storage.db import Database, StateStore
from tests.slack.conftest import Stack
from tests.slack.mock_slack_api import BOT_USER_ID, MockSlackApi
from tests.slack.support import FakeAnswerer, FixedContainer, event_body, signed_headers

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def test_redelivery_with_retry_header_is_answered_once(stack: Stack) -> None:
    event_id = "Ev" + uuid.uuid4().hex[:10].upper()
    first = stack.event(event_id=event_id, text=f"<@{BOT_USER_ID}> who pays return shipping?")
    retry = stack.event(event_id=event_id, retry=1, text=f"<@{BOT_USER_ID}> who pays return shipping?")
    assert first.status_code == 200 and retry.status_code == 200
    stack.api.wait_for("/chat.update")
    stack.api.settle()
    assert len(stack.api.calls("/chat.postMessage")) == 1
    assert len(stack.api.calls("/chat.update")) == 1
    assert len(stack.answerer.calls) == 1


def test_a_first_delivery_that_arrives_as_a_retry_is_answered(stack: Stack) -> None:
    # the original delivery never reached us (e.g. connection_failed): the retry must be answered
    stack.event(retry=2, text=f"<@{BOT_USER_ID}> who pays return shipping?")
    stack.api.wait_for("/chat.update")
    assert len(stack.answerer.calls) == 1


def test_dedupe_keys() -> None:
    assert dedupe_key({"type": "event_callback", "team_id": "T1", "event_id": "Ev1"}) == "slack:event:T1:Ev1"
    assert dedupe_key({"type": "block_actions", "actions": [{"action_ts": "1.2"}], "trigger_id": "t"}) == (
        "slack:action:1.2"
    )
    assert dedupe_key({"type": "block_actions", "actions": [{}], "trigger_id": "t"}) == "slack:action:t"
    assert dedupe_key({"command": "/ask", "text": "x"}) is None  # slash commands are never retried
    assert dedupe_key({"type": "url_verification"}) is None


@pytest.fixture
def postgres_state() -> Iterator[tuple[StateStore, StateStore]]:
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=2).close()
    except Exception as exc:
        pytest.skip(f"PostgreSQL unreachable at 127.0.0.1:5432 ({type(exc).__name__})")
    first, second = Database(POSTGRES_URL), Database(POSTGRES_URL)  # one connection per "replica"
    yield StateStore(first), StateStore(second)
    first.close()
    second.close()


def _signed_request(body: str, **extra: str) -> BoltRequest:
    headers = signed_headers(body, "application/json", extra=extra or None)
    return BoltRequest(body=body, headers={k: [v] for k, v in headers.items()})


@pytest.mark.postgres
def test_redelivery_to_another_replica_is_dropped(
    postgres_state: tuple[StateStore, StateStore], slack_api: MockSlackApi, make_settings: Any
) -> None:
    settings = make_settings()
    answerers = [FakeAnswerer(), FakeAnswerer()]
    replicas: list[App] = [
        build_slack_app(
            settings, ContainerRouter(FixedContainer(settings, answerer, store)), store,
            client=build_web_client(settings),
        )
        for answerer, store in zip(answerers, postgres_state)
    ]
    event_id = "Ev" + uuid.uuid4().hex.upper()
    started = time.time()
    body = event_body(event_id=event_id, text=f"<@{BOT_USER_ID}> who pays return shipping?")
    try:
        assert replicas[0].dispatch(_signed_request(body)).status == 200
        retried = _signed_request(body, **{"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"})
        assert replicas[1].dispatch(retried).status == 200
        slack_api.wait_for("/chat.update")
        slack_api.settle()
        assert len(slack_api.calls("/chat.postMessage")) == 1
        assert [len(a.calls) for a in answerers] == [1, 0]
    finally:  # leave the shared test database as we found it
        db = postgres_state[0].db
        db.execute("DELETE FROM processed_events WHERE event_key = ?", (f"slack:event:T0001ABCD:{event_id}",))
        db.execute(
            "DELETE FROM thread_turns WHERE thread_key = ? AND created_at >= ?",
            ("slack:C0003CHAN:1700000000.000100", started),
        )
        db.execute(
            "DELETE FROM answers WHERE platform = 'slack' AND channel_id = 'C0003CHAN' AND created_at >= ?",
            (started,),
        )
