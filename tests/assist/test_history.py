"""/history <customer id>: counts, recurring issue, latest resolutions and promises, from the tickets table."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot import messages
from bot.assist.history import group_recurring, promises_in
from bot.models import IncomingMessage


def ask(container: Any, text: str, **kw: Any) -> Any:
    return container.router().handle(IncomingMessage(text=text, **{"platform": "slack", "user_id": "U1",
                                                                    "channel_id": "C1", **kw}))


def test_history_summarises_counts_recurring_issue_and_promises(assist: Any) -> None:
    reply = ask(assist, "/history C100", command=None)
    assert reply.kind == "info" and reply.visibility == "private" and reply.language == "en"
    data = reply.data
    assert data["customer_id"] == "C100" and data["found"] is True
    assert (data["total"], data["open"], data["resolved"]) == (4, 1, 3)  # T-103 open; T-104 (no status) resolved
    assert [t["id"] for t in data["tickets"]] == ["T-104", "T-103", "T-102", "T-101"]  # newest first
    # the left earbud that stops charging: one Chinese and one English ticket, one recurring issue
    assert sorted(data["recurring_issue"]["ticket_ids"]) == ["T-101", "T-103"]
    assert data["recurring_issue"]["category"] == "warranty"
    promised = [p["text"] for p in data["promises"]]
    assert any("3个工作日内寄出" in p for p in promised)  # 会 ... N个工作日内
    assert any("within 3 business days" in p for p in promised)
    assert any("call back by Friday" in p for p in promised)
    assert not any("未承诺" in p for p in promised)  # "no commitment made" is not a promise
    assert [p["ticket_id"] for p in data["promises"]][0] == "T-103"  # newest first
    # the reply in the asker's language, with the personal data of quotes redacted
    text = reply.text + "\n".join(s.body for s in reply.sections)
    assert messages.text("history_title", "en", customer="C100") in text
    assert "138 1234 5678" not in json.dumps(data, ensure_ascii=False)
    assert "T-101" in text and "T-103" in text


def test_chinese_alias_answers_in_chinese(assist: Any) -> None:
    reply = ask(assist, "客户历史 C100", platform="feishu", user_id="ou_1", channel_id="oc_1")
    assert reply.language == "zh"
    assert reply.text.startswith(messages.text("history_title", "zh", customer="C100"))
    assert messages.text("history_summary", "zh", total=4, open=1, resolved=3) in reply.text
    assert reply.sections[0].title == messages.text("history_recurring_heading", "zh")


def test_unknown_customer_and_missing_id_get_friendly_replies(assist: Any) -> None:
    reply = ask(assist, "/history C999999")
    assert reply.kind == "info" and reply.text == messages.text("history_none", "en", customer="C999999")
    assert reply.data["found"] is False and reply.data["total"] == 0
    empty = ask(assist, "历史", platform="feishu")
    assert empty.kind == "error" and "/history" in empty.text


def test_one_topic_per_customer_is_not_forced() -> None:
    from datetime import datetime

    import numpy as np

    from bot.storage.tickets import TicketRow

    tickets = [TicketRow(id=f"T{i}", text=t, subject=t, created_at=datetime(2026, 1, i + 1)) for i, t in
               enumerate(["refund", "invoice", "password"])]
    vectors = np.eye(3)  # three unrelated tickets
    assert group_recurring(tickets, vectors, {}) is None


@pytest.mark.parametrize("sentence,promise", [
    ("新左耳会在3个工作日内寄出。", True),
    ("新左耳于10月31日寄出。", False),  # a date and a past action, not a commitment
    ("核实实际送达比承诺日期晚3天。", False),
    ("已反馈产品团队，未承诺上线时间。", False),
    ("We will reship the parcel tomorrow.", True),
    ("Refund issued; it reaches the card within 3-5 business days.", True),
    ("We did not promise a delivery date.", False),
    ("The customer was happy.", False),
])
def test_promises_are_forward_commitments(sentence: str, promise: bool) -> None:
    assert bool(promises_in(sentence)) is promise


def test_cli_history_json(assist: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    code = main(["--data-dir", str(assist.settings.data_dir), "--env-file", "/nonexistent", "history", "C100", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["customer_id"] == "C100" and out["total"] == 4
    assert set(out) == {"customer_id", "found", "total", "open", "resolved", "recurring_issue", "tickets", "promises"}
    code = main(["--data-dir", str(assist.settings.data_dir), "--env-file", "/nonexistent", "history", "nobody", "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["found"] is False


def test_slack_slash_history_is_shown_only_to_the_asker(slack_side: Any) -> None:
    resp = slack_side.slash("/history", "C100")
    assert resp.status_code == 200
    body = slack_side.webhook()
    assert body["response_type"] == "ephemeral"  # private by default
    shown = json.dumps(body["blocks"], ensure_ascii=False)
    assert "Ticket history of C100" in shown and "T-103" in shown and "T-101" in shown
    assert "138 1234 5678" not in shown


def test_feishu_chinese_alias_history_card(feishu_side: Any) -> None:
    from tests.assist.conftest import card_text
    from tests.feishu.helpers import message_event

    feishu_side.send(message_event("p2p", "客户历史 C100"))
    shown = card_text(feishu_side.last_card())
    assert "客户 C100 的工单历史" in shown and "反复出现的问题" in shown and "T-103" in shown
