from __future__ import annotations

from typing import Callable

import pytest

from bot.errors import StoreUnavailable
from bot.router import CommandRouter, IncomingMessage, Reply, parse_command


class RecordingAnswerer:
    def __init__(self, fail: Exception | None = None) -> None:
        self.calls: list[tuple[str, str, tuple[str, ...]]] = []
        self.fail = fail

    def answer(self, question: str, *, language: str, context: tuple[str, ...] = (),
               on_partial: Callable[[str], None] | None = None) -> Reply:
        self.calls.append((question, language, context))
        if self.fail:
            raise self.fail
        return Reply(text=f"answer to {question}", kind="answer", language=language, grounded=True)


@pytest.fixture()
def answerer() -> RecordingAnswerer:
    return RecordingAnswerer()


def test_parse_command() -> None:
    assert parse_command("/ask  退货运费谁出？") == ("/ask", "退货运费谁出？")
    assert parse_command("  plain question ") == (None, "plain question")
    assert parse_command("/HELP") == ("/help", "")


def test_plain_text_and_ask_reach_the_answerer_in_the_askers_language(answerer: RecordingAnswerer) -> None:
    router = CommandRouter(answerer)
    assert router.handle(IncomingMessage("退货运费谁出？")).kind == "answer"
    router.handle(IncomingMessage("/ask who pays return shipping?"))
    assert answerer.calls == [("退货运费谁出？", "zh", ()), ("who pays return shipping?", "en", ())]


def test_slack_style_command_field(answerer: RecordingAnswerer) -> None:
    reply = CommandRouter(answerer).handle(IncomingMessage("how long do refunds take", command="/ask"))
    assert reply.text == "answer to how long do refunds take"


def test_help_lists_the_commands(answerer: RecordingAnswerer) -> None:
    for cmd in ("/help", "/cs-help"):
        reply = CommandRouter(answerer).handle(IncomingMessage(cmd))
        assert reply.kind == "help" and "/ask" in reply.text and "/rootcause" in reply.text
    assert answerer.calls == []


def test_unknown_empty_oversize_and_coming_soon(answerer: RecordingAnswerer) -> None:
    router = CommandRouter(answerer, max_chars=50)
    unknown = router.handle(IncomingMessage("/frobnicate now"))
    assert unknown.kind == "error" and "/frobnicate" in unknown.text and "/help" in unknown.text
    assert "/ask" in router.handle(IncomingMessage("   ")).text
    assert "退货运费" in router.handle(IncomingMessage("/ask")).text or "return" in router.handle(
        IncomingMessage("/ask")).text
    long = router.handle(IncomingMessage("x" * 51))
    assert long.kind == "error" and "51" in long.text and "50" in long.text
    soon = router.handle(IncomingMessage("/rootcause last week"))
    assert "/rootcause" in soon.text and soon.kind == "info"
    assert answerer.calls == []


def test_chinese_errors_for_chinese_users(answerer: RecordingAnswerer) -> None:
    reply = CommandRouter(answerer).handle(IncomingMessage("/未知命令 你好"))
    assert "命令" in reply.text


def test_thread_history_is_passed_as_context(answerer: RecordingAnswerer) -> None:
    CommandRouter(answerer).handle(IncomingMessage("那会员呢？", thread_history=("a", "b", "退货运费谁出？", " ")))
    assert answerer.calls[0][2] == ("a", "b", "退货运费谁出？")


def test_failures_become_friendly_replies_with_a_reference() -> None:
    store_down = CommandRouter(RecordingAnswerer(StoreUnavailable("connection refused"))).handle(
        IncomingMessage("who pays return shipping?"))
    assert store_down.kind == "error" and "unreachable" in store_down.text and "refused" not in store_down.text
    crash = CommandRouter(RecordingAnswerer(RuntimeError("boom: secret internals"))).handle(
        IncomingMessage("who pays return shipping?"))
    assert crash.kind == "error" and "boom" not in crash.text and "ref" in crash.text
