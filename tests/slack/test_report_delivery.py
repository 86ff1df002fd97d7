"""A slash command whose reply carries a report with images and files (e.g. /rootcause): the reply goes to
the response_url, then its chart and files are uploaded into the channel (files_upload_v2:
files.getUploadURLExternal, the upload, files.completeUploadExternal). A private reply does not upload
(the channel would see the files): the asker is told how to get them instead.

Uses the test-only `/chartreport` command (tests/slack/fake_commands.py), through the real Bolt app.
"""

from __future__ import annotations

from tests.slack.blockutil import block_text
from tests.slack.conftest import Stack
from tests.slack.fake_commands import CHART_CSV, CHART_PNG


def test_a_slash_report_uploads_its_chart_and_csv_into_the_channel(stack: Stack) -> None:
    assert stack.slash("/chartreport").status_code == 200
    (hook,) = stack.api.wait_for("/webhook")
    assert hook.body["response_type"] == "in_channel"
    text = block_text(hook.body["blocks"])
    assert "Chart attached: Reasons chart" in text and "Reasons CSV" in text

    urls = stack.api.wait_for("/files.getUploadURLExternal", 2)
    completes = stack.api.wait_for("/files.completeUploadExternal", 2)
    assert [(u.body["filename"], int(u.body["length"])) for u in urls] == [
        ("reasons.png", len(CHART_PNG)), ("reasons.csv", len(CHART_CSV))]
    assert all(c.body["channel_id"] == "C0003CHAN" and not c.body.get("thread_ts") for c in completes)
    uploads = stack.api.uploads()
    assert [(u.filename, u.title, u.content, u.channel_id) for u in uploads] == [
        ("reasons.png", "Reasons chart", CHART_PNG, "C0003CHAN"),
        ("reasons.csv", "Reasons CSV", CHART_CSV, "C0003CHAN"),
    ]
    raw = [r.raw for r in stack.api.requests if r.path.startswith("/upload/")]
    assert raw == [CHART_PNG, CHART_CSV]  # the bytes themselves went to the upload URLs
    paths = stack.api.paths()
    assert paths.index("/webhook") < paths.index("/files.getUploadURLExternal")  # after the reply naming them


def test_a_private_slash_report_uploads_nothing_and_says_how_to_get_the_files(stack: Stack) -> None:
    assert stack.slash("/chartreport", "--private").status_code == 200
    hooks = stack.api.wait_for("/webhook", 2)
    assert hooks[0].body["response_type"] == "ephemeral"
    assert hooks[1].body["response_type"] == "ephemeral"
    assert "`cs-copilot chartreport …`" in hooks[1].body["text"]
    stack.api.settle()
    assert not [p for p in stack.api.paths() if p.startswith("/files.") or p.startswith("/upload/")]


def test_a_failed_upload_is_told_to_the_asker_and_the_reply_stays(stack: Stack) -> None:
    stack.api.fail("/files.completeUploadExternal", body={"ok": False, "error": "not_in_channel"}, times=2)
    assert stack.slash("/chartreport").status_code == 200
    hooks = stack.api.wait_for("/webhook", 2)
    assert hooks[0].body["response_type"] == "in_channel"
    assert hooks[1].body["response_type"] == "ephemeral"
    assert "reasons.png, reasons.csv" in hooks[1].body["text"]
    assert stack.api.uploads() == []


def test_a_mentioned_report_uploads_its_files_into_the_answer_thread(stack: Stack) -> None:
    from tests.slack.mock_slack_api import BOT_USER_ID

    assert stack.event(text=f"<@{BOT_USER_ID}> /chartreport").status_code == 200
    (post,) = stack.api.wait_for("/chat.postMessage")
    assert post.body["thread_ts"] == "1700000000.000100"
    stack.api.wait_for("/files.completeUploadExternal", 2)
    uploads = stack.api.uploads()
    assert [(u.filename, u.content, u.channel_id, u.thread_ts) for u in uploads] == [
        ("reasons.png", CHART_PNG, "C0003CHAN", "1700000000.000100"),
        ("reasons.csv", CHART_CSV, "C0003CHAN", "1700000000.000100"),
    ]
