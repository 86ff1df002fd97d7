"""Nothing runs before Bolt verifies the request signature (v0 HMAC, 5-minute replay window)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.slack.conftest import Stack
from tests.slack.mock_slack_api import BOT_USER_ID
from tests.slack.support import event_body, signed_headers, slash_body


def _post(stack: Stack, body: str, content_type: str, headers: dict[str, Any]) -> int:
    return stack.http.post(f"{stack.server.url}/slack/events", content=body, headers=headers).status_code


def _assert_nothing_ran(stack: Stack) -> None:
    stack.api.settle(quiet=0.4)
    assert stack.api.requests == []  # not even auth.test: verification comes first
    assert stack.answerer.calls == []
    assert stack.state.feedback() == []


@pytest.mark.parametrize("kind", ["slash", "event"])
def test_forged_signature_is_rejected(stack: Stack, kind: str) -> None:
    if kind == "slash":
        body, ctype = (
            slash_body("/ask", "who pays?", stack.api.webhook_url),
            "application/x-www-form-urlencoded",
        )
    else:
        body, ctype = event_body(text=f"<@{BOT_USER_ID}> who pays?"), "application/json"
    headers = signed_headers(body, ctype, secret="not-the-signing-secret")
    assert _post(stack, body, ctype, headers) == 401
    _assert_nothing_ran(stack)


def test_body_tampered_after_signing_is_rejected(stack: Stack) -> None:
    body = slash_body("/ask", "who pays?", stack.api.webhook_url)
    headers = signed_headers(body, "application/x-www-form-urlencoded")
    assert _post(stack, body.replace("who", "how"), "application/x-www-form-urlencoded", headers) == 401
    _assert_nothing_ran(stack)


def test_stale_timestamp_is_rejected(stack: Stack) -> None:
    body = slash_body("/ask", "who pays?", stack.api.webhook_url)
    headers = signed_headers(body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 301)
    assert _post(stack, body, "application/x-www-form-urlencoded", headers) == 401
    _assert_nothing_ran(stack)


@pytest.mark.parametrize("missing", ["x-slack-signature", "x-slack-request-timestamp"])
def test_missing_signature_headers_are_rejected(stack: Stack, missing: str) -> None:
    body = event_body(text=f"<@{BOT_USER_ID}> who pays?")
    headers = signed_headers(body, "application/json")
    del headers[missing]
    assert _post(stack, body, "application/json", headers) == 401
    _assert_nothing_ran(stack)


def test_bolt_internal_lazy_headers_from_callers_are_ignored(stack: Stack) -> None:
    body = slash_body("/ask", "who pays?", stack.api.webhook_url)
    extra = {"x-slack-bolt-lazy-only": "1", "x-slack-bolt-lazy-function-name": "on_command"}
    headers = signed_headers(body, "application/x-www-form-urlencoded", secret="forged", extra=extra)
    assert _post(stack, body, "application/x-www-form-urlencoded", headers) == 401
    _assert_nothing_ran(stack)


def test_only_post_is_routed(stack: Stack) -> None:
    assert stack.http.get(f"{stack.server.url}/slack/events").status_code == 405
