"""A local, recording mock of the Slack Web API (the way bolt-python's own tests do it).

`http.server` in a thread on 127.0.0.1 with an ephemeral port. Every request is recorded as
(path, headers, parsed body). It answers the methods the adapter uses, `/webhook…` (used as the
`response_url`), and `/apps.connections.open` (Socket Mode). Failures can be injected per path.
File uploads (slack_sdk `files_upload_v2`): `files.getUploadURLExternal` hands out an `/upload/<file_id>`
URL on this server, which keeps the bytes; `files.completeUploadExternal` shares them (`uploads()`).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_USER_ID = "U0005BOTUSER"
BOT_ID = "B0004BOT"
TEAM_ID = "T0001ABCD"


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    raw: bytes = b""  # the request body as received (the bytes of an upload)
    query: dict[str, str] = field(default_factory=dict)


@dataclass
class Upload:
    """A file shared through files.completeUploadExternal: what a user would see in the channel."""

    file_id: str
    filename: str
    title: str
    content: bytes
    channel_id: str
    thread_ts: str
    initial_comment: str


@dataclass
class _Failure:
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str]
    times: int


class MockSlackApi:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.ws_url = ""
        self._failures: dict[str, list[_Failure]] = {}
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._ts = 1700000100
        self._file_counter = 0
        self._upload_names: dict[str, tuple[str, int]] = {}  # file_id -> (filename, announced length)
        self._upload_bytes: dict[str, bytes] = {}
        self._uploads: list[Upload] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            daemon=True,
            name="mock-slack-api",
        )

    # --- lifecycle -----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def webhook_url(self) -> str:
        return self.url + "webhook"

    def start(self) -> "MockSlackApi":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- failure injection -----------------------------------------------------------------------
    def rate_limit_once(self, path: str, retry_after: int = 1) -> None:
        self.fail(
            path,
            status=429,
            body={"ok": False, "error": "ratelimited"},
            headers={"Retry-After": str(retry_after)},
        )

    def fail(
        self,
        path: str,
        *,
        status: int = 200,
        body: dict[str, Any] | str | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` calls of `path` answer `status` with `body` (default: ok=false, an error)."""
        with self._lock:
            self._failures.setdefault(path, []).append(
                _Failure(
                    status,
                    body if body is not None else {"ok": False, "error": "channel_not_found"},
                    headers or {},
                    times,
                )
            )

    # --- assertions --------------------------------------------------------------------------------
    def calls(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def wait_for(self, path: str, count: int = 1, timeout: float = 5.0) -> list[Recorded]:
        """Wait until `path` was called at least `count` times; returns those calls."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [r for r in self.requests if r.path == path]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"{path} called {len(found)} times, expected {count}; calls: "
                        f"{[r.path for r in self.requests]}"
                    )
                self._cond.wait(remaining)

    def settle(self, quiet: float = 0.3, timeout: float = 5.0) -> None:
        """Wait until no request arrived for `quiet` seconds (to assert that nothing *more* happens)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                last = self.requests[-1].at if self.requests else 0.0
            if time.monotonic() - last >= quiet:
                return
            time.sleep(0.05)

    def uploads(self) -> list[Upload]:
        """Files completed (shared into a channel / thread), in order."""
        with self._lock:
            return list(self._uploads)

    # --- the handler -----------------------------------------------------------------------------------
    def _next_ts(self) -> str:
        with self._lock:
            self._ts += 1
            return f"{self._ts}.000200"

    def _take_failure(self, path: str) -> _Failure | None:
        with self._lock:
            queue = self._failures.get(path) or []
            if not queue:
                return None
            failure = queue[0]
            failure.times -= 1
            if failure.times <= 0:
                queue.pop(0)
            return failure

    def _answer(
        self, path: str, headers: dict[str, str], body: dict[str, Any], raw: bytes = b""
    ) -> tuple[int, Any, dict[str, str]]:
        failure = self._take_failure(path)
        if failure is not None:
            return failure.status, failure.body, failure.headers
        if path.startswith("/webhook"):
            return 200, "ok", {}
        if path.startswith("/upload/"):  # the upload URL itself: no token (as on files.slack.com)
            file_id = path.rsplit("/", 1)[-1]
            with self._lock:
                if file_id not in self._upload_names:
                    return 404, "unknown upload", {}
                self._upload_bytes[file_id] = raw
            return 200, f"OK - {len(raw)}", {}
        auth = headers.get("authorization", "")
        if path == "/apps.connections.open":
            if not auth.startswith("Bearer xapp-"):
                return 200, {"ok": False, "error": "invalid_auth"}, {}
            return 200, {"ok": True, "url": self.ws_url}, {}
        if not auth.startswith("Bearer xoxb-"):
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        channel = body.get("channel", "C0003CHAN")
        if path == "/auth.test":
            return (
                200,
                {
                    "ok": True,
                    "url": "https://example.slack.com/",
                    "team": "Example",
                    "user": "cs-copilot",
                    "team_id": TEAM_ID,
                    "user_id": BOT_USER_ID,
                    "bot_id": BOT_ID,
                    "is_enterprise_install": False,
                },
                {},
            )
        if path == "/chat.postMessage":
            ts = self._next_ts()
            return (
                200,
                {
                    "ok": True,
                    "channel": channel,
                    "ts": ts,
                    "message": {"text": body.get("text", ""), "ts": ts, "bot_id": BOT_ID},
                },
                {},
            )
        if path == "/chat.update":
            return (
                200,
                {"ok": True, "channel": channel, "ts": body.get("ts"), "text": body.get("text", "")},
                {},
            )
        if path == "/chat.postEphemeral":
            return 200, {"ok": True, "message_ts": self._next_ts()}, {}
        if path == "/conversations.replies":
            return 200, {"ok": True, "messages": [], "has_more": False}, {}
        if path == "/reactions.add":
            return 200, {"ok": True}, {}
        if path == "/files.getUploadURLExternal":
            return self._upload_url(body)
        if path == "/files.completeUploadExternal":
            return self._complete_upload(body)
        if path == "/views.open":  # modals (forms); the trigger id is not checked here
            view = body.get("view")
            if isinstance(view, str):
                view = json.loads(view)
            return 200, {"ok": True, "view": {"id": "V0MOCKVIEW", **(view or {})}}, {}
        if path == "/chat.delete":
            return 200, {"ok": True, "channel": channel, "ts": body.get("ts")}, {}
        return 200, {"ok": False, "error": "unknown_method"}, {}

    def _upload_url(self, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        filename, length = str(body.get("filename") or ""), str(body.get("length") or "")
        if not filename or not length.isdigit():
            return 200, {"ok": False, "error": "invalid_arguments"}, {}
        with self._lock:
            self._file_counter += 1
            file_id = f"F{self._file_counter:010d}"
            self._upload_names[file_id] = (filename, int(length))
        return 200, {"ok": True, "upload_url": f"{self.url}upload/{file_id}", "file_id": file_id}, {}

    def _complete_upload(self, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        try:
            files = json.loads(str(body.get("files") or "[]"))
        except ValueError:
            return 200, {"ok": False, "error": "invalid_arguments"}, {}
        done: list[dict[str, Any]] = []
        with self._lock:
            for item in files:
                file_id = str(item.get("id") or "")
                if file_id not in self._upload_bytes:
                    return 200, {"ok": False, "error": "file_not_found"}, {}
                filename, length = self._upload_names[file_id]
                content = self._upload_bytes[file_id]
                if len(content) != length:
                    return 200, {"ok": False, "error": "file_size_mismatch"}, {}
                title = str(item.get("title") or filename)
                self._uploads.append(Upload(file_id, filename, title, content, str(body.get("channel_id") or ""),
                                            str(body.get("thread_ts") or ""), str(body.get("initial_comment") or "")))
                done.append({"id": file_id, "title": title, "name": filename, "size": len(content)})
        return 200, {"ok": True, "files": done}, {}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        mock = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw_bytes = self.rfile.read(length) if length else b""
                raw = raw_bytes.decode("utf-8", "replace")
                headers = {k.lower(): v for k, v in self.headers.items()}
                path = self.path.split("?")[0]
                body = {} if path.startswith("/upload/") else _parse(raw, headers.get("content-type", ""))
                query = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
                if path.startswith("/files.") and not body:  # slack_sdk sends these as query parameters
                    body = dict(query)
                status, answer, extra = mock._answer(path, headers, body, raw_bytes)
                with mock._cond:
                    mock.requests.append(Recorded(path, headers, body, raw=raw_bytes, query=query))
                    mock._cond.notify_all()
                data = answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()
                self.send_response(status)
                ctype = "text/plain" if isinstance(answer, str) else "application/json; charset=utf-8"
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                for k, v in extra.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

        return Handler


def _parse(raw: str, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type or raw.lstrip().startswith("{"):
        try:
            parsed = json.loads(raw)
            return parsed if isinstance(parsed, dict) else {"_": parsed}
        except ValueError:
            return {"_raw": raw}
    body: dict[str, Any] = dict(parse_qsl(raw, keep_blank_values=True))
    for key in ("blocks", "attachments"):
        if isinstance(body.get(key), str):
            try:
                body[key] = json.loads(body[key])
            except ValueError:
                pass
    return body
