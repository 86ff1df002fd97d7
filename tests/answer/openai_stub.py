"""A local OpenAI-compatible chat-completions server for tests (plain and streaming, with delays)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable


class OpenAIStub:
    def __init__(self, reply: str | Callable[[list[dict[str, Any]]], str] = "ok", delay: float = 0.0,
                 status: int = 200) -> None:
        self.reply = reply
        self.delay = delay
        self.status = status
        self.requests: list[dict[str, Any]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                stub.requests.append({"path": self.path, "body": body,
                                      "auth": self.headers.get("authorization", "")})
                if stub.delay:
                    time.sleep(stub.delay)
                if self.path.endswith("/embeddings"):
                    from bot.retrieval.embedders import HashEmbeddings

                    inputs = body.get("input", [])
                    inputs = [inputs] if isinstance(inputs, str) else inputs
                    vectors = HashEmbeddings().embed_documents([str(x) for x in inputs])
                    self._json(200, {"object": "list", "model": body.get("model", "stub"),
                                     "data": [{"object": "embedding", "index": i, "embedding": v}
                                              for i, v in enumerate(vectors)],
                                     "usage": {"prompt_tokens": 1, "total_tokens": 1}})
                    return
                if stub.status != 200:
                    self._json(stub.status, {"error": {"message": "stub failure", "type": "server_error"}})
                    return
                text = stub.reply(body.get("messages", [])) if callable(stub.reply) else stub.reply
                if self.path.endswith("/api/chat"):  # Ollama's native chat API (NDJSON when streaming)
                    self.send_response(200)
                    self.send_header("content-type", "application/x-ndjson")
                    self.end_headers()
                    pieces = [text[i : i + 6] for i in range(0, len(text), 6)] if body.get("stream", True) else [text]
                    for piece in pieces:
                        line = {"model": "stub", "created_at": "2026-11-25T00:00:00Z",
                                "message": {"role": "assistant", "content": piece}, "done": False}
                        self.wfile.write((json.dumps(line) + "\n").encode())
                    end = {"model": "stub", "created_at": "2026-11-25T00:00:00Z",
                           "message": {"role": "assistant", "content": ""}, "done": True, "done_reason": "stop",
                           "total_duration": 1, "eval_count": 1, "prompt_eval_count": 1}
                    self.wfile.write((json.dumps(end) + "\n").encode())
                    return
                if body.get("stream"):
                    self.send_response(200)
                    self.send_header("content-type", "text/event-stream")
                    self.end_headers()
                    pieces = [text[i : i + 6] for i in range(0, len(text), 6)]
                    for piece in pieces:
                        chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "stub",
                                 "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                        self.wfile.flush()
                    end = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "stub",
                           "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
                    self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
                    return
                self._json(200, {
                    "id": "c1", "object": "chat.completion", "created": 0, "model": "stub",
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                 "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                })

            def _json(self, status: int, obj: dict[str, Any]) -> None:
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "OpenAIStub":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
