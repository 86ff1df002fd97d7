"""The buttons under an answer: votes (one per person, changeable), share to channel, need a human."""

from __future__ import annotations

from typing import Callable

import pytest

from bot import messages
from tests.slack.blockutil import action_ids, answer_id_of, block_text
from tests.slack.conftest import Stack


def _ask(stack: Stack, text: str = "who pays return shipping?") -> str:
    """Ask via /ask and return the answer id carried by its buttons."""
    assert stack.slash("/ask", text).status_code == 200
    (hook,) = stack.api.wait_for("/webhook")
    return answer_id_of(hook.body["blocks"])


def _counts(up: int, down: int, lang: str = "en") -> str:
    return messages.text("vote_counts", lang, up=up, down=down)


@pytest.mark.parametrize(("action_id", "counts"), [("feedback_up", (1, 0)), ("feedback_down", (0, 1))])
def test_vote_is_recorded_and_confirmed_with_the_counts(
    stack: Stack, action_id: str, counts: tuple[int, int]
) -> None:
    answer_id = _ask(stack)
    resp = stack.click(action_id, answer_id)
    assert resp.status_code == 200 and resp.text == ""

    hooks = stack.api.wait_for("/webhook", 2)
    assert hooks[1].body == {
        "text": f"{messages.text('feedback_thanks', 'en')} {_counts(*counts)}",
        "response_type": "ephemeral",
        "replace_original": False,
    }
    assert stack.state.vote_counts(answer_id) == counts


def test_a_second_click_changes_the_vote_and_colleagues_add_theirs(stack: Stack) -> None:
    answer_id = _ask(stack)
    stack.click("feedback_up", answer_id)
    stack.api.wait_for("/webhook", 2)
    stack.click("feedback_down", answer_id)  # the same person changes their mind
    hooks = stack.api.wait_for("/webhook", 3)
    assert hooks[2].body["text"] == f"{messages.text('vote_changed', 'en')} {_counts(0, 1)}"
    stack.click("feedback_down", answer_id)  # the same vote again: still one vote
    stack.click("feedback_up", answer_id, user_id="U0COLLEAGUE")
    hooks = stack.api.wait_for("/webhook", 5)
    assert hooks[3].body["text"].endswith(_counts(0, 1))
    assert hooks[4].body["text"].endswith(_counts(1, 1))
    assert stack.state.vote_counts(answer_id) == (1, 1)


def test_vote_on_an_unknown_answer_is_still_counted(stack: Stack) -> None:
    stack.click("feedback_down", "0" * 32)
    (hook,) = stack.api.wait_for("/webhook")
    assert hook.body["text"].endswith(_counts(0, 1))
    assert stack.state.vote_counts("0" * 32) == (0, 1)


def test_chinese_answer_gets_chinese_vote_thanks(stack: Stack) -> None:
    answer_id = _ask(stack, "退货运费谁出？")
    stack.click("feedback_up", answer_id)
    hooks = stack.api.wait_for("/webhook", 2)
    assert hooks[1].body["text"] == f"{messages.text('feedback_thanks', 'zh')} {_counts(1, 0, 'zh')}"


def test_share_posts_the_private_answer_publicly_without_the_share_button(stack: Stack) -> None:
    answer_id = _ask(stack, "who pays return shipping? --private")
    stack.click("share", answer_id, is_ephemeral=True)

    (post,) = stack.api.wait_for("/chat.postMessage")
    assert post.body["channel"] == "C0003CHAN"
    assert "thread_ts" not in post.body
    text = block_text(post.body["blocks"])
    assert "Shared by <@U0002USER>" in text
    assert "Customers pay return shipping" in text and "Returns policy" in text
    assert action_ids(post.body["blocks"]) == ["feedback_up", "feedback_down", "resolve_mark", "need_human"]
    assert answer_id_of(post.body["blocks"]) == answer_id
    hooks = stack.api.wait_for("/webhook", 2)
    assert hooks[1].body["text"] == messages.text("slack_shared_ack", "en")


def test_share_falls_back_to_response_url_when_the_bot_is_not_in_the_channel(stack: Stack) -> None:
    answer_id = _ask(stack, "-p who pays return shipping?")
    stack.api.fail("/chat.postMessage", body={"ok": False, "error": "not_in_channel"})
    stack.click("share", answer_id, is_ephemeral=True)
    hooks = stack.api.wait_for("/webhook", 3)
    assert hooks[1].body["response_type"] == "in_channel" and hooks[1].body["replace_original"] is False
    assert "Customers pay return shipping" in block_text(hooks[1].body["blocks"])
    assert hooks[2].body["text"] == messages.text("slack_shared_ack", "en")


def test_share_of_an_unknown_answer_says_so(stack: Stack) -> None:
    stack.click("share", "f" * 32, is_ephemeral=True)
    (hook,) = stack.api.wait_for("/webhook")
    assert hook.body["text"] == messages.text("slack_answer_unavailable", "en")
    stack.api.settle()
    assert "/chat.postMessage" not in stack.api.paths()


def test_need_human_tags_the_oncall_user_group_in_the_answer_thread_once(stack: Stack) -> None:
    answer_id = _ask(stack)
    stack.click("need_human", answer_id, message_ts="1700000999.000100")
    (post,) = stack.api.wait_for("/chat.postMessage")
    assert post.body["channel"] == "C0003CHAN"
    assert post.body["thread_ts"] == "1700000999.000100"
    assert post.body["text"].startswith("<!subteam^S0ONCALL01> a human is needed")
    assert "<@U0002USER>" in post.body["text"] and ">who pays return shipping?" in post.body["text"]
    assert post.body["link_names"] is False
    hooks = stack.api.wait_for("/webhook", 2)
    assert hooks[1].body["text"] == messages.text("human_requested_ack", "en")

    stack.click("need_human", answer_id, user_id="U0COLLEAGUE")  # asked once per answer
    hooks = stack.api.wait_for("/webhook", 3)
    assert hooks[2].body["text"] == messages.text("human_already_requested", "en")
    stack.api.settle()
    assert len(stack.api.calls("/chat.postMessage")) == 1


def test_need_human_goes_to_the_escalation_channel_with_a_handle(make_stack: Callable[..., Stack]) -> None:
    stack = make_stack(slack_oncall_group="@cs-oncall", slack_escalation_channel="C0ESCALATE")
    answer_id = _ask(stack, "退货运费谁出？")
    stack.click("need_human", answer_id)
    (post,) = stack.api.wait_for("/chat.postMessage")
    assert post.body["channel"] == "C0ESCALATE" and "thread_ts" not in post.body
    assert post.body["text"].startswith("@cs-oncall 这个问题需要人工协助")
    assert "<#C0003CHAN>" in post.body["text"]
    assert post.body["link_names"] is True  # lets Slack resolve the @handle
    hooks = stack.api.wait_for("/webhook", 2)
    assert hooks[1].body["text"] == messages.text("human_requested_ack", "zh")


def test_need_human_with_a_handle_never_turns_a_quoted_at_channel_into_a_broadcast(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack(slack_oncall_group="@cs-oncall", slack_escalation_channel="C0ESCALATE")
    answer_id = _ask(stack, "@channel @here who pays return shipping?")
    stack.click("need_human", answer_id)
    (post,) = stack.api.wait_for("/chat.postMessage")
    assert post.body["link_names"] is True
    assert "@channel" not in post.body["text"] and "@here" not in post.body["text"]
    assert "who pays return shipping?" in post.body["text"]


def test_repeated_delivery_of_the_same_click_counts_once(stack: Stack) -> None:
    answer_id = _ask(stack)
    stack.click("feedback_up", answer_id, action_ts="1700001000.000001")
    stack.click("feedback_up", answer_id, action_ts="1700001000.000001")
    stack.api.wait_for("/webhook", 2)
    stack.api.settle()
    assert stack.state.vote_counts(answer_id) == (1, 0)
    assert len(stack.api.calls("/webhook")) == 2  # the answer + one thanks
