"""HTTP load: signed Slack slash commands and encrypted Feishu events against the real server.

A child process runs `bot.server.build_asgi_app` (Slack and Feishu routes, /metrics) under uvicorn on
127.0.0.1, with the platforms' Web/Open APIs pointed at a stand-in in this process (also on loopback). This
process then plays Slack and Feishu: `--concurrency` keep-alive connections send `--slack` correctly signed
`/ask` slash commands and `--feishu` encrypted, signed `im.message.receive_v1` events, all within
`--deadline` seconds (whatever is not sent by then is reported as not sent). It prints, per platform, the
acks received (HTTP 200), errors, and the acknowledgement latency p50/p95/p99 (time to the HTTP response;
Slack wants it within 3 s, Feishu within 3 s), then how many answers reached the stand-in afterwards.

Answerer: `--answerer fake` (default; a fixed answer after `--answer-ms`) or `--answerer extractive` (the
real retrieval + extractive answer on the bundled knowledge/, ingested once into `--data-dir`).

    .venv/bin/python benchmarks/http_load.py [--slack 200] [--feishu 200] [--concurrency 20] [--rate 0]
        [--answerer fake|extractive] [--answer-ms 200] [--deadline 60]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import percentile  # noqa: E402

SLACK_SECRET = "bench-signing-secret"
FEISHU_KEY = "bench-encrypt-key"
FEISHU_TOKEN = "bench-verification-token"
LOOPBACK = "127.0.0.1"


# --- the platforms' APIs (this process) ----------------------------------------------------------------
class StandIn(BaseHTTPRequestHandler):
    """Slack Web API under /slack-api/, Slack response_urls under /hook/<n>, the Feishu Open API."""

    protocol_version = "HTTP/1.1"
    lock = threading.Lock()
    slack_answered: set[str] = set()
    feishu_answered: set[str] = set()
    with_answer = {"slack": 0, "feishu": 0}  # deliveries that carry the fake answer (not an error reply)
    counter = 0

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, payload: Any) -> None:
        data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        path = self.path.split("?")[0]
        with StandIn.lock:
            StandIn.counter += 1
            n = StandIn.counter
            if b"Answer to" in body:
                StandIn.with_answer["slack" if path.startswith("/hook/") else "feishu"] += 1
        if path.startswith("/hook/"):
            with StandIn.lock:
                StandIn.slack_answered.add(path)
            self._reply("ok")
        elif path.startswith("/slack-api/"):
            self._reply({"ok": True, "user_id": "U0BOT", "bot_id": "B0BOT", "team_id": "T0001",
                         "ts": f"1700000000.{n:06d}", "channel": "C0001"})
        elif path == "/open-apis/auth/v3/tenant_access_token/internal":
            self._reply({"code": 0, "msg": "ok", "tenant_access_token": "t-" + "b" * 30, "expire": 7200})
        elif path.startswith("/open-apis/im/v1/messages"):
            if path.endswith("/reply"):
                with StandIn.lock:
                    StandIn.feishu_answered.add(path.split("/")[-2])
            self._reply({"code": 0, "msg": "success", "data": {"message_id": f"om_reply{n:020d}"}})
        else:
            self._reply({"code": 0, "msg": "ok", "data": {}})

    do_PATCH = do_POST

    def do_GET(self) -> None:
        if self.path.startswith("/open-apis/bot/v3/info"):
            self._reply({"code": 0, "msg": "ok", "bot": {"open_id": "ou_bot", "app_name": "cs-copilot"}})
        else:
            self._reply({"code": 0, "msg": "ok", "data": {}})


# --- the server (child process) --------------------------------------------------------------------------
def serve(args: argparse.Namespace) -> None:
    import uvicorn

    from bot.config import load_settings
    from bot.container import Container
    from bot.logs import configure_logging
    from bot.models import Citation, Reply
    from bot.server import build_asgi_app

    configure_logging("WARNING")
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="cs-copilot-load-"))
    settings = load_settings(
        data_dir=data_dir, env_file=None,
        slack_bot_token="xoxb-bench-token", slack_signing_secret=SLACK_SECRET,
        slack_api_url=f"{args.api_url}/slack-api/",
        feishu_app_id="cli_bench0000000001", feishu_app_secret="bench-app-secret",
        feishu_encrypt_key=FEISHU_KEY, feishu_verification_token=FEISHU_TOKEN, feishu_api_url=args.api_url,
    )

    class FakeAnswerer:
        def answer(self, question: str, *, language: str, context: tuple[str, ...] = (),
                   on_partial: Any = None, user_key: str = "") -> Reply:
            time.sleep(args.answer_ms / 1000)
            return Reply(text=f"Answer to {question} [1]", kind="answer", language=language, question=question,
                         citations=[Citation(1, "d1", "Policy", "kb/policy.md", "quote")], grounded=True)

    class BenchContainer(Container):
        def answerer(self) -> Any:
            return FakeAnswerer() if args.answerer == "fake" else super().answerer()

    container = BenchContainer(settings)
    if args.answerer == "extractive":
        report = container.ingestor().ingest([ROOT / "knowledge"])  # incremental: cheap once done
        print(f"ingest: {report.summary()}", file=sys.stderr, flush=True)
    app = build_asgi_app(container, warm=True)
    sock = socket.socket()
    sock.bind((LOOPBACK, 0))
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, log_level="warning", access_log=False))
    threading.Thread(target=_announce, args=(server, sock), daemon=True).start()
    server.run(sockets=[sock])


def _announce(server: Any, sock: socket.socket) -> None:
    while not server.started:
        time.sleep(0.01)
    print(sock.getsockname()[1], flush=True)


# --- the requests ----------------------------------------------------------------------------------------
def slack_request(i: int, api_url: str) -> tuple[str, str, bytes, dict[str, str]]:
    from slack_sdk.signature import SignatureVerifier

    body = urlencode({
        "token": "x", "team_id": "T0001", "team_domain": "example", "channel_id": "C0001", "channel_name": "cs",
        "user_id": f"U{i:05d}", "user_name": "agent", "command": "/ask", "text": f"who pays return shipping #{i}?",
        "api_app_id": "A0001", "is_enterprise_install": "false", "response_url": f"{api_url}/hook/{i}",
        "trigger_id": f"{i}.1.x",
    })
    ts = str(int(time.time()))
    return "slack", "/slack/events", body.encode(), {
        "content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": ts,
        "x-slack-signature": SignatureVerifier(SLACK_SECRET).generate_signature(timestamp=ts, body=body),
    }


def feishu_request(i: int) -> tuple[str, str, bytes, dict[str, str]]:
    from Crypto.Cipher import AES

    event = {
        "schema": "2.0",
        "header": {"event_id": uuid.uuid4().hex, "event_type": "im.message.receive_v1",
                   "create_time": str(int(time.time() * 1000)), "token": FEISHU_TOKEN,
                   "app_id": "cli_bench0000000001", "tenant_key": "tenant0001"},
        "event": {
            "sender": {"sender_id": {"open_id": f"ou_user{i:027d}"}, "sender_type": "user", "tenant_key": "tenant0001"},
            "message": {"message_id": f"om_load{i:025d}", "create_time": "1700000120000", "update_time": "1700000120000",
                        "chat_id": f"oc_p2p{i:027d}", "chat_type": "p2p", "message_type": "text",
                        "content": json.dumps({"text": f"who pays return shipping #{i}?"})},
        },
    }
    plaintext = json.dumps(event).encode()
    pad = 16 - len(plaintext) % 16
    iv = os.urandom(16)
    cipher = AES.new(hashlib.sha256(FEISHU_KEY.encode()).digest(), AES.MODE_CBC, iv)
    body = json.dumps({"encrypt": base64.b64encode(iv + cipher.encrypt(plaintext + bytes([pad]) * pad)).decode()})
    ts, nonce = str(int(time.time())), uuid.uuid4().hex[:16]
    signature = hashlib.sha256((ts + nonce + FEISHU_KEY).encode() + body.encode()).hexdigest()
    return "feishu", "/feishu/events", body.encode(), {
        "content-type": "application/json; charset=utf-8", "x-lark-request-timestamp": ts,
        "x-lark-request-nonce": nonce, "x-lark-signature": signature,
    }


# --- the clients -----------------------------------------------------------------------------------------
async def _post(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int, path: str, body: bytes,
                headers: dict[str, str]) -> int:
    head = f"POST {path} HTTP/1.1\r\nHost: {LOOPBACK}:{port}\r\nContent-Length: {len(body)}\r\n"
    writer.write((head + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode() + body)
    status_line = await reader.readline()
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    await reader.readexactly(length)
    return int(status_line.split()[1]) if status_line else 0


async def drive(port: int, queue: list[tuple[str, str, bytes, dict[str, str]]], concurrency: int,
                deadline: float, rate: float) -> dict[str, dict[str, Any]]:
    """Send `queue` over `concurrency` connections; with `rate` > 0, request k leaves at start + k / rate."""
    stats: dict[str, dict[str, Any]] = {p: {"sent": 0, "acks": 0, "errors": 0, "ms": []} for p in ("slack", "feishu")}
    pending = list(reversed(list(enumerate(queue))))
    start = time.monotonic()

    async def worker() -> None:
        conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        while pending and time.monotonic() < deadline:
            k, (platform, path, body, headers) = pending.pop()
            if rate > 0:
                await asyncio.sleep(max(0.0, start + k / rate - time.monotonic()))
            stat = stats[platform]
            stat["sent"] += 1
            started = time.perf_counter()
            try:
                if conn is None:
                    conn = await asyncio.open_connection(LOOPBACK, port)
                status = await asyncio.wait_for(_post(*conn, port, path, body, headers), timeout=10)
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError):
                status = 0
                if conn is not None:
                    conn[1].close()
                conn = None
            elapsed = (time.perf_counter() - started) * 1000
            if status == 200:
                stat["acks"] += 1
                stat["ms"].append(elapsed)
            else:
                stat["errors"] += 1
        if conn is not None:
            conn[1].close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return stats


def _line(name: str, stat: dict[str, Any], planned: int) -> str:
    ms = stat["ms"]
    figures = (f"p50={percentile(ms, 0.50):.1f} p95={percentile(ms, 0.95):.1f} p99={percentile(ms, 0.99):.1f} "
               f"max={max(ms):.1f} ms" if ms else "no acks")
    return (f"{name}: planned {planned}, sent {stat['sent']}, acks {stat['acks']}, errors {stat['errors']}; "
            f"ack latency {figures}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slack", type=int, default=200, help="signed /ask slash commands (max 2000)")
    parser.add_argument("--feishu", type=int, default=200, help="encrypted im.message.receive_v1 events (max 2000)")
    parser.add_argument("--concurrency", type=int, default=20, help="concurrent keep-alive connections (max 100)")
    parser.add_argument("--deadline", type=float, default=60, help="stop sending after this many seconds (max 120)")
    parser.add_argument("--rate", type=float, default=0, help="requests per second in all (0: as fast as possible)")
    parser.add_argument("--answerer", choices=["fake", "extractive"], default="fake")
    parser.add_argument("--answer-ms", type=float, default=200, help="fake answering time (after the ack)")
    parser.add_argument("--data-dir", default="", help="data dir of the server (extractive: reused between runs)")
    parser.add_argument("--drain", type=float, default=120, help="seconds to wait for answers after the acks")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args)
        return
    args.slack, args.feishu = min(max(args.slack, 0), 2000), min(max(args.feishu, 0), 2000)
    args.concurrency, args.deadline = min(max(args.concurrency, 1), 100), min(max(args.deadline, 1), 120)
    if args.answerer == "extractive" and not args.data_dir:
        args.data_dir = str(Path(tempfile.gettempdir()) / "cs-copilot-http-load")

    stand_in = ThreadingHTTPServer((LOOPBACK, 0), StandIn)
    stand_in.daemon_threads = True
    threading.Thread(target=stand_in.serve_forever, daemon=True).start()
    api_url = f"http://{LOOPBACK}:{stand_in.server_address[1]}"
    command = [sys.executable, __file__, "--serve", "--api-url", api_url, "--answerer", args.answerer,
               "--answer-ms", str(args.answer_ms), "--data-dir", args.data_dir]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline().strip() or 0)
        if not port:
            raise SystemExit("the server did not start")
        # interleaved, as they would arrive; signed now (Slack's window is 5 minutes)
        queue = [slack_request(i, api_url) for i in range(args.slack)]
        feishu = [feishu_request(i) for i in range(args.feishu)]
        mixed = [r for pair in zip(queue, feishu) for r in pair] + queue[len(feishu):] + feishu[len(queue):]
        started = time.monotonic()
        stats = asyncio.run(drive(port, mixed, args.concurrency, started + args.deadline, args.rate))
        wall = time.monotonic() - started
        drain_start = time.monotonic()
        while time.monotonic() - drain_start < args.drain:
            with StandIn.lock:
                done = len(StandIn.slack_answered) >= stats["slack"]["acks"] and \
                    len(StandIn.feishu_answered) >= stats["feishu"]["acks"]
            if done:
                break
            time.sleep(0.05)
        drained = time.monotonic() - drain_start
    finally:
        child.terminate()
        child.wait(10)
        stand_in.shutdown()

    print(f"server: bot.server under uvicorn on {LOOPBACK} (child process); answerer="
          f"{'fake ' + format(args.answer_ms, 'g') + ' ms' if args.answerer == 'fake' else 'extractive (knowledge/)'}; "
          f"{args.concurrency} concurrent connections, rate {args.rate or 'unlimited'}/s; sent within {wall:.1f} s (deadline {args.deadline:g} s)")
    print(_line("slack /ask (signed)", stats["slack"], args.slack))
    print(_line("feishu im.message.receive_v1 (encrypted, signed)", stats["feishu"], args.feishu))
    every = stats["slack"]["ms"] + stats["feishu"]["ms"]
    if every:
        print(f"all: p50={percentile(every, 0.5):.1f} p95={percentile(every, 0.95):.1f} "
              f"p99={percentile(every, 0.99):.1f} ms over {len(every)} acks")
    print(f"answers delivered: slack {len(StandIn.slack_answered)}/{stats['slack']['acks']}, feishu "
          f"{len(StandIn.feishu_answered)}/{stats['feishu']['acks']} ({drained:.1f} s after the last ack)")
    if args.answerer == "fake":  # an error reply is delivered too: count the ones that carry the answer
        print(f"deliveries carrying the answer text: slack {StandIn.with_answer['slack']}, "
              f"feishu {StandIn.with_answer['feishu']} (Feishu: reply and card updates)")


if __name__ == "__main__":
    main()
