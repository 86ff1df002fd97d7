"""A command whose reply carries a report with images and files (e.g. /rootcause), asked in Feishu: the
images are uploaded (im/v1/images) and shown inline in the card (`img` with their image_key), the files
uploaded (im/v1/files) and sent as file messages after the card: in the same thread, or in the asker's
direct chat for a private reply. Uses the test-only `/chartreport` command (tests/slack/fake_commands.py).
"""

from __future__ import annotations

from typing import Any

from tests.slack.fake_commands import CHART_CSV, CHART_PNG

from .conftest import Harness
from .helpers import USER_OPEN_ID, message_event


def _images(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in card["body"]["elements"] if e.get("tag") == "img"]


def test_a_report_in_a_group_shows_its_chart_and_sends_its_csv_in_the_thread(feishu: Harness) -> None:
    event = message_event("group", "@_user_1 /chartreport")
    message_id = event["event"]["message"]["message_id"]
    assert feishu.post(event).status_code == 200
    feishu.settle()

    uploaded = [feishu.api.uploads[c.response["data"].get("image_key") or c.response["data"]["file_key"]]
                for c in feishu.api.upload_calls()]
    images = [u for u in uploaded if u.kind == "image"]
    files = [u for u in uploaded if u.kind == "file"]
    assert [(u.content, u.fields.get("image_type")) for u in images] == [(CHART_PNG, "message")]
    assert [(u.filename, u.content) for u in files] == [("reasons.csv", CHART_CSV)]

    replies = feishu.api.find("POST", "/reply")
    assert [r.path for r in replies] == [f"/open-apis/im/v1/messages/{message_id}/reply"] * 2
    card_reply, file_reply = replies
    assert card_reply.body["msg_type"] == "interactive"
    (img,) = _images(card_reply.content)
    assert img["img_key"] == images[0].key and img["alt"]["content"] == "bar chart"
    assert file_reply.body["msg_type"] == "file"
    assert file_reply.content == {"file_key": files[0].key}
    assert file_reply.body["reply_in_thread"] == card_reply.body["reply_in_thread"]
    assert file_reply.body["uuid"] != card_reply.body["uuid"]
    calls = feishu.api.calls
    assert calls.index(card_reply) < calls.index(file_reply)  # the file follows the card that names it


def test_a_private_report_in_a_group_goes_with_its_files_to_the_direct_chat(feishu: Harness) -> None:
    assert feishu.post(message_event("group", "@_user_1 /chartreport --private")).status_code == 200
    feishu.settle()

    sends = feishu.api.find("POST", "/messages")
    assert [(s.body["msg_type"], s.body["receive_id"], s.query) for s in sends] == [
        ("interactive", USER_OPEN_ID, {"receive_id_type": "open_id"}),
        ("file", USER_OPEN_ID, {"receive_id_type": "open_id"}),
    ]
    (img,) = _images(sends[0].content)
    image = feishu.api.uploads[img["img_key"]]  # (the recording server keeps earlier tests' uploads)
    assert image.kind == "image" and image.content == CHART_PNG
    file = feishu.api.uploads[sends[1].content["file_key"]]
    assert (file.kind, file.filename, file.content) == ("file", "reasons.csv", CHART_CSV)
    (note,) = feishu.api.find("POST", "/reply")  # the group only sees "sent privately"
    assert note.body["msg_type"] == "interactive" and not _images(note.content)
