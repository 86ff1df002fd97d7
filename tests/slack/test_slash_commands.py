"""Slash commands over real HTTP (uvicorn), signed like Slack signs them; answers go to response_url.

Which commands exist, which are slow (the "Looking that up…" ack) and who sees the reply come from the
command registry; test-only commands (tests/slack/fake_commands.py) are registered next to the real ones.
"""

from __future__ import annotations

import time

import pytest

from bot import messages
from bot.commands.base import Role
from bot.commands.registry import default_registry
from tests.slack.blockutil import action_ids, answer_id_of, block_text
from tests.slack.conftest import Stack


def test_ask_acks_at_once_then_posts_a_cited_answer_in_channel(stack: Stack) -> None:
    started = time.monotonic()
    resp = stack.slash("/ask", "who pays return shipping?")
    assert resp.status_code == 200
    assert resp.text == messages.text("thinking", "en")  # tiny ephemeral ack: /ask is slow
    assert time.monotonic() - started < 1.0

    (hook,) = stack.api.wait_for("/webhook")
    body = hook.body
    assert body["response_type"] == "in_channel"  # /ask's default visibility
    assert "Customers pay return shipping" in body["text"]
    text = block_text(body["blocks"])
    assert "<https://kb.example.com/returns|Returns policy>" in text
    assert "[1]" in text and "[2] *Damaged items*" in text
    assert "Return fee dispute" in text  # the similar past case
    assert action_ids(body["blocks"]) == ["feedback_up", "feedback_down", "resolve_mark", "need_human"]  # no share in public

    answer_id = answer_id_of(body["blocks"])
    record = stack.conversation.get_answer(answer_id)
    assert record is not None and record.question == "who pays return shipping?"
    assert record.platform == "slack" and record.channel_id == "C0003CHAN" and record.user_id == "U0002USER"
    assert record.reply.text == body["text"] and record.extra["private"] is False
    assert stack.answerer.calls[0]["question"] == "who pays return shipping?"
    assert not stack.answerer.calls[0]["streaming"]


def test_cs_help_is_mapped_to_help_and_shown_only_to_the_asker(stack: Stack) -> None:
    resp = stack.slash("/cs-help")
    assert resp.status_code == 200 and resp.text == ""  # /help is not slow: no "thinking" ack
    (hook,) = stack.api.wait_for("/webhook")
    assert hook.body["response_type"] == "ephemeral"
    text = block_text(hook.body["blocks"])
    for spec in default_registry().visible_to(Role.AGENT):  # the commands this user (an agent) may run
        assert spec.name in text
    assert "/lockdown" not in text  # a managers-only test command is not offered to an agent
    assert "coming soon" not in text
    assert action_ids(hook.body["blocks"]) == []
    assert stack.answerer.calls == []


def test_a_quick_command_with_channel_visibility_is_posted_in_channel(stack: Stack) -> None:
    resp = stack.slash("/survey", "buttons")  # a registered test command: not slow, visible to the channel
    assert resp.status_code == 200 and resp.text == ""
    (hook,) = stack.api.wait_for("/webhook")
    assert hook.body["response_type"] == "in_channel"
    assert block_text(hook.body["blocks"]).startswith("Pick one")
    assert stack.answerer.calls == []


def test_empty_ask_gets_the_friendly_prompt(stack: Stack) -> None:
    resp = stack.slash("/ask", "   ")
    assert resp.status_code == 200 and resp.text == ""  # /ask needs text: no "Looking that up…" flash
    assert "Looking that up" not in resp.text
    (hook,) = stack.api.wait_for("/webhook")
    assert hook.body["response_type"] == "ephemeral"
    assert "Please type a question" in hook.body["text"]
    assert stack.answerer.calls == []


def test_unknown_command_gets_the_friendly_reply(stack: Stack) -> None:
    assert stack.slash("/xyz", "hello").status_code == 200
    (hook,) = stack.api.wait_for("/webhook")
    assert hook.body["response_type"] == "ephemeral"
    assert "I don't know the command `/xyz`" in hook.body["text"]


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("--private who pays return shipping?", "who pays return shipping?"),
        ("who pays return shipping? -p", "who pays return shipping?"),
        ("only me who pays return shipping?", "who pays return shipping?"),
        ("who pays return shipping? Only me", "who pays return shipping?"),
        ("退货运费谁出？仅自己", "退货运费谁出？"),
    ],
)
def test_only_me_answers_ephemerally_with_a_share_button(stack: Stack, text: str, question: str) -> None:
    assert stack.slash("/ask", text).status_code == 200
    (hook,) = stack.api.wait_for("/webhook")
    assert hook.body["response_type"] == "ephemeral"  # the reply's visibility (set by /ask) wins
    assert action_ids(hook.body["blocks"]) == ["feedback_up", "feedback_down", "share", "resolve_mark", "need_human"]
    assert stack.answerer.calls[0]["question"] == question
    record = stack.conversation.get_answer(answer_id_of(hook.body["blocks"]))
    assert record is not None and record.extra["private"] is True


def test_chinese_question_gets_chinese_chrome(stack: Stack) -> None:
    resp = stack.slash("/ask", "退货运费谁出？")
    assert resp.text == messages.text("thinking", "zh")
    (hook,) = stack.api.wait_for("/webhook")
    assert "来源" in block_text(hook.body["blocks"])
    assert "👍 有帮助" in str(hook.body["blocks"])


def test_slash_text_containing_the_word_payload_still_works(stack: Stack) -> None:
    # Bolt alone parses any form body containing "payload" as an interaction (platform notes, §3 quirk)
    resp = stack.slash("/ask", "what is the payload limit?")
    assert resp.status_code == 200
    (hook,) = stack.api.wait_for("/webhook")
    assert hook.body["response_type"] == "in_channel"
    assert stack.answerer.calls[0]["question"] == "what is the payload limit?"


def test_every_registered_slash_name_is_answered(stack: Stack) -> None:
    """One listener serves every command name in the manifest (names and slash aliases)."""
    names = [n for spec in default_registry().all() for n in (spec.name, *spec.aliases) if n.startswith("/")]
    for name in names:
        assert stack.slash(name, "").status_code == 200
    hooks = stack.api.wait_for("/webhook", len(names))
    assert not any("I don't know the command" in h.body.get("text", "") for h in hooks)
