"""Wiring: the ASGI server, the container, Settings-driven WebClient, and text conventions."""

from __future__ import annotations

from typing import Any, Callable

import httpx
import pytest
from slack_bolt import BoltRequest
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.config import Settings
from bot.container import Container
from bot.errors import StoreUnavailable
from bot.commands.ask import split_private_flag
from bot.models import ActionEvent, FormSubmission, IncomingMessage
from bot.slack.app import ContainerRouter, build_slack_app, build_web_client
from bot.slack.common import base_action_id, oncall_mention, strip_mentions
from bot.slack.http import slack_routes
from bot.storage.db import StateStore
from tests.slack.mock_slack_api import MockSlackApi
from tests.slack.support import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeAnswerer,
    FixedContainer,
    ServerThread,
    signed_headers,
    slash_body,
)


def test_build_asgi_app_serves_slack_events_and_healthz(
    slack_api: MockSlackApi, make_settings: Callable[..., Settings], state: StateStore
) -> None:
    from bot.server import build_asgi_app

    container = FixedContainer(make_settings(), FakeAnswerer(), state)
    with ServerThread(build_asgi_app(container, warm=False)) as server, httpx.Client() as http:
        assert http.get(f"{server.url}/healthz").json() == {"ok": True, "platforms": ["slack"]}
        body = slash_body("/ask", "who pays return shipping?", slack_api.webhook_url)
        headers = signed_headers(body, "application/x-www-form-urlencoded")
        assert http.post(f"{server.url}/slack/events", content=body, headers=headers).status_code == 200
        slack_api.wait_for("/webhook")


def test_http_mode_requires_the_signing_secret(
    make_settings: Callable[..., Settings], state: StateStore
) -> None:
    container = FixedContainer(make_settings(slack_signing_secret=""), FakeAnswerer(), state)
    with pytest.raises(Exception, match="SLACK_SIGNING_SECRET"):
        slack_routes(container)


def test_without_signing_secret_no_http_request_can_verify(
    make_settings: Callable[..., Settings], state: StateStore
) -> None:
    settings = make_settings(slack_signing_secret="")
    app = build_slack_app(settings, ContainerRouter(FixedContainer(settings, FakeAnswerer(), state)), state, lazy=False)
    body = slash_body("/ask", "x", "http://127.0.0.1:9/webhook")
    for secret in (SIGNING_SECRET, "secret"):
        headers = signed_headers(body, "application/x-www-form-urlencoded", secret=secret)
        assert app.dispatch(BoltRequest(body=body, headers=headers)).status == 401  # type: ignore[arg-type]


def test_web_client_follows_settings(make_settings: Callable[..., Settings], slack_api: MockSlackApi) -> None:
    client = build_web_client(make_settings())
    assert client.base_url == slack_api.url
    assert client.token == BOT_TOKEN
    assert any(isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers)


def test_non_lazy_app_answers_before_dispatch_returns(
    make_settings: Callable[..., Settings], slack_api: MockSlackApi, state: StateStore
) -> None:
    settings = make_settings()
    app = build_slack_app(settings, ContainerRouter(FixedContainer(settings, FakeAnswerer(), state)), state, lazy=False)
    body = slash_body("/ask", "who pays return shipping?", slack_api.webhook_url)
    headers = signed_headers(body, "application/x-www-form-urlencoded")
    resp = app.dispatch(BoltRequest(body=body, headers=headers))  # type: ignore[arg-type]
    assert resp.status == 200
    assert [r.path for r in slack_api.requests if r.path == "/webhook"] == ["/webhook"]


class _BrokenContainer(Container):
    def router(self) -> Any:
        raise StoreUnavailable("chroma down")


def test_container_router_turns_a_broken_core_into_a_friendly_reply(
    make_settings: Callable[..., Settings],
) -> None:
    router = ContainerRouter(_BrokenContainer(make_settings()))
    msg = IncomingMessage(text="退货运费谁出？", platform="slack", command="/ask")
    reply = router.handle(msg)
    assert reply.kind == "error" and reply.language == "zh"
    assert reply.text.startswith("知识库服务暂时无法连接")
    assert router.spec_for(msg) is None  # no placeholder promised when nothing can answer
    click = router.handle_action(ActionEvent("survey_pick", "a", "U1", "C1", "slack", language="zh"))
    assert click is not None and click.kind == "error" and click.text.startswith("知识库服务暂时无法连接")
    form = router.handle_form(FormSubmission("/survey", "rate", {}, "U1", "slack"))
    assert form.kind == "error" and form.text.startswith("The knowledge store is unreachable")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("who pays?", ("who pays?", False)),
        ("-p who pays?", ("who pays?", True)),
        ("--PRIVATE: who pays?", ("who pays?", True)),
        ("who pays? --private", ("who pays?", True)),
        ("仅自己 退货运费谁出？", ("退货运费谁出？", True)),
        ("what is a-p ratio", ("what is a-p ratio", False)),
        ("-pricing question", ("-pricing question", False)),
        ("only me", ("", True)),
    ],
)
def test_private_flag(text: str, expected: tuple[str, bool]) -> None:
    assert split_private_flag(text) == expected


def test_strip_mentions_and_oncall() -> None:
    assert strip_mentions("<@U0005BOT> who  pays? <@U0005BOT|cs>", "U0005BOT") == "who pays?"
    assert strip_mentions("<@U0005BOT> hi <@U0OTHER>", None) == "hi <@U0OTHER>"
    assert oncall_mention("S0ONCALL01") == "<!subteam^S0ONCALL01>"
    assert oncall_mention("@cs-oncall") == "@cs-oncall"
    assert oncall_mention("") == ""
    assert base_action_id("survey_pick~2") == "survey_pick" and base_action_id("share") == "share"
