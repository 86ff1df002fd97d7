"""Two replicas sharing one PostgreSQL database answer a redelivered message once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest


from .conftest import InjectedContainer, feishu_settings
from .helpers import FakeAnswerer, MockOpenApi, ServerThread, message_event, signed_request

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _postgres_or_skip() -> None:
    try:
        import psycopg

        psycopg.connect(PG_URL, connect_timeout=2).close()
    except Exception as exc:  # driver missing, server down, auth refused
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432 ({type(exc).__name__})")


@pytest.mark.postgres
def test_redelivery_to_two_replicas_is_answered_once(tmp_path: Path, mock_api: MockOpenApi) -> None:
    _postgres_or_skip()
    import httpx
    from starlette.applications import Starlette

    from bot.feishu.app import build_feishu
    from bot.feishu.http import webhook_routes
    from bot.storage.db import Database, StateStore

    settings = feishu_settings(tmp_path, mock_api.url)
    replicas = []
    for _ in range(2):  # separate processes in production: own connection, own pool, own server
        answerer = FakeAnswerer()
        state = StateStore(Database(PG_URL))
        bot = build_feishu(settings, InjectedContainer(settings, answerer, state).router(), state)
        server = ServerThread(Starlette(routes=webhook_routes(bot))).start()
        replicas.append((answerer, bot, server))
    try:
        for _, bot, _ in replicas:
            assert bot.wait_idle(10)
        mock_api.reset()
        event = message_event("p2p", "who pays return shipping?")
        body, headers = signed_request(event)
        statuses: list[int] = []

        def deliver(url: str) -> None:  # Feishu's retry may land on the other replica, even concurrently
            statuses.append(httpx.post(url + "/feishu/events", content=body, headers=headers, timeout=10).status_code)

        threads = [threading.Thread(target=deliver, args=(server.url,)) for _, _, server in replicas * 2]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        for _, bot, _ in replicas:
            assert bot.wait_idle(10)
        assert statuses == [200, 200, 200, 200]
        assert sum(len(answerer.calls) for answerer, _, _ in replicas) == 1
        message_id = event["event"]["message"]["message_id"]
        assert [c.path for c in mock_api.find("POST", "/reply")] == [f"/open-apis/im/v1/messages/{message_id}/reply"]
        assert len(mock_api.find("PATCH")) == 1
    finally:
        for _, bot, server in replicas:
            bot.close(5)
            server.stop()
            bot.state.db.close()
