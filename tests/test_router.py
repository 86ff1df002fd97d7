from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from bot.commands.registry import default_registry
from bot.config import load_settings
from bot.errors import StoreUnavailable
from bot.router import CommandRouter, IncomingMessage, Reply, normalize_text, parse_command


class RecordingAnswerer:
    def __init__(self, fail: Exception | None = None) -> None:
        self.calls: list[tuple[str, str, tuple[str, ...]]] = []
        self.fail = fail

    def answer(self, question: str, *, language: str, context: tuple[str, ...] = (),
               on_partial: Callable[[str], None] | None = None, user_key: str = "") -> Reply:
        self.calls.append((question, language, context))
        if self.fail:
            raise self.fail
        return Reply(text=f"answer to {question}", kind="answer", language=language, grounded=True)


class Services:
    """The part of the Container the router and /ask use: real Settings, a recording answerer."""

    def __init__(self, answerer: RecordingAnswerer, tmp: Path, **settings: Any) -> None:
        self.settings = load_settings(data_dir=tmp, env_file=None, **settings)
        self._answerer = answerer

    def answerer(self) -> RecordingAnswerer:
        return self._answerer


@pytest.fixture()
def answerer() -> RecordingAnswerer:
    return RecordingAnswerer()


@pytest.fixture()
def make(tmp_path: Path) -> Callable[..., CommandRouter]:
    def build(answerer: RecordingAnswerer, **settings: Any) -> CommandRouter:
        return CommandRouter(default_registry(), Services(answerer, tmp_path, **settings))
    return build


def test_parse_command() -> None:
    assert parse_command("/ask  退货运费谁出？") == ("/ask", "退货运费谁出？")
    assert parse_command("  plain question ") == (None, "plain question")
    assert parse_command("/HELP") == ("/help", "")


def test_plain_text_and_ask_reach_the_answerer_in_the_askers_language(
        answerer: RecordingAnswerer, make: Callable[..., CommandRouter]) -> None:
    router = make(answerer)
    assert router.handle(IncomingMessage("退货运费谁出？")).kind == "answer"
    router.handle(IncomingMessage("/ask who pays return shipping?"))
    assert answerer.calls == [("退货运费谁出？", "zh", ()), ("who pays return shipping?", "en", ())]


def test_slack_style_command_field(answerer: RecordingAnswerer, make: Callable[..., CommandRouter]) -> None:
    reply = make(answerer).handle(IncomingMessage("how long do refunds take", command="/ask", platform="slack"))
    assert reply.text == "answer to how long do refunds take"


def test_chinese_alias_as_first_word_on_message_platforms(
        answerer: RecordingAnswerer, make: Callable[..., CommandRouter]) -> None:
    router = make(answerer)
    for platform in ("feishu", "cli"):
        assert router.handle(IncomingMessage("提问 退货运费谁出？", platform=platform)).kind == "answer"
        assert router.handle(IncomingMessage("帮助", platform=platform)).kind == "help"
    assert [c[0] for c in answerer.calls] == ["退货运费谁出？", "退货运费谁出？"]
    # Slack messages are not parsed for Chinese aliases (slash commands carry the command)
    router.handle(IncomingMessage("提问 退货运费谁出？", platform="slack"))
    assert answerer.calls[-1][0] == "提问 退货运费谁出？"
    spec = router.spec_for(IncomingMessage("帮助", platform="feishu"))
    assert spec is not None and spec.name == "/help" and not spec.slow
    ask = router.spec_for(IncomingMessage("退货运费谁出？", platform="feishu"))
    assert ask is not None and ask.name == "/ask" and ask.slow
    assert router.spec_for(IncomingMessage("/frobnicate")) is None
    assert router.spec_for(IncomingMessage("  \u200b ")) is None


def test_help_lists_exactly_the_registered_commands(answerer: RecordingAnswerer,
                                                    make: Callable[..., CommandRouter]) -> None:
    router = make(answerer)
    names = [s.name for s in router.registry.all()]
    for cmd in ("/help", "/cs-help"):
        reply = router.handle(IncomingMessage(cmd))
        assert reply.kind == "help"
        for name in names:
            assert f"`{name}" in reply.text
        assert "coming soon" not in reply.text.lower() and "即将上线" not in reply.text
    zh = router.handle(IncomingMessage("帮助"))
    assert zh.language == "zh" and "显示本帮助" in zh.text
    assert answerer.calls == []


def test_unknown_empty_and_oversize(answerer: RecordingAnswerer, make: Callable[..., CommandRouter]) -> None:
    router = make(answerer, max_question_chars=50)
    unknown = router.handle(IncomingMessage("/frobnicate now"))
    assert unknown.kind == "error" and "/frobnicate" in unknown.text and "/help" in unknown.text
    assert "/ask" in router.handle(IncomingMessage("   ")).text
    assert "return" in router.handle(IncomingMessage("/ask")).text
    long = router.handle(IncomingMessage("x" * 51))
    assert long.kind == "error" and "51" in long.text and "50" in long.text
    assert answerer.calls == []


def test_commands_that_do_not_exist_are_not_advertised(answerer: RecordingAnswerer,
                                                       make: Callable[..., CommandRouter]) -> None:
    router = make(answerer)
    registered = {s.name for s in router.registry.all()}
    for cmd in ("/escalate", "/history", "/calm", "/resolve", "/rootcause"):
        if cmd in registered:
            continue
        reply = router.handle(IncomingMessage(f"{cmd} something"))
        assert reply.kind == "error" and cmd in reply.text and "soon" not in reply.text


def test_repeated_command_zero_width_and_control_input_is_empty(
        answerer: RecordingAnswerer, make: Callable[..., CommandRouter]) -> None:
    router = make(answerer)
    empty = router.handle(IncomingMessage("/ask"))
    for msg in (IncomingMessage("/ask", command="/ask"), IncomingMessage("/ask   ", command="/ask"),
                IncomingMessage("\u200b\u200c\u2060\ufeff"), IncomingMessage("\x00\x07\x1b\u200e"),
                IncomingMessage("/ask \u200b", platform="feishu"), IncomingMessage("\ufffd\ufffd")):
        reply = router.handle(msg)
        assert reply.kind == "error" and reply.text == empty.text, msg
    assert answerer.calls == []


def test_text_is_normalised_once() -> None:
    assert normalize_text("re\u200bfund\u00a0policy\x07 ") == "refund\u00a0policy"
    assert normalize_text("Cafe\u0301") == "Café"  # NFC
    assert normalize_text("a\r\nb\udcff") == "a\nb"


def test_private_flags_make_a_private_reply(answerer: RecordingAnswerer, make: Callable[..., CommandRouter]) -> None:
    router = make(answerer)
    for text in ("/ask who pays return shipping? --private", "/ask -p who pays return shipping?",
                 "who pays return shipping? only me", "退货运费谁出？仅自己"):
        reply = router.handle(IncomingMessage(text))
        assert reply.visibility == "private", text
    assert [c[0] for c in answerer.calls][:3] == ["who pays return shipping?"] * 3
    assert answerer.calls[3][0] == "退货运费谁出？"
    assert router.handle(IncomingMessage("who pays return shipping?")).visibility is None
    assert router.handle(IncomingMessage("/ask --private")).kind == "error"


def test_chinese_errors_for_chinese_users(answerer: RecordingAnswerer, make: Callable[..., CommandRouter]) -> None:
    reply = make(answerer).handle(IncomingMessage("/未知命令 你好"))
    assert "命令" in reply.text


def test_thread_history_is_passed_as_context(answerer: RecordingAnswerer, make: Callable[..., CommandRouter]) -> None:
    make(answerer).handle(IncomingMessage("那会员呢？", thread_history=("a", "b", "退货运费谁出？", " ")))
    assert answerer.calls[0][2] == ("a", "b", "退货运费谁出？")


def test_failures_become_friendly_replies_with_a_reference(tmp_path: Path) -> None:
    def router(answerer: RecordingAnswerer) -> CommandRouter:
        return CommandRouter(default_registry(), Services(answerer, tmp_path))

    store_down = router(RecordingAnswerer(StoreUnavailable("connection refused"))).handle(
        IncomingMessage("who pays return shipping?"))
    assert store_down.kind == "error" and "unreachable" in store_down.text and "refused" not in store_down.text
    crash = router(RecordingAnswerer(RuntimeError("boom: secret internals"))).handle(
        IncomingMessage("who pays return shipping?"))
    assert crash.kind == "error" and "boom" not in crash.text and "ref" in crash.text
