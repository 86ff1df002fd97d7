"""One contract for the outbound port, run against Slack and Feishu through their real SDK clients
(slack_sdk WebClient, lark-oapi Client) talking to the local recording API servers.

Each test asserts what a user would see: which channel or thread a message landed in, its text and
buttons, and the bytes and file name of an upload, read back from the requests the servers recorded.
"""

from __future__ import annotations

import struct
import uuid
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Protocol

import pytest

from bot.config import load_settings
from bot.container import Container
from bot.models import (
    Attachment,
    Button,
    Citation,
    Reply,
    Report,
    Section,
    SimilarCase,
    Table,
    decode_button_value,
)
from bot.outbound.port import Outbound, OutboundError
from bot.slack.blocks import text_size
from tests.feishu.helpers import MockOpenApi
from tests.slack.blockutil import block_text
from tests.slack.mock_slack_api import MockSlackApi

SLACK_TOKEN = "xoxb-contract-test-token-0001"
FEISHU_SECRET = "contract-test-app-secret"
CHANNEL = {"slack": "C0CONTRACT1", "feishu": "oc_contract000000000000000000000001"}


def png(width: int = 2, height: int = 1) -> bytes:
    """A real (tiny) PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@dataclass
class Seen:
    """A message as a user sees it."""

    channel: str
    thread: str  # the thread root ("" at top level)
    message_id: str
    text: str
    buttons: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)  # (action, value, payload)
    kind: str = "message"  # "message" | "image" | "file"
    filename: str = ""
    content: bytes = b""


class View(Protocol):
    """Reads the recording server back as what users would see."""

    platform: str
    secrets: tuple[str, ...]

    def messages(self) -> list[Seen]: ...
    def updates(self) -> list[Seen]: ...
    def uploads(self) -> list[Seen]: ...
    def fail_next_post(self) -> None: ...


# --- Slack -------------------------------------------------------------------------------------------------
def _slack_buttons(blocks: list[dict[str, Any]]) -> list[tuple[str, str, dict[str, str]]]:
    out = []
    for block in blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            value, payload = decode_button_value(element["value"])
            out.append((element["action_id"].split("~")[0], value, payload))
    return out


class SlackView:
    platform = "slack"

    def __init__(self, api: MockSlackApi) -> None:
        self.api = api
        self.secrets = (SLACK_TOKEN,)

    def messages(self) -> list[Seen]:
        return [Seen(r.body["channel"], r.body.get("thread_ts", ""), "", block_text(r.body["blocks"]),
                     _slack_buttons(r.body["blocks"])) for r in self.api.calls("/chat.postMessage")]

    def updates(self) -> list[Seen]:
        return [Seen(r.body["channel"], "", r.body["ts"], block_text(r.body["blocks"]), _slack_buttons(r.body["blocks"]))
                for r in self.api.calls("/chat.update")]

    def uploads(self) -> list[Seen]:
        return [Seen(u.channel_id, u.thread_ts, u.file_id, u.initial_comment, kind="file", filename=u.filename,
                     content=u.content) for u in self.api.uploads()]

    def fail_next_post(self) -> None:
        self.api.fail("/chat.postMessage", body={"ok": False, "error": "channel_not_found"})


# --- Feishu ------------------------------------------------------------------------------------------------
def _card_texts(node: Any) -> list[str]:
    if isinstance(node, list):
        return [t for n in node for t in _card_texts(n)]
    if not isinstance(node, dict):
        return []
    out = []
    for key, value in node.items():
        if key in ("content", "display_name") and isinstance(value, str):
            out.append(value)
        elif key == "rows" and isinstance(value, list):
            out.extend(str(v) for row in value for v in row.values())
        elif isinstance(value, (dict, list)):
            out.extend(_card_texts(value))
    return out


def _card_buttons(node: Any) -> list[tuple[str, str, dict[str, str]]]:
    if isinstance(node, list):
        return [b for n in node for b in _card_buttons(n)]
    if not isinstance(node, dict):
        return []
    if node.get("tag") == "button":
        value = node["behaviors"][0]["value"]
        return [(value["action"], value.get("value", ""), value.get("payload", {}))]
    return [b for v in node.values() if isinstance(v, (dict, list)) for b in _card_buttons(v)]


class FeishuView:
    platform = "feishu"

    def __init__(self, api: MockOpenApi, tenant_token: str) -> None:
        self.api = api
        self.secrets = (FEISHU_SECRET, tenant_token)

    def _all(self) -> list[Seen]:
        chats: dict[str, str] = {}
        out: list[Seen] = []
        for call in self.api.message_calls():
            if call.method != "POST":
                continue
            new_id = call.response["data"]["message_id"]
            if call.path == "/open-apis/im/v1/messages":
                channel, thread = call.body["receive_id"], ""
            else:  # /open-apis/im/v1/messages/{id}/reply
                parent = call.path.split("/")[-2]
                channel, thread = chats.get(parent, ""), parent if call.body.get("reply_in_thread") else ""
            chats[new_id] = channel
            out.append(self._seen(channel, thread, new_id, call.body["msg_type"], call.content))
        return out

    def _seen(self, channel: str, thread: str, message_id: str, msg_type: str, content: dict[str, Any]) -> Seen:
        if msg_type in ("image", "file"):
            uploaded = self.api.uploads[content[f"{msg_type}_key"]]
            return Seen(channel, thread, message_id, "", kind=msg_type, filename=uploaded.filename,
                        content=uploaded.content)
        if msg_type == "text":
            return Seen(channel, thread, message_id, content["text"])
        return Seen(channel, thread, message_id, "\n".join(_card_texts(content)), _card_buttons(content))

    def messages(self) -> list[Seen]:
        return [s for s in self._all() if s.kind == "message"]

    def updates(self) -> list[Seen]:
        return [Seen("", "", c.path.split("/")[-1], "\n".join(_card_texts(c.content)), _card_buttons(c.content))
                for c in self.api.message_calls() if c.method == "PATCH"]

    def uploads(self) -> list[Seen]:
        return [s for s in self._all() if s.kind in ("image", "file")]

    def fail_next_post(self) -> None:
        self.api.fail("POST", "/open-apis/im/v1/messages", 400, {"code": 230002, "msg": "Bot is not in the chat"})


# --- fixtures -------------------------------------------------------------------------------------------------
@dataclass
class Harness:
    outbound: Outbound
    view: View
    channel: str

    @property
    def platform(self) -> str:
        return self.view.platform


@pytest.fixture(params=["slack", "feishu"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    if request.param == "slack":
        api = MockSlackApi().start()
        settings = load_settings(data_dir=tmp_path, env_file=None, slack_bot_token=SLACK_TOKEN,
                                 slack_api_url=api.url)
        try:
            yield Harness(Container(settings).outbound("slack"), SlackView(api), CHANNEL["slack"])
        finally:
            api.stop()
        return
    feishu = MockOpenApi().start()
    # a distinct app id per test: lark-oapi caches tenant tokens process-wide, keyed by app id
    settings = load_settings(data_dir=tmp_path, env_file=None, feishu_app_id=f"cli_out{uuid.uuid4().hex[:12]}",
                             feishu_app_secret=FEISHU_SECRET, feishu_api_url=feishu.url)
    from tests.feishu.helpers import fixture

    token = fixture("tenant_access_token_internal.response.json")["response"]["tenant_access_token"]
    try:
        yield Harness(Container(settings).outbound("feishu"), FeishuView(feishu, token), CHANNEL["feishu"])
    finally:
        feishu.stop()


# --- the contract ------------------------------------------------------------------------------------------
def test_post_reply_in_thread_update_and_upload_into_the_thread(harness: Harness) -> None:
    out, view, channel = harness.outbound, harness.view, harness.channel
    assert out.platform == harness.platform

    alert = Reply(
        text="Checkout outage: payments fail for card users. 结账故障。",
        buttons=[Button("escalation_ack", "Acknowledge", "esc-17", style="primary", payload={"ticket": "T-88"}),
                 Button("escalation_ack", "Ack (zh) 确认", "esc-17", payload={"ticket": "T-88", "lang": "zh"})],
    )
    root = out.post(channel, alert)
    assert root.platform == harness.platform and root.channel_id == channel and root.message_id and not root.thread_id

    first = view.messages()[0]
    assert (first.channel, first.thread) == (channel, "")
    assert "Checkout outage" in first.text and "结账故障" in first.text
    assert first.buttons == [("escalation_ack", "esc-17", {"ticket": "T-88"}),
                             ("escalation_ack", "esc-17", {"ticket": "T-88", "lang": "zh"})]

    follow = out.reply_in_thread(root, Reply(text="Payments team is on it.", language="en"))
    assert follow.thread_id == root.message_id and follow.channel_id == channel
    nested = out.reply_in_thread(follow, Reply(text="第二条跟进：已恢复一半。", language="zh"))
    assert nested.thread_id == root.message_id  # a reply to a reply goes to the same thread root
    replies = view.messages()[1:]
    assert [(m.channel, m.thread) for m in replies] == [(channel, root.message_id)] * 2
    assert "Payments team is on it." in replies[0].text and "已恢复一半" in replies[1].text

    out.update(root, Reply(text="Checkout outage resolved at 14:05.",
                           buttons=[Button("escalation_reopen", "Reopen", "esc-17")]))
    (updated,) = view.updates()
    assert updated.message_id == root.message_id
    assert "resolved at 14:05" in updated.text and "payments fail" not in updated.text
    assert updated.buttons == [("escalation_reopen", "esc-17", {})]

    image = png()
    shot = out.upload(channel, Attachment("error-rate.png", image, "image/png", title="Error rate"), thread=follow)
    assert shot.thread_id == root.message_id
    (seen,) = view.uploads()
    assert (seen.channel, seen.thread) == (channel, root.message_id)
    assert seen.content == image and seen.kind in ("image", "file")
    if harness.platform == "slack":  # a Feishu image message shows the picture, not a file name
        assert seen.filename == "error-rate.png"


def test_upload_a_file_at_top_level_with_a_comment(harness: Harness) -> None:
    out, view, channel = harness.outbound, harness.view, harness.channel
    data = "order,status\nA-1,退款中\n".encode()
    posted = out.upload(channel, Attachment("orders.csv", data, "text/csv"), comment="Export of open orders")
    assert posted.channel_id == channel and not posted.thread_id
    (seen,) = view.uploads()
    assert (seen.channel, seen.thread, seen.filename, seen.content) == (channel, "", "orders.csv", data)
    said = " ".join([seen.text] + [m.text for m in view.messages()])
    assert "Export of open orders" in said


def test_a_report_shows_its_table_and_delivers_its_chart_and_files(harness: Harness) -> None:
    out, view, channel = harness.outbound, harness.view, harness.channel
    chart = png(3, 2)
    report = Report(
        title="Complaint root causes, week 47",
        summary="Late deliveries drive **most** complaints.",
        sections=[Section("Carrier B missed 12% of delivery slots.", title="Delivery")],
        table=Table(["Cause", "Share"], [["Late delivery", "41%"], ["Damaged item", "22%"]]),
        images=[Attachment("causes.png", chart, "image/png", title="Causes by share")],
        files=[Attachment("causes.csv", b"cause,share\nlate,41\n", "text/csv")],
    )
    posted = out.post(channel, Reply(text="Complaint root causes, week 47", kind="report", report=report))
    message = view.messages()[0]
    assert (message.channel, message.thread) == (channel, "")
    for visible in ("Complaint root causes, week 47", "Late deliveries", "Carrier B", "Late delivery", "41%",
                    "Damaged item", "causes.csv"):
        assert visible in message.text, visible
    uploads = {u.filename: u for u in view.uploads()}
    assert uploads["causes.csv"].content == b"cause,share\nlate,41\n"
    assert uploads["causes.csv"].thread == posted.message_id
    if harness.platform == "slack":
        assert "Chart attached: Causes by share" in message.text
        assert uploads["causes.png"].content == chart and uploads["causes.png"].thread == posted.message_id
    else:  # the chart is inline in the card
        assert isinstance(view, FeishuView)
        (key,) = [k for k, u in view.api.uploads.items() if u.kind == "image"]
        assert view.api.uploads[key].content == chart
        card = view.api.find("POST", "/open-apis/im/v1/messages")[0].content
        images = [e for e in card["body"]["elements"] if e.get("tag") == "img"]
        assert [e["img_key"] for e in images] == [key]


def test_refusals_become_short_outbound_errors_without_secrets(harness: Harness) -> None:
    harness.view.fail_next_post()
    with pytest.raises(OutboundError) as info:
        harness.outbound.post(harness.channel, Reply(text="hello"))
    message = str(info.value)
    assert ("channel_not_found" if harness.platform == "slack" else "230002") in message
    assert len(message) < 200
    for secret in harness.view.secrets:
        assert secret not in message
    assert info.value.message_key == "outbound_failed"
    # the port still works afterwards
    assert harness.outbound.post(harness.channel, Reply(text="hello again")).message_id


def test_an_empty_attachment_is_refused(harness: Harness) -> None:
    with pytest.raises(OutboundError):
        harness.outbound.upload(harness.channel, Attachment("empty.csv", b"", "text/csv"))
    assert harness.view.uploads() == []


def test_answers_keep_their_sources(harness: Harness) -> None:
    reply = Reply(
        text="Customers pay return shipping unless the item is faulty [1].", kind="answer", grounded=True,
        citations=[Citation(1, "kb-returns", "Returns policy", "kb/returns.md", "Return shipping is paid...")],
        similar_case=SimilarCase("case-9", "Broken kettle", "sent a prepaid label"),
    )
    harness.outbound.post(harness.channel, reply)
    text = harness.view.messages()[0].text
    assert "Returns policy" in text and "Broken kettle" in text and "return shipping" in text


def test_slack_sends_the_compact_rendering_when_blocks_are_refused(tmp_path: Path) -> None:
    api = MockSlackApi().start()
    try:
        settings = load_settings(data_dir=tmp_path, env_file=None, slack_bot_token=SLACK_TOKEN, slack_api_url=api.url)
        out = Container(settings).outbound("slack")
        api.fail("/chat.postMessage", body={"ok": False, "error": "msg_blocks_too_long"})
        reply = Reply(text="Long answer [1]. " * 50, kind="answer",
                      citations=[Citation(1, "kb-1", "Refund rules", "kb/refunds.md", "q" * 200)])
        posted = out.post("C0CONTRACT1", reply)
        first, second = api.calls("/chat.postMessage")
        assert posted.message_id and text_size(second.body["blocks"]) < text_size(first.body["blocks"])
        assert "q" * 100 in block_text(first.body["blocks"]) and "q" * 100 not in block_text(second.body["blocks"])
        assert "Refund rules" in block_text(second.body["blocks"])  # the compact rendering keeps the sources
    finally:
        api.stop()


def test_container_refuses_an_unconfigured_platform(tmp_path: Path) -> None:
    from bot.errors import ConfigError

    container = Container(load_settings(data_dir=tmp_path, env_file=None))
    with pytest.raises(ConfigError):
        container.outbound("slack")
    with pytest.raises(ConfigError):
        container.outbound("feishu")
    assert container.outbound("cli") is container.outbound("cli")
