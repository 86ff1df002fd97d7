"""Slash commands over real HTTP (uvicorn), signed like Slack signs them; answers go to response_url."""

from __future__ import annotations

import time

import pytest

from bot import messages
from tests.slack.blockutil import action_ids, answer_id_of, block_text
from tests.slack.conftest import Stack


def test_ask_acks_at_once_then_posts_a_cited_answer_in_channel(stack: Stack) -> None:
    started = time.monotonic()
    resp = stack.slash("/ask", "who pays return shipping?")
    assert resp.status_code == 200
    assert resp.text == messages.text("thinking", "en")  # tiny ephemeral ack
    assert time.monotonic() - started < 1.0

    (hook,) = stack.api.wait_for("/webhook")
    body = hook.body
    assert body["response_type"] == "in_channel"
    assert "Customers pay return shipping" in body["text"]
    text = block_text(body["blocks"])
    assert "<https://kb.example.com/returns|Returns policy>" in text
    assert "[1]" in text and "[2] *Damaged items*" in text
    assert "Return fee dispute" in text  # the similar past case
    assert action_ids(body["blocks"]) == ["feedback_up", "feedback_down", "need_human"]  # no share in public

    answer_id = answer_id_of(body["blocks"])
    record = stack.state.get_answer(answer_id)
    assert record is not None and record["question"] == "who pays return shipping?"
    assert record["platform"] == "slack" and record["channel_id"] == "C0003CHAN"
    assert stack.answerer.calls[0]["question"] == "who pays return shipping?"
    assert not stack.answerer.calls[0]["streaming"]


def test_cs_help_is_mapped_to_help_and_shown_only_to_the_asker(stack: Stack) -> None:
    resp = stack.slash("/cs-help")
    assert resp.status_code == 200 and resp.text == ""
    (hook,) = stack.api.wait_for("/webhook")
    assert hook.body["response_type"] == "ephemeral"
    assert "/ask" in block_text(hook.body["blocks"])
    assert action_ids(hook.body["blocks"]) == []
    assert stack.answerer.calls == []


@pytest.mark.parametrize("command", ["/rootcause", "/escalate", "/history", "/calm", "/resolve"])
def test_coming_soon_commands(stack: Stack, command: str) -> None:
    assert stack.slash(command, "some text").status_code == 200
    (hook,) = stack.api.wait_for("/webhook")
    assert hook.body["text"].startswith(f"`{command}` is coming soon")
    assert action_ids(hook.body["blocks"]) == []
    assert stack.answerer.calls == []


def test_empty_ask_gets_the_friendly_prompt(stack: Stack) -> None:
    assert stack.slash("/ask", "   ").status_code == 200
    (hook,) = stack.api.wait_for("/webhook")
    assert hook.body["response_type"] == "ephemeral"
    assert "Please type a question" in hook.body["text"]
    assert stack.answerer.calls == []


def test_unknown_command_gets_the_friendly_reply(stack: Stack) -> None:
    assert stack.slash("/xyz", "hello").status_code == 200
    (hook,) = stack.api.wait_for("/webhook")
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
    assert hook.body["response_type"] == "ephemeral"
    assert action_ids(hook.body["blocks"]) == ["feedback_up", "feedback_down", "share", "need_human"]
    assert stack.answerer.calls[0]["question"] == question
    record = stack.state.get_answer(answer_id_of(hook.body["blocks"]))
    assert record is not None and record["payload"]["private"] is True


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
