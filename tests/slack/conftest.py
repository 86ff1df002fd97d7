from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import httpx
import pytest
from starlette.applications import Starlette

from bot.commands.registry import discover
from bot.config import Settings, load_settings
from bot.conversation import ConversationService
from bot.server import build_asgi_app
from bot.slack.app import ContainerRouter, build_slack_app
from bot.slack.http import events_endpoint
from bot.storage.db import Database, StateStore
from tests.slack.fake_commands import TEST_COMMANDS
from tests.slack.mock_slack_api import MockSlackApi
from tests.slack.support import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeAnswerer,
    FakeClock,
    FixedContainer,
    ServerThread,
    SwappableApp,
    action_body,
    event_body,
    signed_headers,
    slash_body,
    view_body,
)


@pytest.fixture(scope="session", autouse=True)
def _commands_imported() -> None:
    """Import every command module once, so the first request's ack does not pay for the imports."""
    discover()


@pytest.fixture
def slack_api() -> Iterator[MockSlackApi]:
    api = MockSlackApi().start()
    yield api
    api.stop()


@pytest.fixture
def state(tmp_path: Any) -> Iterator[StateStore]:
    db = Database(f"sqlite:///{tmp_path / 'state.db'}")
    yield StateStore(db)
    db.close()


@pytest.fixture
def make_settings(tmp_path: Any, slack_api: MockSlackApi) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": slack_api.url,
            "slack_oncall_group": "S0ONCALL01",
            "database_url": f"sqlite:///{tmp_path / 'state.db'}",
        }
        values.update(overrides)
        return load_settings(data_dir=tmp_path, env_file=None, **values)

    return make


@dataclass
class Stack:
    """The Slack adapter served by a real uvicorn server, its mock Web API, state and fake answerer."""

    api: MockSlackApi
    state: StateStore
    answerer: FakeAnswerer
    settings: Settings
    server: ServerThread
    http: httpx.Client
    conversation: ConversationService
    extra: dict[str, Any] = field(default_factory=dict)

    def post(self, body: str, content_type: str, **kwargs: Any) -> httpx.Response:
        headers = signed_headers(body, content_type, **kwargs)
        return self.http.post(f"{self.server.url}/slack/events", content=body.encode(), headers=headers)

    def slash(self, command: str, text: str = "", **fields: str) -> httpx.Response:
        body = slash_body(command, text, self.api.webhook_url, **fields)
        return self.post(body, "application/x-www-form-urlencoded")

    def event(
        self,
        name: str = "event_app_mention.json",
        *,
        event_id: str | None = None,
        retry: int | None = None,
        **event_fields: Any,
    ) -> httpx.Response:
        body = event_body(name, event_id=event_id, **event_fields)
        extra = {"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_timeout"} if retry else None
        return self.post(body, "application/json", extra=extra)

    def click(self, action_id: str, value: str, **kwargs: Any) -> httpx.Response:
        body = action_body(action_id, value, self.api.webhook_url, **kwargs)
        return self.post(body, "application/x-www-form-urlencoded")

    def submit(self, view: dict[str, Any], values: dict[str, str], **kwargs: Any) -> httpx.Response:
        return self.post(view_body(view, values, **kwargs), "application/x-www-form-urlencoded")


@pytest.fixture(scope="session")
def shared_server() -> Iterator[tuple[ServerThread, SwappableApp]]:
    """One real uvicorn server for the session; each test mounts its own Starlette app on it."""
    mount = SwappableApp()
    with ServerThread(mount) as server:
        yield server, mount


@pytest.fixture
def make_stack(
    slack_api: MockSlackApi,
    state: StateStore,
    make_settings: Callable[..., Settings],
    shared_server: tuple[ServerThread, SwappableApp],
) -> Iterator[Callable[..., Stack]]:
    """Builds the stack of a test (one per test: it mounts its app on the shared server)."""
    server, mount = shared_server
    clients: list[httpx.Client] = []

    def make(
        answerer: FakeAnswerer | None = None,
        *,
        state_store: StateStore | None = None,
        update_interval: float | None = None,
        clock: FakeClock | None = None,
        **settings_overrides: Any,
    ) -> Stack:
        answerer = answerer or FakeAnswerer()
        settings = make_settings(**settings_overrides)
        store = state_store or state
        container = FixedContainer(settings, answerer, store, extra_commands=TEST_COMMANDS)
        if update_interval is None and clock is None:  # the production wiring: bot.server -> slack_routes
            mount.app = build_asgi_app(container, warm=False)
        else:
            app = build_slack_app(
                settings,
                ContainerRouter(container),
                store,
                update_interval=update_interval if update_interval is not None else 1.2,
                clock=clock or FakeClock(),
            )
            mount.app = Starlette(routes=[events_endpoint(app)])
        client = httpx.Client(timeout=10)
        clients.append(client)
        return Stack(slack_api, store, answerer, settings, server, client, container.conversation())

    yield make
    mount.app = None
    for client in clients:
        client.close()


@pytest.fixture
def stack(make_stack: Callable[..., Stack]) -> Stack:
    return make_stack()
