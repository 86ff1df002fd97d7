"""A small local Socket Mode server (like bolt-python's mock_socket_mode_server): a WebSocket on
127.0.0.1 that sends `hello`, pushes canned envelopes on the first connection and records the frames
the client sends back (the acks)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve


class FakeSocketModeServer:
    def __init__(self, envelopes: list[dict[str, Any]], hello: dict[str, Any]) -> None:
        self.envelopes = envelopes
        self.hello = hello
        self.received: list[dict[str, Any]] = []
        self.connections = 0
        self._cond = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._server: Server | None = None
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="fake-socket-mode")
        self.port = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link/?ticket=test-ticket&app_id=A0123ABCDEF"

    def start(self) -> "FakeSocketModeServer":
        self._thread.start()
        if not self._started.wait(5):
            raise RuntimeError("fake Socket Mode server did not start")
        return self

    def stop(self) -> None:
        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
                await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def wait_for_frame(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for frame in self.received:
                    if frame.get("envelope_id") == envelope_id:
                        return frame
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no ack for {envelope_id}; frames: {self.received}")
                self._cond.wait(remaining)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def start() -> None:
            self._server = await serve(self._handler, "127.0.0.1", 0)
            self.port = list(self._server.sockets)[0].getsockname()[1]

        self._loop.run_until_complete(start())
        self._started.set()
        self._loop.run_forever()

    async def _handler(self, ws: ServerConnection) -> None:
        self.connections += 1
        await ws.send(json.dumps(self.hello))
        if self.connections == 1:
            for envelope in self.envelopes:
                await ws.send(json.dumps(envelope))
        try:
            async for message in ws:
                with self._cond:
                    self.received.append(json.loads(message))
                    self._cond.notify_all()
        except Exception:
            pass
