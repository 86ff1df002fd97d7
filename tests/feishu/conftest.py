from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest

from bot.commands.base import CommandSpec
from bot.commands.registry import Registry, discover
from bot.config import Settings, load_settings
from bot.container import Container
from bot.conversation import ConversationService
from bot.router import CommandRouter
from bot.storage.db import Database, StateStore
from tests.slack.fake_commands import TEST_COMMANDS
from tests.slack.support import FakeClock

from .helpers import ENCRYPT_KEY, ONCALL, VERIFICATION_TOKEN, FakeAnswerer, MockOpenApi, ServerThread, signed_request


@pytest.fixture(scope="session")
def mock_api_server() -> Iterator[MockOpenApi]:
    server = MockOpenApi().start()
    yield server
    server.stop()


@pytest.fixture
def mock_api(mock_api_server: MockOpenApi) -> MockOpenApi:
    mock_api_server.reset()
    mock_api_server._failures.clear()
    mock_api_server.ws_url = ""
    return mock_api_server


def feishu_settings(tmp_path: Path, api_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        # a distinct app id per test: lark-oapi caches tenant tokens process-wide, keyed by app id
        "feishu_app_id": f"cli_test{uuid.uuid4().hex[:12]}",
        "feishu_app_secret": "test-app-secret",
        "feishu_verification_token": VERIFICATION_TOKEN,
        "feishu_encrypt_key": ENCRYPT_KEY,
        "feishu_api_url": api_url,
        "feishu_oncall_open_ids": ",".join(ONCALL),
        "feishu_escalation_chat_id": "oc_escalation000000000000000000001",
    }
    values.update(overrides)
    return load_settings(data_dir=tmp_path, env_file=None, **values)


class InjectedContainer(Container):
    """A Container whose answering core and state are given: the real command registry and router run
    (plus `extra_commands`, test-only commands), with `core` as the answerer, or `core` as the router."""

    def __init__(
        self, settings: Settings, core: Any, state: StateStore, *, extra_commands: tuple[CommandSpec, ...] = ()
    ) -> None:
        super().__init__(settings)
        self._given_state = state
        self._given_router = None if hasattr(core, "answer") else core
        self._given_answerer = core if hasattr(core, "answer") else None
        self._extra_commands = extra_commands
        self._built_router: CommandRouter | None = None

    def answerer(self) -> Any:
        return self._given_answerer if self._given_answerer is not None else super().answerer()

    def router(self) -> Any:
        if self._given_router is not None:
            return self._given_router
        if self._built_router is None:
            self._built_router = CommandRouter(Registry([*discover(), *self._extra_commands]), self)
        return self._built_router

    def state(self) -> StateStore:
        return self._given_state


@dataclass
class Harness:
    url: str
    bot: Any
    answerer: FakeAnswerer
    state: StateStore
    api: MockOpenApi
    settings: Settings
    rules: ConversationService

    def post(self, payload: dict[str, Any], path: str = "/feishu/events", **kwargs: Any) -> httpx.Response:
        body, headers = signed_request(payload, **kwargs)
        return self.post_raw(body, headers, path)

    def post_raw(self, body: bytes, headers: dict[str, str], path: str = "/feishu/events") -> httpx.Response:
        return httpx.post(self.url + path, content=body, headers=headers, timeout=10)

    def settle(self) -> None:
        assert self.bot.wait_idle(10), "background work did not finish"

    def processed(self, key: str) -> bool:
        return bool(self.state.db.query("SELECT 1 FROM processed_events WHERE event_key = ?", (key,)))


@pytest.fixture
def make_feishu(tmp_path: Path, mock_api: MockOpenApi) -> Iterator[Callable[..., Harness]]:
    from starlette.applications import Starlette

    from bot.feishu.http import feishu_routes

    started: list[tuple[ServerThread, Any]] = []

    def make(*, clock: FakeClock | None = None, **overrides: Any) -> Harness:
        from bot.feishu.app import build_feishu
        from bot.feishu.http import webhook_routes

        settings = feishu_settings(tmp_path, mock_api.url, **overrides)
        answerer = FakeAnswerer()
        state = StateStore(Database(f"sqlite:///{tmp_path / f'state-{len(started)}.db'}"))
        container = InjectedContainer(settings, answerer, state, extra_commands=TEST_COMMANDS)
        if clock is None:
            # The routes exactly as bot.server.build_asgi_app mounts them (see test_server_wiring).
            app = Starlette(routes=feishu_routes(container))
            route = next(r for r in app.routes if getattr(r, "path", "") == "/feishu/events")
            bot = route.endpoint.__self__.bot  # type: ignore[attr-defined]
        else:  # the same bot with a fake clock driving the card streaming
            bot = build_feishu(settings, container.router(), state, rules=container.conversation(), clock=clock,
                               sleep=clock.sleep)
            app = Starlette(routes=webhook_routes(bot))
        server = ServerThread(app).start()
        started.append((server, bot))
        assert bot.wait_idle(10)  # the bot-info prefetch
        mock_api.reset()
        return Harness(server.url, bot, answerer, state, mock_api, settings, container.conversation())

    yield make
    for server, bot in started:
        bot.close(5)
        server.stop()


@pytest.fixture
def feishu(make_feishu: Callable[..., Harness]) -> Harness:
    return make_feishu()
