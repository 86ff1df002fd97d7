"""bot/server.py under a real uvicorn server: /healthz, /metrics, X-Request-Id, correlation ids in JSON
logs, and the last-resort handler for an exception that escapes a route."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
import uvicorn
from prometheus_client.parser import text_string_to_metric_families
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot import metrics
from bot.config import load_settings
from bot.container import Container
from bot.logs import MAX_MESSAGE_CHARS, configure_logging, new_correlation_id
from bot.server import RequestContext, build_asgi_app

SIGNING_SECRET = "server-test-signing-secret"
MEGABYTE = 1_000_000


class Served:
    """An ASGI app under uvicorn on a free loopback port, configured like `run_server` (our logging)."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_config=None, log_level="warning", access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "Served":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for h in list(root.handlers):
        root.removeHandler(h)
    for h in handlers:
        root.addHandler(h)
    root.setLevel(level)
    new_correlation_id("")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def _slack_container(tmp_path: Path) -> Container:
    settings = load_settings(
        data_dir=tmp_path / "data",
        env_file=None,
        slack_bot_token="xoxb-1-server-test",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=f"http://127.0.0.1:{_closed_port()}/",
    )
    return Container(settings)


def test_healthz_and_metrics_without_platforms(tmp_path: Path) -> None:
    metrics.reset()
    app = build_asgi_app(Container(load_settings(data_dir=tmp_path / "data", env_file=None)), warm=False)
    with Served(app) as served, httpx.Client(timeout=10) as http:
        assert http.get(served.url + "/healthz").json() == {"ok": True, "platforms": []}
        assert http.get(served.url + "/healthz").status_code == 200
        assert http.get(served.url + "/no/such/path/1").status_code == 404
        assert http.get(served.url + "/no/such/path/2").status_code == 404
        assert http.post(served.url + "/slack/events", content=b"{}").status_code == 404  # Slack not configured
        resp = http.get(served.url + "/metrics")
    assert resp.status_code == 200 and "x-request-id" in resp.headers
    values = _samples(resp.text)
    assert values[("cs_copilot_http_requests_total", (("method", "GET"), ("route", "/healthz"), ("status", "200")))] == 2
    # unknown paths share one label value, so a scanner cannot blow up the series count
    assert values[("cs_copilot_http_requests_total", (("method", "GET"), ("route", "other"), ("status", "404")))] == 2
    assert values[("cs_copilot_http_requests_total", (("method", "POST"), ("route", "other"), ("status", "404")))] == 1
    assert values[("cs_copilot_http_request_seconds_count", (("route", "/healthz"),))] == 2
    assert values[("cs_copilot_http_request_seconds_bucket", (("le", "+Inf"), ("route", "/healthz")))] == 2


def test_an_exception_escaping_a_route_is_one_log_line_and_a_generic_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(_: Request) -> PlainTextResponse:
        raise RuntimeError("secret-internal-detail")

    metrics.reset()
    app = Starlette(routes=[Route("/broken", broken)], middleware=[Middleware(RequestContext, paths=frozenset({"/broken"}))])
    uvicorn_logger = logging.getLogger("uvicorn")
    uvicorn_logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO), Served(app) as served:
            resp = httpx.get(served.url + "/broken", headers={"x-request-id": "req-broken-1"}, timeout=10)
    finally:
        uvicorn_logger.removeHandler(caplog.handler)
    assert resp.status_code == 500
    assert resp.json() == {"error": "internal error", "ref": "req-broken-1"}
    assert resp.headers["x-request-id"] == "req-broken-1"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].name == "bot.server"  # not uvicorn's "Exception in ASGI application"
    assert errors[0].exc_info is not None  # a genuine bug keeps its traceback, once
    values = _samples(metrics.render()[0].decode())
    assert values[("cs_copilot_errors_total", (("kind", "RuntimeError"), ("where", "http")))] == 1
    assert values[("cs_copilot_http_requests_total", (("method", "GET"), ("route", "/broken"), ("status", "500")))] == 1


def test_json_logs_carry_the_request_id_and_cap_a_huge_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    configure_logging("DEBUG", [SIGNING_SECRET], "json")
    app = build_asgi_app(_slack_container(tmp_path), warm=False)
    body = "command=%2Fask&text=hi"
    ts = str(int(time.time()))
    with Served(app) as served, httpx.Client(timeout=10) as http:
        forged = {"content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": ts,
                  "x-slack-signature": "v0=" + "a" * MEGABYTE, "x-request-id": "req-json-1"}
        assert http.post(served.url + "/slack/events", content=body, headers=forged).status_code == 401
        wrong = {"content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": ts,
                 "x-slack-signature": SignatureVerifier("not-the-secret").generate_signature(timestamp=ts, body=body),
                 "x-request-id": "req-json-2"}
        assert http.post(served.url + "/slack/events", content=body, headers=wrong).status_code == 401
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert lines, "nothing was logged"
    assert all(set(x) >= {"time", "level", "logger", "message", "correlation_id"} for x in lines)
    assert all(len(x["message"]) <= MAX_MESSAGE_CHARS + 50 for x in lines)
    rejected = {x["correlation_id"]: x["message"] for x in lines if x["logger"] == "bot.slack.http"}
    assert set(rejected) == {"req-json-1", "req-json-2"}
    assert "malformed signature" in rejected["req-json-1"] and "aaaa" not in rejected["req-json-1"]
    assert "bad signature" in rejected["req-json-2"]
    assert SIGNING_SECRET not in json.dumps(lines)

