"""Any registered command's buttons and forms, through the real Bolt app and the real router.

The test commands (tests/slack/fake_commands.py) are registered next to the real ones: a click on one of
their buttons becomes an `ActionEvent` for `router.handle_action`, a reply with a form opens a modal
(views.open with the trigger id of the slash command or click), and the modal's submission becomes a
`FormSubmission` for `router.handle_form`.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from bot import messages
from bot.models import decode_button_value
from tests.slack.blockutil import block_text, buttons
from tests.slack.conftest import Stack
from tests.slack.support import fixture

SLASH_TRIGGER = fixture("slash_command.json")["trigger_id"]
CLICK_TRIGGER = fixture("block_actions.json")["trigger_id"]


def _post_buttons(stack: Stack) -> list[dict[str, Any]]:
    assert stack.slash("/survey", "buttons").status_code == 200
    (hook,) = stack.api.wait_for("/webhook")
    return buttons(hook.body["blocks"])


def _click_button(stack: Stack, button: dict[str, Any], **kwargs: Any) -> None:
    """Click a rendered button exactly as Slack sends it back (action_id with any ~N, encoded value)."""
    value, payload = decode_button_value(button.get("value", ""))
    assert stack.click(button["action_id"], value, payload=payload, **kwargs).status_code == 200


def test_a_command_button_reply_goes_only_to_the_clicker(stack: Stack) -> None:
    rendered = _post_buttons(stack)
    assert [b["action_id"] for b in rendered] == ["survey_pick", "survey_pick~2", "survey_close", "survey_form"]
    _click_button(stack, rendered[1])  # "~2": the renderer's suffix, stripped by the adapter
    hooks = stack.api.wait_for("/webhook", 2)
    assert hooks[1].body["response_type"] == "ephemeral" and hooks[1].body["replace_original"] is False
    assert hooks[1].body["text"] == "U0002USER picked b for T-1"  # value and typed payload came back


def test_a_channel_reply_to_a_click_replaces_the_clicked_message(stack: Stack) -> None:
    rendered = _post_buttons(stack)
    _click_button(stack, rendered[2])
    hooks = stack.api.wait_for("/webhook", 2)
    assert hooks[1].body["replace_original"] is True and hooks[1].body["response_type"] == "in_channel"
    assert block_text(hooks[1].body["blocks"]) == "Closed by U0002USER"


def test_a_form_from_a_click_opens_a_modal_and_its_submission_is_posted(stack: Stack) -> None:
    rendered = _post_buttons(stack)
    _click_button(stack, rendered[3])
    (opened,) = stack.api.wait_for("/views.open")
    assert opened.body["trigger_id"] == CLICK_TRIGGER
    view = opened.body["view"] if isinstance(opened.body["view"], dict) else json.loads(opened.body["view"])
    assert view["callback_id"] == "form:/survey:rate"
    context = json.loads(view["private_metadata"])
    assert context["ticket"] == "T-9" and context["_slack_channel"] == "C0003CHAN"
    assert [b["block_id"] for b in view["blocks"]] == ["score", "note"]

    assert stack.submit(view, {"score": "5", "note": "clear and cited"}).status_code == 200
    (post,) = stack.api.wait_for("/chat.postMessage")
    assert post.body["channel"] == "C0003CHAN"
    assert post.body["text"] == "Rated 5 (clear and cited) for T-9 by U0002USER in C0003CHAN"


def test_a_slash_command_form_opens_with_the_command_trigger_and_a_private_result(stack: Stack) -> None:
    assert stack.slash("/survey", "T-5 --private").status_code == 200
    (opened,) = stack.api.wait_for("/views.open")
    assert opened.body["trigger_id"] == SLASH_TRIGGER
    view = opened.body["view"] if isinstance(opened.body["view"], dict) else json.loads(opened.body["view"])
    assert stack.api.calls("/webhook") == []  # nothing posted: the modal is the reply

    stack.submit(view, {"score": "1", "note": ""})
    (ephemeral,) = stack.api.wait_for("/chat.postEphemeral")
    assert ephemeral.body["channel"] == "C0003CHAN" and ephemeral.body["user"] == "U0002USER"
    assert ephemeral.body["text"] == "Rated 1 () for T-5 by U0002USER in C0003CHAN"
    assert "/chat.postMessage" not in stack.api.paths()


def test_an_invalid_submission_is_told_only_to_the_submitter(stack: Stack) -> None:
    stack.slash("/survey", "T-6")
    (opened,) = stack.api.wait_for("/views.open")
    view = opened.body["view"] if isinstance(opened.body["view"], dict) else json.loads(opened.body["view"])
    stack.submit(view, {"score": "3"})
    (ephemeral,) = stack.api.wait_for("/chat.postEphemeral")
    assert ephemeral.body["text"] == "The score must be 1 or 5."
    stack.api.settle()
    assert "/chat.postMessage" not in stack.api.paths()


def test_a_private_reply_falls_back_to_a_direct_message_outside_the_channel(stack: Stack) -> None:
    stack.slash("/survey", "T-7 --private")
    (opened,) = stack.api.wait_for("/views.open")
    view = opened.body["view"] if isinstance(opened.body["view"], dict) else json.loads(opened.body["view"])
    stack.api.fail("/chat.postEphemeral", body={"ok": False, "error": "channel_not_found"})
    stack.submit(view, {"score": "5", "note": "ok"})
    (dm,) = stack.api.wait_for("/chat.postMessage")
    assert dm.body["channel"] == "U0002USER" and dm.body["text"].startswith("Rated 5 (ok) for T-7")


def test_a_managers_only_button_is_refused_for_an_agent_and_runs_for_a_manager(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack(slack_manager_ids="U0MANAGER,U0OTHER")
    stack.click("lockdown_confirm", "REQ-7")
    (refused,) = stack.api.wait_for("/webhook")
    assert refused.body["response_type"] == "ephemeral" and refused.body["replace_original"] is False
    assert refused.body["text"] == messages.text(
        "role_refused", "en", role=messages.text("role_manager", "en"), command="/lockdown"
    )
    stack.click("lockdown_confirm", "REQ-7", user_id="U0MANAGER")
    hooks = stack.api.wait_for("/webhook", 2)
    assert hooks[1].body["replace_original"] is True and hooks[1].body["text"] == "Approved REQ-7 by U0MANAGER"


def test_a_button_no_command_owns_is_acknowledged_and_ignored(stack: Stack) -> None:
    assert stack.click("approve", "build-512").status_code == 200
    stack.api.settle()
    assert [p for p in stack.api.paths() if p != "/auth.test"] == []
