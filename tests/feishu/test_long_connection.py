"""Long-connection mode against a small local fake of Feishu's endpoint.

The fake answers `POST /callback/ws/endpoint` (on the mock Open API) with a ws:// URL and a
ClientConfig, then a websockets server pushes protobuf Frames carrying events exactly as Feishu
does and collects the client's response frames.
"""

from __future__ import annotations

import asyncio
import base64
import json
import queue
import threading
from pathlib import Path
from typing import Any

from lark_oapi.ws.pb.pbbp2_pb2 import Frame

from bot.storage.db import Database, StateStore

from .conftest import InjectedContainer, feishu_settings
from .helpers import FakeAnswerer, MockOpenApi, card_action_event, message_event, wait_for


def _data_frame(payload: dict[str, Any], message_id: str, seq_id: int) -> bytes:
    frame = Frame()
    frame.SeqID, frame.LogID, frame.service, frame.method = seq_id, seq_id, 7, 1  # method 1 = DATA
    for key, value in (("type", "event"), ("message_id", message_id), ("sum", "1"), ("seq", "0"),
                       ("trace_id", f"trace-{seq_id}")):
        header = frame.headers.add()
        header.key, header.value = key, value
    frame.payload = json.dumps(payload).encode()
    return frame.SerializeToString()


class FakeFeishuSocket:
    """Pushes the given frames one at a time, each after the previous one was answered."""

    def __init__(self, frames: list[bytes]) -> None:
        self.frames = frames
        self.responses: queue.Queue[Frame] = queue.Queue()
        self.pings = 0
        self.connected = threading.Event()
        self.proceed = threading.Event()  # set by the test before each frame after the first
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: Any = None

    def start(self) -> int:
        self.thread.start()
        return asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(5)

    async def _start(self) -> int:
        from websockets.asyncio.server import serve

        self.server = await serve(self._handler, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _handler(self, ws: Any) -> None:
        self.connected.set()
        try:
            for i, data in enumerate(self.frames):
                if i:
                    await asyncio.get_running_loop().run_in_executor(None, self.proceed.wait, 10)
                    self.proceed.clear()
                await ws.send(data)
                while True:
                    frame = Frame()
                    frame.ParseFromString(await ws.recv())
                    if frame.method == 0:  # CONTROL: the client's ping
                        self.pings += 1
                        continue
                    self.responses.put(frame)
                    break
            await ws.wait_closed()
        except Exception:
            pass

    def stop(self) -> None:
        async def close() -> None:
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def _response(frame: Frame) -> dict[str, Any]:
    return json.loads(frame.payload)


def test_long_connection_answers_message_and_card_action(tmp_path: Path, mock_api: MockOpenApi) -> None:
    from bot.feishu.ws import start_long_connection

    event = message_event("p2p", "who pays return shipping?")
    message_id = event["event"]["message"]["message_id"]
    click = card_action_event("feedback_up", f"fs-{message_id}", message_id="om_card", chat_id="oc_x")
    fake = FakeFeishuSocket([_data_frame(event, "ws-msg-1", 1), _data_frame(click, "ws-msg-2", 2)])
    port = fake.start()
    mock_api.ws_url = f"ws://127.0.0.1:{port}/ws?device_id=dev-1&service_id=7"

    # Long connection needs neither a verification token nor an encrypt key.
    settings = feishu_settings(tmp_path, mock_api.url, feishu_verification_token="", feishu_encrypt_key="")
    answerer = FakeAnswerer()
    state = StateStore(Database(f"sqlite:///{tmp_path / 'ws.db'}"))
    connection = start_long_connection(InjectedContainer(settings, answerer, state))
    try:
        assert fake.connected.wait(10), "the client did not connect"
        first = fake.responses.get(timeout=10)
        assert first.method == 1
        assert _response(first)["code"] == 200
        headers = {h.key: h.value for h in first.headers}
        assert headers["message_id"] == "ws-msg-1" and "biz_rt" in headers

        bot = connection.bot
        assert wait_for(lambda: len(mock_api.find("PATCH")) == 1, timeout=10)
        assert bot.wait_idle(10)
        endpoint = [c for c in mock_api.calls if c.path == "/callback/ws/endpoint"]
        assert endpoint and endpoint[0].body == {"AppID": settings.feishu_app_id, "AppSecret": "test-app-secret"}
        [reply] = mock_api.find("POST", "/reply")
        assert reply.path == f"/open-apis/im/v1/messages/{message_id}/reply"
        assert answerer.calls == [("who pays return shipping?", "en", ())]

        fake.proceed.set()  # now click the answer's 👍 button
        second = fake.responses.get(timeout=10)
        body = _response(second)
        assert body["code"] == 200
        result = json.loads(base64.b64decode(body["data"]))
        assert result["toast"]["content"] == "Thanks for the feedback!"
        assert result["card"]["type"] == "raw" and result["card"]["data"]["schema"] == "2.0"
        assert state.feedback()[0]["rating"] == 1
    finally:
        connection.stop()
        fake.stop()
    assert not connection.is_alive()
