"""Nothing runs before Bolt verifies the request signature (v0 HMAC, 5-minute replay window)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import socket
import time
from typing import Any, Callable
from urllib.parse import quote

import pytest

from testkit import assert_quiet  # noqa: E402

from tests.slack.conftest import Stack
from tests.slack.mock_slack_api import BOT_USER_ID, MockSlackApi
from tests.slack.support import BOT_TOKEN, SIGNING_SECRET, event_body, signed_headers, slash_body


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


# --- malformed bodies: 401 (unsigned) or 400 (signed), never a 500 or a traceback ---------------------

MALFORMED = {
    "invalid-json": ("{not json", "application/json"),
    "json-array": ('[{"type": "event_callback"}]', "application/json"),
    "json-null": ("null", "application/json"),
    "json-string": ('"hello"', "application/json"),
    "json-number": ("42", "application/json"),
    "payload-garbage": ("payload=garbage", "application/x-www-form-urlencoded"),
    "payload-array": ("payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),
    "not-utf8": ("\udcff\udcfe", "application/x-www-form-urlencoded"),
    "nested-not-object": ('{"type": "event_callback", "event": "x", "authorizations": "y"}', "application/json"),
    "event-not-object": ('{"type": "event_callback", "event": "x", "event_id": "Ev1"}', "application/json"),
    "actions-not-list": ("payload=" + quote('{"type": "block_actions", "actions": "x"}'), "application/x-www-form-urlencoded"),
    "empty-object": ("{}", "application/json"),
    "empty-body": ("", "application/json"),
}




def _raw(body: str) -> bytes:
    return body.encode("utf-8", errors="surrogateescape")


def _sign_raw(raw: bytes, content_type: str, secret: str = SIGNING_SECRET, ts: str | None = None) -> dict[str, str]:
    ts = ts or str(int(time.time()))
    base = b"v0:" + ts.encode() + b":" + raw
    mac = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"content-type": content_type, "x-slack-request-timestamp": ts, "x-slack-signature": f"v0={mac}"}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_signed_malformed_body_is_400(stack: Stack, all_logs: pytest.LogCaptureFixture, name: str) -> None:
    body, ctype = MALFORMED[name]
    raw = _raw(body)
    resp = stack.http.post(f"{stack.server.url}/slack/events", content=raw, headers=_sign_raw(raw, ctype))
    # Bolt's SignatureVerifier reads the body as UTF-8: other bytes cannot be verified, hence 401
    assert resp.status_code == (401 if name == "not-utf8" else 400), resp.text
    assert "Traceback" not in resp.text and "Expecting" not in resp.text
    _assert_nothing_ran(stack)
    assert_quiet(all_logs)


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_unsigned_malformed_body_is_401(stack: Stack, all_logs: pytest.LogCaptureFixture, name: str) -> None:
    body, ctype = MALFORMED[name]
    raw = _raw(body)
    headers = _sign_raw(raw, ctype, secret="not-the-signing-secret")
    resp = stack.http.post(f"{stack.server.url}/slack/events", content=raw, headers=headers)
    assert resp.status_code == 401
    _assert_nothing_ran(stack)
    assert_quiet(all_logs)


@pytest.mark.parametrize("timestamp", ["abc", "1e9", "", "-", "+1", "1_0", "9" * 40, "１２３"])
def test_non_numeric_timestamp_is_401(stack: Stack, all_logs: pytest.LogCaptureFixture, timestamp: str) -> None:
    body = slash_body("/ask", "who pays?", stack.api.webhook_url)
    raw = body.encode()
    headers = _sign_raw(raw, "application/x-www-form-urlencoded")
    headers["x-slack-request-timestamp"] = timestamp
    # a signature over the odd timestamp itself, so only the timestamp check can refuse it
    headers["x-slack-signature"] = _sign_raw(raw, "", ts=timestamp or "0")["x-slack-signature"]
    sent = {k: v.encode() for k, v in headers.items()}  # bytes: a non-ASCII timestamp goes out as UTF-8
    resp = stack.http.post(f"{stack.server.url}/slack/events", content=raw, headers=sent)
    assert resp.status_code == 401
    _assert_nothing_ran(stack)
    assert_quiet(all_logs)


def test_huge_signature_header_is_401_and_not_logged_whole(
    stack: Stack, all_logs: pytest.LogCaptureFixture
) -> None:
    body = slash_body("/ask", "who pays?", stack.api.webhook_url)
    headers = signed_headers(body, "application/x-www-form-urlencoded")
    headers["x-slack-signature"] = "v0=" + "a" * 60_000
    resp = stack.http.post(f"{stack.server.url}/slack/events", content=body.encode(), headers=headers)
    assert resp.status_code in (400, 401, 431)
    _assert_nothing_ran(stack)
    assert_quiet(all_logs)
    assert all(len(r.getMessage()) < 5_000 for r in all_logs.records)


# --- the Web API unreachable: requests are still acknowledged (bot.slack.auth) ------------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again on exit: connections are refused


def test_slash_commands_are_answered_while_the_web_api_is_unreachable(
    make_stack: Callable[..., Stack], all_logs: pytest.LogCaptureFixture
) -> None:
    stack = make_stack(slack_api_url=f"http://127.0.0.1:{_closed_port()}/")
    for i in range(3):
        resp = stack.slash("/ask", f"who pays return shipping {i}?")
        assert resp.status_code == 200, resp.text
    hooks = stack.api.wait_for("/webhook", 3)
    replies = sorted(json.dumps(h.body, ensure_ascii=False) for h in hooks)
    for i, reply in enumerate(replies):
        assert "Customers pay return shipping" in reply and f"shipping {i}?" in reply
    auth_lines = [r for r in all_logs.records if r.name == "bot.slack.auth" and r.levelno >= logging.INFO]
    assert len(auth_lines) == 1, [r.getMessage() for r in auth_lines]  # once, not per request
    assert auth_lines[0].levelno == logging.WARNING and "unreachable" in auth_lines[0].getMessage()
    assert "ConnectionRefused" in auth_lines[0].getMessage() or "refused" in auth_lines[0].getMessage().lower()
    assert not [r for r in all_logs.records if r.exc_info], "a traceback was logged"
    noisy = ("slack_bolt", "slack_sdk", "uvicorn", "bot.slack.auth")
    assert not [r for r in all_logs.records if r.name.startswith(noisy) and r.levelno >= logging.ERROR]


def test_web_api_identity_is_cached_and_retried_after_a_failure(
    slack_api: MockSlackApi, caplog: pytest.LogCaptureFixture
) -> None:
    from slack_sdk import WebClient

    from bot.slack.auth import WorkspaceAuthorization

    now = [1000.0]
    closed = WebClient(token=BOT_TOKEN, base_url=f"http://127.0.0.1:{_closed_port()}/")
    auth = WorkspaceAuthorization(closed, retry_after=30, clock=lambda: now[0])
    with caplog.at_level(logging.DEBUG, logger="bot.slack.auth"):
        first = auth(enterprise_id=None, team_id="T1", user_id="U1")
        assert first.bot_token == BOT_TOKEN and first.bot_user_id is None and first.team_id == "T1"
        auth(team_id="T1", user_id="U1")  # within the retry window: no second attempt
        now[0] += 31
        auth(team_id="T1", user_id="U1")  # retried, still failing: logged at DEBUG only
        auth._probe.base_url = slack_api.url  # the API is back
        now[0] += 31
        result = auth(team_id="T1", user_id="U1")
        assert result.bot_user_id == BOT_USER_ID and result.bot_token == BOT_TOKEN
        auth(team_id="T1", user_id="U1")
    assert len(slack_api.calls("/auth.test")) == 1  # cached once it succeeded
    levels = [(r.levelname, r.getMessage().split(" (")[0]) for r in caplog.records if r.name == "bot.slack.auth"]
    assert [lv for lv, _ in levels] == ["WARNING", "DEBUG", "INFO"], levels


# --- /metrics and X-Request-Id over the production wiring ------------------------------------------


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    from prometheus_client.parser import text_string_to_metric_families

    out: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def test_metrics_count_requests_replies_and_rejections(stack: Stack) -> None:
    from bot import metrics

    metrics.reset()
    for _ in range(2):
        assert stack.slash("/ask", "who pays return shipping?").status_code == 200
    forged = stack.post(slash_body("/ask", "x", stack.api.webhook_url), "application/x-www-form-urlencoded",
                        secret="forged")
    assert forged.status_code == 401
    stack.api.wait_for("/webhook", 2)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # the replies are counted by the lazy listener, after the ack
        resp = stack.http.get(f"{stack.server.url}/metrics")
        values = _samples(resp.text)
        if values.get(("cs_copilot_replies_total", (("grounded", "true"), ("kind", "answer"), ("platform", "slack")))) == 2:
            break
        time.sleep(0.05)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/plain")
    slack = "/slack/events"
    assert values[("cs_copilot_http_requests_total", (("method", "POST"), ("route", slack), ("status", "200")))] == 2
    assert values[("cs_copilot_http_requests_total", (("method", "POST"), ("route", slack), ("status", "401")))] == 1
    assert values[("cs_copilot_http_request_seconds_count", (("route", slack),))] == 3
    assert values[("cs_copilot_errors_total", (("kind", "unauthorized"), ("where", "slack")))] == 1
    assert values[("cs_copilot_replies_total", (("grounded", "true"), ("kind", "answer"), ("platform", "slack")))] == 2


def test_every_response_carries_a_request_id(stack: Stack) -> None:
    given = stack.http.post(f"{stack.server.url}/slack/events", content=b"{}",
                            headers={"x-request-id": "req-42.a", "content-type": "application/json"})
    assert given.status_code == 401 and given.headers["x-request-id"] == "req-42.a"
    fresh = stack.slash("/ask", "who pays?")
    other = stack.slash("/ask", "who pays?")
    assert fresh.headers["x-request-id"] != other.headers["x-request-id"]
    assert len(fresh.headers["x-request-id"]) >= 8
    unsafe = stack.http.get(f"{stack.server.url}/healthz", headers={"x-request-id": "a b\"<script>"})
    assert unsafe.headers["x-request-id"] != "a b\"<script>" and " " not in unsafe.headers["x-request-id"]
