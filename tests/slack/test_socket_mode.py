"""Socket Mode against a local fake Socket Mode server and the mock Web API."""

from __future__ import annotations

import copy
from typing import Any, Callable

import pytest

from bot import messages
from bot.config import Settings
from bot.errors import ConfigError
from bot.slack.socket import start_socket_mode
from bot.storage.db import StateStore
from tests.slack.blockutil import action_ids
from tests.slack.fake_socket_mode import FakeSocketModeServer
from tests.slack.mock_slack_api import MockSlackApi
from tests.slack.support import APP_TOKEN, FakeAnswerer, FixedContainer, fixture


def test_slash_command_and_mention_over_socket_mode(
    slack_api: MockSlackApi, make_settings: Callable[..., Settings], state: StateStore
) -> None:
    envelopes: dict[str, Any] = fixture("socket_mode_envelopes.json")
    slash = copy.deepcopy(envelopes["slash_commands"])
    slash["payload"].update({"text": "who pays return shipping?", "response_url": slack_api.webhook_url})
    mention = copy.deepcopy(envelopes["events_api"])  # carries retry_attempt 1: the first one we see
    mention["payload"]["event"]["text"] = "<@U0005BOTUSER> and damaged items?"
    redelivered = copy.deepcopy(mention)
    redelivered.update({"envelope_id": "redelivered-envelope", "retry_attempt": 2})

    server = FakeSocketModeServer([slash, mention, redelivered], envelopes["hello"]).start()
    slack_api.ws_url = server.url
    answerer = FakeAnswerer()
    container = FixedContainer(make_settings(slack_app_token=APP_TOKEN), answerer, state)
    handler = start_socket_mode(container)
    try:
        (opened,) = slack_api.wait_for("/apps.connections.open")
        assert opened.headers["authorization"] == f"Bearer {APP_TOKEN}"

        ack = server.wait_for_frame(slash["envelope_id"])
        assert ack == {
            "envelope_id": slash["envelope_id"],
            "payload": {"text": messages.text("thinking", "en")},
        }
        (hook,) = slack_api.wait_for("/webhook")
        assert hook.body["response_type"] == "in_channel"
        assert action_ids(hook.body["blocks"]) == ["feedback_up", "feedback_down", "resolve_mark", "need_human"]

        assert server.wait_for_frame(mention["envelope_id"]) == {"envelope_id": mention["envelope_id"]}
        assert server.wait_for_frame("redelivered-envelope") == {"envelope_id": "redelivered-envelope"}
        (update,) = slack_api.wait_for("/chat.update")
        assert "Customers pay return shipping" in update.body["text"]
        slack_api.settle()
        assert len(slack_api.calls("/chat.postMessage")) == 1  # the redelivery was acked and dropped
        assert sorted(c["question"] for c in answerer.calls) == [
            "and damaged items?",
            "who pays return shipping?",
        ]
    finally:
        handler.close()
        server.stop()


def test_socket_mode_needs_an_app_token(make_settings: Callable[..., Settings], state: StateStore) -> None:
    container = FixedContainer(make_settings(), FakeAnswerer(), state)
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        start_socket_mode(container)
