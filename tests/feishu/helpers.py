"""Test doubles for the Feishu adapter: a recording Open API server, event signing, a fake answerer.

Everything listens on 127.0.0.1 with ephemeral ports.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from Crypto.Cipher import AES

from bot.router import Citation, PartialCallback, Reply, SimilarCase

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = json.loads((FIXTURES / "encrypted_webhook_request.json").read_text())
ENCRYPT_KEY = SAMPLE["encrypt_key"]
VERIFICATION_TOKEN = SAMPLE["verification_token"]
BOT_OPEN_ID = "ou_bot00000000000000000000000000001"
USER_OPEN_ID = "ou_84aad35d084aa403a838cf73ee18467"
ONCALL = ("ou_oncall0000000000000000000000000a", "ou_oncall0000000000000000000000000b")


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


# --- events ----------------------------------------------------------------------------------
def message_event(
    kind: str = "p2p", text: str | None = None, *, message_id: str | None = None, message_type: str = "text",
    content: dict[str, Any] | None = None, mentions: list[dict[str, Any]] | None = None, token: str = VERIFICATION_TOKEN,
) -> dict[str, Any]:
    """An im.message.receive_v1 event from the real samples, with a fresh event_id and message_id."""
    name = {"p2p": "im_message_receive_v1_p2p.json", "group": "im_message_receive_v1_group_at_bot.json",
            "thread": "im_message_receive_v1_group_thread_reply.json"}[kind]
    event = fixture(name)
    event["header"]["event_id"] = uuid.uuid4().hex
    event["header"]["token"] = token
    msg = event["event"]["message"]
    msg["message_id"] = message_id or f"om_{uuid.uuid4().hex}"
    msg["message_type"] = message_type
    if content is not None:
        msg["content"] = json.dumps(content, ensure_ascii=False)
    elif text is not None:
        msg["content"] = json.dumps({"text": text}, ensure_ascii=False)
    if mentions is not None:
        msg["mentions"] = mentions
    return event


def card_action_event(action: str, answer_id: str, *, message_id: str, chat_id: str,
                      operator: str = USER_OPEN_ID) -> dict[str, Any]:
    event = fixture("card_action_trigger.json")
    event["header"]["event_id"] = uuid.uuid4().hex
    event["header"]["token"] = VERIFICATION_TOKEN
    event["event"]["operator"]["open_id"] = operator
    event["event"]["action"] = {"value": {"action": action, "answer_id": answer_id}, "tag": "button", "name": action}
    event["event"]["context"] = {"open_message_id": message_id, "open_chat_id": chat_id}
    return event


def menu_event(event_key: str) -> dict[str, Any]:
    event = fixture("application_bot_menu_v6.json")
    event["header"]["event_id"] = uuid.uuid4().hex
    event["header"]["token"] = VERIFICATION_TOKEN
    event["event"]["event_key"] = event_key
    return event


# --- encryption and signature (what Feishu does) ---------------------------------------------------
def encrypt(plaintext: bytes, key: str, iv: bytes | None = None) -> str:
    iv = iv if iv is not None else os.urandom(16)
    pad = 16 - len(plaintext) % 16
    cipher = AES.new(hashlib.sha256(key.encode()).digest(), AES.MODE_CBC, iv)
    return base64.b64encode(iv + cipher.encrypt(plaintext + bytes([pad]) * pad)).decode()


def sign(timestamp: str, nonce: str, key: str, body: bytes) -> str:
    return hashlib.sha256((timestamp + nonce + key).encode() + body).hexdigest()


def signed_request(payload: dict[str, Any], *, key: str = ENCRYPT_KEY, encrypted: bool = True,
                   signed: bool = True) -> tuple[bytes, dict[str, str]]:
    plaintext = json.dumps(payload, ensure_ascii=False).encode()
    body = json.dumps({"encrypt": encrypt(plaintext, key)}).encode() if encrypted else plaintext
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if signed:
        ts, nonce = str(int(time.time())), uuid.uuid4().hex[:8]
        headers.update({"X-Lark-Request-Timestamp": ts, "X-Lark-Request-Nonce": nonce,
                        "X-Lark-Signature": sign(ts, nonce, key, body)})
    return body, headers


# --- the fake answering core -------------------------------------------------------------------------
@dataclass
class FakeAnswerer:
    """Implements bot.router.Answerer deterministically."""

    calls: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    partials: list[str] = field(default_factory=list)
    partial_pause: float = 0.0
    error: Exception | None = None
    gate: threading.Event | None = None
    answer_text: str = "Customers pay return shipping unless the item is faulty [1]."

    def answer(self, question: str, *, language: str, context: tuple[str, ...] = (),
               on_partial: PartialCallback | None = None) -> Reply:
        self.calls.append((question, language, context))
        if self.gate is not None:
            self.gate.wait(10)
        if self.error is not None:
            raise self.error
        for text in self.partials:
            if on_partial is not None:
                on_partial(text)
            time.sleep(self.partial_pause)
        return Reply(
            text=self.answer_text, kind="answer", language=language, question=question, grounded=True,
            citations=[
                Citation(1, "kb-returns", "Returns policy", "kb/returns.md",
                         "Return shipping is paid by the customer unless the item arrived faulty.",
                         url="https://kb.example.com/returns"),
                Citation(2, "kb-faulty", "Faulty items", "kb/faulty.md", "Faulty items are collected for free."),
            ],
            similar_case=SimilarCase("case-88", "Refund for a broken kettle", "sent a prepaid label", "tickets.csv"),
        )


# --- the recording Open API ----------------------------------------------------------------------------
@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]

    @property
    def content(self) -> Any:
        """The decoded `content` of a send/reply/patch body (card or text dict)."""
        return json.loads(self.body["content"])


class MockOpenApi:
    """Answers the Open API calls the bot makes and records them (method, path, query, JSON body)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._counter = 0
        self._failures: list[dict[str, Any]] = []
        self.ws_url = ""  # long-connection endpoint answer, when a test serves one
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                outer._serve(self)

            do_GET = do_POST = do_PATCH = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "MockOpenApi":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail(self, method: str, path_contains: str, status: int, body: dict[str, Any], *, times: int = 1,
             headers: dict[str, str] | None = None) -> None:
        with self._lock:
            self._failures.append({"method": method, "path": path_contains, "status": status, "body": body,
                                   "times": times, "headers": headers or {}})

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()

    def message_calls(self) -> list[Call]:
        """Sends, replies and patches (not the token or bot-info calls)."""
        with self._lock:
            return [c for c in self.calls if c.path.startswith("/open-apis/im/v1/messages")]

    def find(self, method: str, suffix: str = "") -> list[Call]:
        return [c for c in self.message_calls() if c.method == method and c.path.endswith(suffix)]

    def _next_id(self) -> str:
        with self._lock:
            self._counter += 1
            return f"om_mock{self._counter:026d}"

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        call = Call(h.command, parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}, body,
                    {k: v for k, v in h.headers.items()})
        with self._lock:
            self.calls.append(call)
            failure = next((f for f in self._failures if f["times"] > 0 and f["method"] == h.command
                            and f["path"] in parts.path), None)
            if failure is not None:
                failure["times"] -= 1
        if failure is not None:
            self._respond(h, failure["status"], failure["body"], failure["headers"])
            return
        status, payload = self._route(call)
        self._respond(h, status, payload)

    def _route(self, call: Call) -> tuple[int, dict[str, Any]]:
        path = call.path
        if path == "/open-apis/auth/v3/tenant_access_token/internal":
            return 200, fixture("tenant_access_token_internal.response.json")["response"]
        if path == "/open-apis/bot/v3/info":
            return 200, {"code": 0, "msg": "ok", "bot": {"activate_status": 2, "app_name": "cs-copilot",
                                                           "avatar_url": "", "ip_white_list": [], "open_id": BOT_OPEN_ID}}
        if path == "/callback/ws/endpoint" and self.ws_url:
            return 200, {"code": 0, "msg": "ok", "data": {"URL": self.ws_url, "ClientConfig": {
                "ReconnectCount": 1, "ReconnectInterval": 1, "ReconnectNonce": 0, "PingInterval": 120}}}
        if path.startswith("/open-apis/im/v1/messages"):
            if call.method == "PATCH":
                return 200, {"code": 0, "msg": "success", "data": {}}
            response = copy.deepcopy(fixture("im_v1_messages_create.response.json"))
            response["data"]["message_id"] = self._next_id()
            if isinstance(call.body, dict):
                response["data"]["msg_type"] = call.body.get("msg_type", "text")
                response["data"]["body"] = {"content": call.body.get("content", "")}
            return 200, response
        return 404, {"code": 404, "msg": "not found"}

    @staticmethod
    def _respond(h: BaseHTTPRequestHandler, status: int, payload: dict[str, Any],
                 headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json; charset=utf-8")
        h.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)


# --- running the ASGI app ----------------------------------------------------------------------------------
class ServerThread:
    """uvicorn serving an ASGI app on a free loopback port, in a background thread."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ServerThread":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)
        self.sock.close()


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
