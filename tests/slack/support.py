"""Test helpers: a deterministic fake answerer, signed Slack requests, payload builders, a real
uvicorn server in a background thread."""

from __future__ import annotations

import copy
import json
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import uvicorn
from slack_sdk.signature import SignatureVerifier

from bot.commands.base import CommandSpec
from bot.commands.registry import Registry, discover
from bot.config import Settings
from bot.container import Container
from bot.models import Citation, PartialCallback, Reply, SimilarCase, encode_button_value
from bot.router import CommandRouter
from bot.storage.db import StateStore

FIXTURES = Path(__file__).parent / "fixtures"
SIGNING_SECRET = "test-signing-secret-0123456789"
BOT_TOKEN = "xoxb-1234-test-token"
APP_TOKEN = "xapp-1-A0123ABCDEF-test"


def fixture(name: str) -> dict[str, Any]:
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    data.pop("_source", None)
    return data


class FakeClock:
    """A monotonic clock tests move by hand (`advance`); `sleep` advances it instead of waiting."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)


class FakeAnswerer:
    """Implements bot.router.Answerer: a fixed, cited answer; records every call. With `clock`, the
    fake clock moves by `partial_step` seconds between partials (a stream that takes time, no sleeping)."""

    def __init__(
        self,
        *,
        partials: int = 0,
        clock: FakeClock | None = None,
        partial_step: float = 0.0,
        text: str | None = None,
        fail: bool = False,
    ) -> None:
        self.partials = partials
        self.clock = clock
        self.partial_step = partial_step
        self.text = text
        self.fail = fail
        self.calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def answer(
        self,
        question: str,
        *,
        language: str,
        context: tuple[str, ...] = (),
        on_partial: PartialCallback | None = None,
        user_key: str = "",
    ) -> Reply:
        with self._lock:
            self.calls.append(
                {
                    "question": question,
                    "language": language,
                    "context": context,
                    "streaming": on_partial is not None,
                }
            )
        if self.fail:
            raise RuntimeError("secret-internal-detail: boom")
        text = self.text or f"Customers pay return shipping unless the item is damaged [1]. (q: {question})"
        if on_partial is not None and self.partials:
            for i in range(1, self.partials + 1):
                on_partial(text[: max(1, len(text) * i // self.partials)])
                if self.clock is not None:
                    self.clock.advance(self.partial_step)
        return Reply(
            text=text,
            kind="answer",
            language=language,
            citations=[
                Citation(
                    1,
                    "kb-returns",
                    "Returns policy",
                    "knowledge/returns.md",
                    "Return shipping is paid by the customer unless the item arrived damaged.",
                    url="https://kb.example.com/returns",
                ),
                Citation(2, "kb-damage", "Damaged items", "knowledge/damage.md", "Photos are required."),
            ],
            similar_case=SimilarCase(
                "case-42", "Return fee dispute", "refunded the shipping fee as a goodwill gesture"
            ),
            grounded=True,
            question=question,
        )


class FixedContainer(Container):
    """A Container whose answering core and state are given: the real command registry and router run
    (plus `extra_commands`, test-only commands), with `core` as the answerer, or `core` as the router."""

    def __init__(
        self, settings: Settings, core: Any, state: StateStore, *, extra_commands: tuple[CommandSpec, ...] = ()
    ) -> None:
        super().__init__(settings)
        self._fixed_state = state
        self._fixed_router = None if hasattr(core, "answer") else core
        self._fixed_answerer = core if hasattr(core, "answer") else None
        self._extra_commands = extra_commands
        self._built_router: Any = None

    def answerer(self) -> Any:
        return self._fixed_answerer if self._fixed_answerer is not None else super().answerer()

    def router(self) -> Any:
        if self._fixed_router is not None:
            return self._fixed_router
        if self._built_router is None:
            self._built_router = CommandRouter(Registry([*discover(), *self._extra_commands]), self)
        return self._built_router

    def state(self) -> StateStore:
        return self._fixed_state


# --- signed requests ---------------------------------------------------------------------------------


def signed_headers(
    body: str,
    content_type: str,
    *,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "content-type": content_type,
        "x-slack-request-timestamp": ts,
        "x-slack-signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body),
    }
    headers.update(extra or {})
    return headers


def slash_body(command: str, text: str, response_url: str, **fields: str) -> str:
    data = fixture("slash_command.json")
    data.update(
        {
            "command": command,
            "text": text,
            "response_url": response_url,
            "channel_id": "C0003CHAN",
            "user_id": "U0002USER",
        }
    )
    data.update(fields)
    return urlencode(data)


def event_body(
    name: str = "event_app_mention.json", *, event_id: str | None = None, **event_fields: Any
) -> str:
    data = fixture(name)
    data["event_id"] = event_id or "Ev" + uuid.uuid4().hex[:10].upper()
    data["event"].update(event_fields)
    return json.dumps(data)


def action_body(
    action_id: str,
    value: str,
    response_url: str,
    *,
    payload: dict[str, str] | None = None,
    user_id: str = "U0002USER",
    is_ephemeral: bool = False,
    message_ts: str = "1700000200.000100",
    action_ts: str | None = None,
) -> str:
    """A block_actions click on a button `action_id` whose value is `value` (+ `payload`), encoded
    the way the renderer encodes it (`bot.models.encode_button_value`)."""
    data = fixture("block_actions.json")
    data["response_url"] = response_url
    data["user"]["id"] = user_id
    data["container"].update({"is_ephemeral": is_ephemeral, "message_ts": message_ts})
    data["actions"] = [
        {
            "action_id": action_id,
            "block_id": f"cs_answer_actions:{value}",
            "value": encode_button_value(value, payload),
            "type": "button",
            "text": {"type": "plain_text", "text": action_id},
            "action_ts": action_ts or f"{time.time():.6f}",
        }
    ]
    if is_ephemeral:
        data.pop("message", None)
    return urlencode({"payload": json.dumps(data)})


def view_body(view: dict[str, Any], values: dict[str, str], *, user_id: str = "U0002USER") -> str:
    """A view_submission of the modal `view` (as sent to views.open) with `values` typed in."""
    data = copy.deepcopy(fixture("view_submission.json"))
    data["user"]["id"] = user_id
    state: dict[str, Any] = {}
    for block in view["blocks"]:
        element = block["element"]
        value = values.get(element["action_id"], "")
        if element["type"] == "static_select":
            entry: dict[str, Any] = {"type": "static_select", "selected_option": {"value": value}}
        else:
            entry = {"type": element["type"], "value": value}
        state[block["block_id"]] = {element["action_id"]: entry}
    data["view"].update({
        "callback_id": view["callback_id"],
        "private_metadata": view.get("private_metadata", ""),
        "blocks": view["blocks"],
        "state": {"values": state},
    })
    return urlencode({"payload": json.dumps(data)})


# --- a real uvicorn server -----------------------------------------------------------------------------


class SwappableApp:
    """An ASGI app that forwards to `self.app`, so one uvicorn server can serve each test's app."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            return
        assert self.app is not None, "no app mounted"
        await self.app(scope, receive, send)


class ServerThread:
    """Runs an ASGI app with uvicorn on a free 127.0.0.1 port in a daemon thread."""

    def __init__(self, app: Any) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "ServerThread":
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self._thread.join(10)
        self._sock.close()
