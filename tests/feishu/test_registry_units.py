"""The Feishu adapter's registry-driven decisions: processing card or not, a command's argument."""

from __future__ import annotations

import pytest

from bot.commands.registry import default_registry
from bot.feishu.conversation import shows_processing_card
from bot.feishu.parsing import command_argument
from bot.models import IncomingMessage
from bot.router import CommandRouter


@pytest.mark.parametrize(
    ("text", "slow"),
    [
        ("who pays?", True),
        ("/ask who pays?", True),
        ("提问 退货运费谁出？", True),  # a Chinese alias as the first word
        ("/ask", False),  # /ask needs text: without it the question prompt comes at once, no card
        ("/help", False),
        ("帮助", False),
        ("/frobnicate", False),  # unknown: answered at once
        ("", False),
    ],
)
def test_the_processing_card_follows_the_registry(text: str, slow: bool) -> None:
    registry = default_registry()
    spec = CommandRouter(registry, None).spec_for(IncomingMessage(text=text, platform="feishu"))
    assert shows_processing_card(spec, command_argument(text, registry.is_alias_word)) is slow


def test_a_command_that_needs_text_gets_no_card_without_it() -> None:
    registry = default_registry()
    needy = [s for s in registry.all() if s.needs_text]
    for spec in needy:
        assert not shows_processing_card(spec, "")
        assert shows_processing_card(spec, "some text") is spec.slow


@pytest.mark.parametrize(
    ("text", "argument"),
    [("/ask  who pays?", "who pays?"), ("提问： 退货运费谁出？", "退货运费谁出？"), ("提问 退货运费谁出？", "退货运费谁出？"),
     ("just a question", "just a question"), ("/help", "")],
)
def test_command_argument(text: str, argument: str) -> None:
    assert command_argument(text, default_registry().is_alias_word) == argument
