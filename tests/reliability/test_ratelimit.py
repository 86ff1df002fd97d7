"""Per-user rate limit on model calls: whatever command calls the gateway, a user over the limit gets the
friendly "try again in N s" (N filled in, in the asker's language) from the router, never a raw error or an
unfilled template; other users are not affected."""

from __future__ import annotations

import re
from pathlib import Path

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from bot.commands.base import CommandContext, CommandSpec, ParsedArgs
from bot.commands.registry import Registry, default_registry
from bot.config import load_settings
from bot.container import Container
from bot.llm import RateLimited, gateway_for
from bot.models import ActionEvent, IncomingMessage, Reply
from bot.router import CommandRouter


def _summarize(ctx: CommandContext, args: ParsedArgs) -> Reply:
    gateway = gateway_for(ctx.services)
    assert gateway is not None
    text = gateway.invoke(f"Summarize: {args.text}", user_key=f"{ctx.platform}:{ctx.user_id}")
    return Reply(text=text, kind="info", language=ctx.language)


def _retry_click(ctx: CommandContext, event: ActionEvent) -> Reply:
    raise RateLimited(4.2)


MODEL_CMD = CommandSpec(name="/summarize-test", aliases=("总结测试",), help={"en": "x", "zh": "x"},
                        handler=_summarize, actions={"summarize_again": _retry_click})


def _router(tmp: Path, rate: float, burst: int = 0) -> CommandRouter:
    settings = load_settings(data_dir=tmp / "data", env_file=None, llm_rate_limit_per_minute=rate,
                             llm_rate_limit_burst=burst)
    model = FakeListChatModel(responses=["a short summary"])
    return CommandRouter(Registry([*default_registry().all(), MODEL_CMD]), Container(settings, chat_model=model))


def test_over_the_limit_gets_the_wait_in_seconds_in_both_languages(tmp_path: Path) -> None:
    router = _router(tmp_path, rate=2, burst=2)  # one token every 30 s, bursts of 2
    for _ in range(2):
        ok = router.handle(IncomingMessage("/summarize-test the refund policy", user_id="U1", platform="slack"))
        assert ok.kind == "info" and ok.text == "a short summary"
    limited = router.handle(IncomingMessage("/summarize-test the refund policy", user_id="U1", platform="slack"))
    assert limited.kind == "error" and "{seconds}" not in limited.text
    seconds = int(re.search(r"try again in (\d+) s", limited.text).group(1))  # type: ignore[union-attr]
    assert 25 <= seconds <= 30
    zh = router.handle(IncomingMessage("总结测试 退款政策是什么", user_id="U1", platform="feishu"))
    zh2 = router.handle(IncomingMessage("总结测试 退款政策是什么", user_id="U1", platform="feishu"))
    zh3 = router.handle(IncomingMessage("总结测试 退款政策是什么", user_id="U1", platform="feishu"))
    assert [zh.kind, zh2.kind] == ["info", "info"]  # another platform's user id is another bucket
    assert zh3.kind == "error" and re.search(r"请在 \d+ 秒后重试", zh3.text), zh3.text
    other = router.handle(IncomingMessage("/summarize-test shipping", user_id="U2", platform="slack"))
    assert other.kind == "info"


def test_a_rate_limit_raised_in_a_button_handler_is_friendly_too(tmp_path: Path) -> None:
    router = _router(tmp_path, rate=60)
    reply = router.handle_action(ActionEvent(action_id="summarize_again", value="x", user_id="U1", channel_id="C1", platform="slack",
                                             language="en"))
    assert reply is not None and reply.kind == "error" and "try again in 5 s" in reply.text


def test_no_limit_configured_means_no_refusal(tmp_path: Path) -> None:
    router = _router(tmp_path, rate=0)
    replies = [router.handle(IncomingMessage("/summarize-test x", user_id="U1", platform="slack")) for _ in range(8)]
    assert all(r.kind == "info" for r in replies)
