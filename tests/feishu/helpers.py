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
                      operator: str = USER_OPEN_ID, value: dict[str, Any] | None = None,
                      form_value: dict[str, Any] | None = None) -> dict[str, Any]:
    """A card.action.trigger callback. Default value: an older answer card's `{"action", "answer_id"}`;
    `value` gives the whole callback value instead (e.g. a button's `cards.callback_value(...)`)."""
    event = fixture("card_action_trigger.json")
    event["header"]["event_id"] = uuid.uuid4().hex
    event["header"]["token"] = VERIFICATION_TOKEN
    event["event"]["operator"]["open_id"] = operator
    event["event"]["action"] = {"value": value if value is not None else {"action": action, "answer_id": answer_id},
                                "tag": "button", "name": action}
    if form_value is not None:
        event["event"]["action"]["form_value"] = form_value
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
    clock: Any = None  # a fake clock moved by `partial_step` seconds after each partial (no real sleep)
    partial_step: float = 0.0
    error: Exception | None = None
    gate: threading.Event | None = None
    answer_text: str = "Customers pay return shipping unless the item is faulty [1]."

    def answer(self, question: str, *, language: str, context: tuple[str, ...] = (),
               on_partial: PartialCallback | None = None, user_key: str = "") -> Reply:
        self.calls.append((question, language, context))
        if self.gate is not None:
            self.gate.wait(10)
        if self.error is not None:
            raise self.error
        for text in self.partials:
            if on_partial is not None:
                on_partial(text)
            if self.clock is not None:
                self.clock.advance(self.partial_step)
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
    raw: bytes = b""  # the request body as received
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # multipart: part -> (filename, bytes)
    response: dict[str, Any] = field(default_factory=dict)  # what the mock answered

    @property
    def content(self) -> Any:
        """The decoded `content` of a send/reply/patch body (card or text dict)."""
        return json.loads(self.body["content"])


def parse_multipart(raw: bytes, content_type: str) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """A multipart/form-data body as (fields as text, every part as (filename or "", bytes)).

    lark-oapi sends a file object as a part without a filename, so parts are kept by name, as Feishu does."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        files[str(name)] = (filename or "", payload)
        fields[str(name)] = payload.decode("utf-8", "replace")
    return fields, files


@dataclass
class Uploaded:
    """An image or file uploaded through im/v1/images or im/v1/files."""

    key: str
    kind: str  # "image" | "file"
    filename: str
    content: bytes
    fields: dict[str, str]


class MockOpenApi:
    """Answers the Open API calls the bot makes and records them (method, path, query, JSON body)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._counter = 0
        self._failures: list[dict[str, Any]] = []
        self.uploads: dict[str, Uploaded] = {}  # image_key / file_key -> what was uploaded
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

    def upload_calls(self) -> list[Call]:
        """Image and file uploads (im/v1/images, im/v1/files)."""
        with self._lock:
            return [c for c in self.calls if c.path in ("/open-apis/im/v1/images", "/open-apis/im/v1/files")]

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
        files: dict[str, tuple[str, bytes]] = {}
        content_type = h.headers.get("Content-Type") or ""
        if content_type.startswith("multipart/form-data"):
            body, files = parse_multipart(raw, content_type)
        else:
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
        call = Call(h.command, parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}, body,
                    {k: v for k, v in h.headers.items()}, raw, files)
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
        call.response = payload
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
        if path in ("/open-apis/im/v1/images", "/open-apis/im/v1/files") and call.method == "POST":
            return self._upload(call)
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

    def _upload(self, call: Call) -> tuple[int, dict[str, Any]]:
        kind = "image" if call.path.endswith("/images") else "file"
        fields = call.body if isinstance(call.body, dict) else {}
        part = call.files.get(kind)
        if part is None or not part[1]:
            return 400, {"code": 234001, "msg": f"Invalid request param: {kind} is empty"}
        if kind == "image" and fields.get("image_type") not in ("message", "avatar"):
            return 400, {"code": 234001, "msg": "Invalid request param: image_type"}
        if kind == "file" and (not fields.get("file_type") or not fields.get("file_name")):
            return 400, {"code": 234001, "msg": "Invalid request param: file_type / file_name"}
        with self._lock:
            self._counter += 1
            key = f"{'img_v3' if kind == 'image' else 'file_v3'}_mock{self._counter:08d}"
            self.uploads[key] = Uploaded(key, kind, fields.get("file_name") or part[0], part[1], dict(fields))
        return 200, {"code": 0, "msg": "success", "data": {f"{kind}_key": key}}

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
