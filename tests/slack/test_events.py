"""Mentions, direct messages and thread follow-ups (Events API over real HTTP)."""

from __future__ import annotations

import json

from bot import messages
from tests.slack.blockutil import action_ids, block_text
from tests.slack.conftest import Stack
from tests.slack.mock_slack_api import BOT_ID, BOT_USER_ID
from tests.slack.support import fixture, signed_headers

MENTION_TS = "1700000000.000100"  # ts of the app_mention fixture


def test_mention_answers_in_thread_with_placeholder_then_update(stack: Stack) -> None:
    resp = stack.event(text=f"<@{BOT_USER_ID}> who pays return shipping?")
    assert resp.status_code == 200

    (placeholder,) = stack.api.wait_for("/chat.postMessage")
    assert placeholder.body["channel"] == "C0003CHAN"
    assert placeholder.body["thread_ts"] == MENTION_TS
    assert placeholder.body["text"] == messages.text("thinking", "en")

    (update,) = stack.api.wait_for("/chat.update")
    assert update.body["ts"].endswith(".000200")  # the placeholder's ts from the mock
    assert "Customers pay return shipping" in update.body["text"]
    assert "Returns policy" in block_text(update.body["blocks"])
    assert action_ids(update.body["blocks"]) == ["feedback_up", "feedback_down", "resolve_mark", "need_human"]
    assert stack.answerer.calls[0]["question"] == "who pays return shipping?"  # mention stripped
    assert stack.answerer.calls[0]["streaming"] is True
    assert stack.api.paths().index("/chat.postMessage") < stack.api.paths().index("/chat.update")


def test_mention_inside_a_thread_replies_in_that_thread(stack: Stack) -> None:
    stack.event(
        text=f"<@{BOT_USER_ID}> and damaged items?", ts="1700000300.000100", thread_ts="1700000200.000100"
    )
    (placeholder,) = stack.api.wait_for("/chat.postMessage")
    assert placeholder.body["thread_ts"] == "1700000200.000100"


def test_direct_message_is_answered(stack: Stack) -> None:
    resp = stack.event(
        "event_message_thread_reply.json",
        text="who pays return shipping?",
        channel="D0DMCHAN",
        channel_type="im",
        thread_ts=None,
        ts="1700000400.000100",
    )
    assert resp.status_code == 200
    (placeholder,) = stack.api.wait_for("/chat.postMessage")
    assert placeholder.body["channel"] == "D0DMCHAN"
    assert "thread_ts" not in placeholder.body  # a plain DM: answer in the conversation
    (update,) = stack.api.wait_for("/chat.update")
    assert "Customers pay return shipping" in update.body["text"]


def test_threaded_direct_message_is_answered_in_the_thread(stack: Stack) -> None:
    stack.event(
        "event_message_thread_reply.json",
        text="and for damaged items?",
        channel="D0DMCHAN",
        channel_type="im",
    )
    (placeholder,) = stack.api.wait_for("/chat.postMessage")
    assert placeholder.body["thread_ts"] == MENTION_TS


def test_thread_follow_up_uses_the_thread_as_context(stack: Stack) -> None:
    stack.event(text=f"<@{BOT_USER_ID}> who pays return shipping?")
    stack.api.wait_for("/chat.update")

    resp = stack.event("event_message_thread_reply.json", text="and if the item arrived damaged?")
    assert resp.status_code == 200
    stack.api.wait_for("/chat.update", 2)
    posts = stack.api.calls("/chat.postMessage")
    assert [p.body["thread_ts"] for p in posts] == [MENTION_TS, MENTION_TS]
    second = stack.answerer.calls[1]
    assert second["question"] == "and if the item arrived damaged?"
    assert second["context"] == ("who pays return shipping?",)

    stack.event("event_message_thread_reply.json", text="thanks, and exchanges?", ts="1700000060.000300")
    stack.api.wait_for("/chat.update", 3)
    assert stack.answerer.calls[2]["context"] == (
        "who pays return shipping?",
        "and if the item arrived damaged?",
    )


def test_messages_in_threads_the_bot_is_not_part_of_are_ignored(stack: Stack) -> None:
    assert stack.event("event_message_thread_reply.json", text="unrelated chatter").status_code == 200
    top_level = {"thread_ts": None, "ts": "1700000500.000100", "text": "a top-level message"}
    assert stack.event("event_message_thread_reply.json", **top_level).status_code == 200
    stack.api.settle()
    assert "/chat.postMessage" not in stack.api.paths()
    assert stack.answerer.calls == []


def test_bot_messages_edits_and_own_messages_are_ignored(stack: Stack) -> None:
    stack.event(text=f"<@{BOT_USER_ID}> who pays return shipping?")
    stack.api.wait_for("/chat.update")
    stack.event("event_message_thread_reply.json", text="from another bot", bot_id="B0OTHER", user=None)
    stack.event("event_message_thread_reply.json", text="edited", subtype="message_changed")
    stack.event("event_message_thread_reply.json", text="my own answer", user=BOT_USER_ID, bot_id=BOT_ID)
    stack.api.settle()
    assert len(stack.api.calls("/chat.postMessage")) == 1
    assert len(stack.answerer.calls) == 1


def test_a_mention_in_a_followed_thread_is_answered_once(stack: Stack) -> None:
    stack.event(text=f"<@{BOT_USER_ID}> who pays return shipping?")
    stack.api.wait_for("/chat.update")
    text = f"<@{BOT_USER_ID}> and damaged ones?"
    # Slack sends both an app_mention and a message event for the same message
    stack.event(text=text, ts="1700000070.000100", thread_ts=MENTION_TS)
    stack.event("event_message_thread_reply.json", text=text, ts="1700000070.000100")
    stack.api.wait_for("/chat.update", 2)
    stack.api.settle()
    assert len(stack.api.calls("/chat.postMessage")) == 2
    assert [c["question"] for c in stack.answerer.calls] == ["who pays return shipping?", "and damaged ones?"]


def test_mention_without_question_gets_the_friendly_prompt(stack: Stack) -> None:
    stack.event(text=f"<@{BOT_USER_ID}>")
    (post,) = stack.api.wait_for("/chat.postMessage")
    assert "Please type a question" in post.body["text"]
    assert stack.answerer.calls == []


def test_url_verification_is_answered_when_signed(stack: Stack) -> None:
    body = json.dumps(fixture("url_verification.json"))
    resp = stack.post(body, "application/json")
    assert resp.status_code == 200
    assert resp.json() == {"challenge": fixture("url_verification.json")["challenge"]}


def test_url_verification_unsigned_is_rejected(stack: Stack) -> None:
    body = json.dumps(fixture("url_verification.json"))
    headers = signed_headers(body, "application/json")
    del headers["x-slack-signature"]
    resp = stack.http.post(f"{stack.server.url}/slack/events", content=body, headers=headers)
    assert resp.status_code == 401


def test_private_question_in_a_thread_is_shown_only_to_the_asker(stack: Stack) -> None:
    stack.event(text=f"<@{BOT_USER_ID}> who pays return shipping? --private")
    (placeholder,) = stack.api.wait_for("/chat.postMessage")
    (ephemeral,) = stack.api.wait_for("/chat.postEphemeral")
    (deleted,) = stack.api.calls("/chat.delete")
    assert placeholder.body["text"] == messages.text("thinking", "en")
    assert deleted.body["channel"] == "C0003CHAN" and deleted.body["ts"].endswith(".000200")  # the placeholder
    assert ephemeral.body["user"] == "U0002USER" and ephemeral.body["thread_ts"] == MENTION_TS
    assert "Customers pay return shipping" in ephemeral.body["text"]
    assert action_ids(ephemeral.body["blocks"]) == ["feedback_up", "feedback_down", "share", "resolve_mark", "need_human"]
    assert stack.answerer.calls[0]["question"] == "who pays return shipping?"
    assert "/chat.update" not in stack.api.paths()  # the public placeholder was removed, not filled in


def test_a_private_question_in_a_direct_message_is_answered_there(stack: Stack) -> None:
    stack.event(
        "event_message_thread_reply.json",
        text="who pays return shipping? only me",
        channel="D0DMCHAN",
        channel_type="im",
        thread_ts=None,
        ts="1700000410.000100",
    )
    (update,) = stack.api.wait_for("/chat.update")  # a DM is private already: the placeholder is filled
    assert "Customers pay return shipping" in update.body["text"]
    assert "/chat.postEphemeral" not in stack.api.paths()


def test_a_command_that_needs_a_form_points_to_its_slash_command(stack: Stack) -> None:
    stack.event(text=f"<@{BOT_USER_ID}> /survey T-1")
    (post,) = stack.api.wait_for("/chat.postMessage")  # no trigger_id on a message: no modal possible
    assert post.body["text"].startswith("Please rate")
    assert messages.text("slack_form_use_command", "en", command="/survey") in block_text(post.body["blocks"])
    assert "/views.open" not in stack.api.paths()


def test_a_quick_private_command_in_a_mention_gets_no_placeholder(stack: Stack) -> None:
    stack.event(text=f"<@{BOT_USER_ID}> /help")  # not slow, and only for the asker
    (ephemeral,) = stack.api.wait_for("/chat.postEphemeral")
    assert ephemeral.body["user"] == "U0002USER" and ephemeral.body["thread_ts"] == MENTION_TS
    assert "/ask" in block_text(ephemeral.body["blocks"])
    stack.api.settle()
    assert not {"/chat.postMessage", "/chat.update"} & set(stack.api.paths())
