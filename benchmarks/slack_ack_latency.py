"""Slack ack latency: how fast `/slack/events` answers signed `/ask` slash commands under concurrency.

Starts the real ASGI app (Starlette + the Slack routes) with uvicorn on 127.0.0.1 in a child process
(our server), plays Slack in this process (a tiny stand-in for the Web API / response_url, and the
client), fires `--concurrency` concurrent signed `/ask` requests for `--rounds` rounds and prints the
ack latency (time to the HTTP response) p50/p99, then waits until every answer was delivered.
Slack needs the ack within 3 s; the goal here is p99 <= 100 ms.

Which answerer: answering happens after the ack (lazy listeners), through the real command registry and
`CommandRouter` (bot/router.py) in every mode.
- default: a fake answerer (`FakeAnswerer` below) that sleeps `--answer-ms` and returns a fixed cited
  reply, so the figure is the adapter's and router's cost, not the model's;
- `--real`: the real container (`bot.container.Container`: retriever + `AnswerService`) on `--data-dir`;
  when that index is empty, the bundled knowledge/ is ingested into it first (before any timing), and
  with no LLM configured (`LLM_PROVIDER=none`, the default) the answers are the extractive ones.

    .venv/bin/python benchmarks/slack_ack_latency.py [--rounds 10] [--concurrency 20] [--answer-ms 200]
    .venv/bin/python benchmarks/slack_ack_latency.py --real [--data-dir benchmarks/results/slack-ack]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import uvicorn  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402
from starlette.applications import Starlette  # noqa: E402

from bot.config import load_settings  # noqa: E402
from bot.router import Citation, PartialCallback, Reply  # noqa: E402

SECRET = "bench-signing-secret"
ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "knowledge"


class FakeAnswerer:
    def __init__(self, delay: float) -> None:
        self.delay = delay

    def answer(
        self,
        question: str,
        *,
        language: str,
        context: tuple[str, ...] = (),
        on_partial: PartialCallback | None = None,
        user_key: str = "",
    ) -> Reply:
        time.sleep(self.delay)
        return Reply(
            text=f"Answer to {question} [1]",
            kind="answer",
            language=language,
            question=question,
            citations=[Citation(1, "d1", "Policy", "kb/policy.md", "quote")],
            grounded=True,
        )


class _Sink(BaseHTTPRequestHandler):
    """Answers auth.test and any other Web API call / response_url post with ok."""

    protocol_version = "HTTP/1.1"
    hits = 0
    lock = threading.Lock()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        with _Sink.lock:
            _Sink.hits += 1
        body = {
            "ok": True,
            "user_id": "U0BOT",
            "bot_id": "B0BOT",
            "team_id": "T0001",
            "ts": "1.2",
            "channel": "C1",
        }
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _start_sink() -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _settings(args: argparse.Namespace, api_url: str, data_dir: str) -> Any:
    return load_settings(
        data_dir=data_dir,
        env_file=".env" if args.real and Path(".env").exists() else None,
        slack_bot_token="xoxb-bench",
        slack_signing_secret=SECRET,
        slack_api_url=api_url,
        database_url=f"sqlite:///{data_dir}/state.db",
    )


def _prepare_real(args: argparse.Namespace) -> None:
    """`--real`: ingest the bundled knowledge/ into `--data-dir` when its index is empty (not timed)."""
    from bot.container import Container

    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    container = Container(_settings(args, "http://127.0.0.1:9/", args.data_dir))
    if container.store().count() == 0:
        print(f"ingesting {KNOWLEDGE} into {args.data_dir} (once)...", file=sys.stderr, flush=True)
        print(container.ingestor().ingest([KNOWLEDGE]).summary(), file=sys.stderr, flush=True)
    answerer = "LLM " + container.settings.llm_provider if container.chat_model() is not None else "extractive"
    print(f"real answerer: {answerer}, {container.store().count()} chunks in {args.data_dir}", flush=True)


def _build_app(args: argparse.Namespace, api_url: str, data_dir: str) -> Starlette:
    from bot.container import Container

    if args.real:
        from bot.slack.http import slack_routes

        return Starlette(routes=slack_routes(Container(_settings(args, api_url, args.data_dir))))
    from bot.slack.app import build_slack_app
    from bot.slack.http import events_endpoint

    class FakeCore(Container):
        """The real registry, router and state (Container), answering with the fake answerer."""

        def answerer(self) -> Any:
            return fake

    fake = FakeAnswerer(args.answer_ms / 1000)
    container = FakeCore(_settings(args, api_url, data_dir))
    app = build_slack_app(container.settings, container.router(), container.state(),
                          conversation=container.conversation())
    return Starlette(routes=[events_endpoint(app)])


def _signed(i: int, response_url: str) -> tuple[bytes, dict[str, str]]:
    body = urlencode(
        {
            "token": "x",
            "team_id": "T0001",
            "team_domain": "example",
            "channel_id": "C0001",
            "channel_name": "cs",
            "user_id": f"U{i:05d}",
            "user_name": "agent",
            "command": "/ask",
            "text": f"who pays return shipping #{i}?",
            "api_app_id": "A0001",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"{i}.1.x",
        }
    )
    ts = str(int(time.time()))
    return body.encode(), {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": ts,
        "x-slack-signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body) or "",
    }


class _Connection:
    """One keep-alive HTTP/1.1 connection with pre-built requests, so the client adds ~no overhead
    (Slack sends from many machines; a Python HTTP client queueing 20 requests would dominate)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def post(self, port: int, body: bytes, headers: dict[str, str]) -> float:
        head = f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        data = head.encode() + body
        started = time.perf_counter()
        self.writer.write(data)
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await self.reader.readexactly(length)
        elapsed = (time.perf_counter() - started) * 1000
        if b" 200 " not in status_line:
            raise RuntimeError(f"unexpected response: {status_line!r}")
        return elapsed


async def _round(conns: list[_Connection], port: int, hook: str, base: int) -> list[float]:
    requests = [_signed(base + i, hook) for i in range(len(conns))]
    return list(await asyncio.gather(*(c.post(port, *r) for c, r in zip(conns, requests))))


async def _drive(args: argparse.Namespace, port: int, hook: str) -> list[float]:
    conns = [_Connection(*await asyncio.open_connection("127.0.0.1", port)) for _ in range(args.concurrency)]
    try:
        await _round(conns, port, hook, 0)  # warm-up (auth.test, first answers)
        samples: list[float] = []
        for r in range(args.rounds):
            await asyncio.sleep(args.pause_ms / 1000)
            samples += await _round(conns, port, hook, (r + 1) * 1000)
        return samples
    finally:
        for conn in conns:
            conn.writer.close()


def _serve(args: argparse.Namespace) -> None:
    """Child process: build the app and serve it; prints the port on stdout once listening."""
    with tempfile.TemporaryDirectory() as data_dir:
        app = _build_app(args, args.api_url, data_dir)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False))
        threading.Thread(target=_announce, args=(server, sock), daemon=True).start()
        server.run(sockets=[sock])


def _announce(server: uvicorn.Server, sock: socket.socket) -> None:
    while not server.started:
        time.sleep(0.01)
    print(sock.getsockname()[1], flush=True)


def _wait_for_answers(expected: int, timeout: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        with _Sink.lock:
            if _Sink.hits >= expected:
                break
        time.sleep(0.02)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--answer-ms", type=float, default=200, help="fake answering time (after the ack)")
    parser.add_argument("--pause-ms", type=float, default=100, help="pause between rounds")
    parser.add_argument("--real", action="store_true",
                        help="answer with the real container on --data-dir (bundled knowledge/ ingested if empty)")
    parser.add_argument("--data-dir", default=str(ROOT / "benchmarks" / "results" / "slack-ack"), help="the --real index")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args)
        return

    if args.real:
        _prepare_real(args)
    sink, api_url = _start_sink()
    command = [sys.executable, __file__, "--serve", "--api-url", api_url, "--answer-ms", str(args.answer_ms),
               "--data-dir", args.data_dir]
    child = subprocess.Popen(command + (["--real"] if args.real else []), stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline().strip() or 0)
        if not port:
            raise SystemExit("the server did not start")
        samples = asyncio.run(_drive(args, port, api_url + "webhook"))
        with _Sink.lock:
            _Sink.hits -= 1  # the warm-up's auth.test is not an answer
        expected = (args.rounds + 1) * args.concurrency
        drained = _wait_for_answers(expected, timeout=120)
    finally:
        child.terminate()
        child.wait(10)
        sink.shutdown()

    q = statistics.quantiles(samples, n=100, method="inclusive")
    print(
        f"requests: {len(samples)} ({args.rounds} rounds x {args.concurrency} concurrent, "
        f"answerer={'real' if args.real else f'fake {args.answer_ms:g} ms'})"
    )
    print(
        f"ack latency ms: p50={q[49]:.1f} p90={q[89]:.1f} p99={q[98]:.1f} max={max(samples):.1f} "
        f"mean={statistics.fmean(samples):.1f}"
    )
    print(f"answers delivered: {min(_Sink.hits, expected)}/{expected} ({drained:.1f} s after the last ack)")
    print(f"goal p99 <= 100 ms: {'met' if q[98] <= 100 else 'NOT met'}")


if __name__ == "__main__":
    main()
