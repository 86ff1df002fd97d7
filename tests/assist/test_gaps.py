"""The knowledge-gap queue: "I don't know" answers, 👎 and "Need a human" are recorded; /gaps groups them by
topic across languages; an ingested article that answers a gap closes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot import messages
from bot.assist.gaps import gaps_repo
from bot.models import IncomingMessage

GIFT = ["Can we gift wrap an order for a customer's birthday?", "Does Brightcart offer gift wrapping?",
        "可以帮顾客把订单做礼品包装吗？"]
PICKUP = ["Can the customer pick up the order at a physical store?", "顾客可以到线下门店自提吗？",
          "有没有门店可以自提订单？"]
GIFT_ARTICLE_EN = """---
title: Gift wrapping
lang: en
---
# Gift wrapping

Brightcart offers free gift wrapping for any order: the customer writes GIFT-BAG in the order note at checkout,
and the warehouse packs the order in a paper gift bag and leaves the invoice out.
"""
GIFT_ARTICLE_ZH = """# 礼品包装

明购为所有订单提供免费礼品包装：顾客结算时在订单备注里写 GIFT-BAG，仓库会用纸质礼品袋包装，并且不放发票。
"""


def ask(container: Any, text: str, **kw: Any) -> Any:
    fields = {"platform": "slack", "user_id": "U1", "channel_id": "C1", **kw}
    return container.router().handle(IncomingMessage(text=text, **fields))


def add_gaps(container: Any, questions: list[str], kind: str = "unanswered") -> None:
    repo = gaps_repo(container.state())
    for i, q in enumerate(questions):
        assert repo.add(f"test:{kind}:{q}", kind, q, language=messages.detect_language(q), platform="slack",
                        user_id=f"U{i}", channel_id="C1")


def test_signals_are_recorded_once_through_the_router_and_the_conversation_rules(assist: Any) -> None:
    unanswered = ask(assist, GIFT[0], message_id="1700000000.1")
    assert unanswered.grounded is False
    answered = ask(assist, "退货运费谁出？")
    assert answered.grounded is True
    rules = assist.conversation()
    answer_id = rules.record_answer(answered, platform="slack", user_id="U1", channel_id="C1")
    rules.vote(answer_id, "U2", "slack", -1)
    rules.vote(answer_id, "U2", "slack", -1)  # the same click again: still one signal
    rules.vote(answer_id, "U3", "slack", -1)
    rules.vote(answer_id, "U3", "slack", +1)  # changed to 👍: U3's signal is withdrawn
    assert rules.request_human(answer_id, "U4", "slack") and not rules.request_human(answer_id, "U5", "slack")
    gaps = sorted(gaps_repo(assist.state()).list(), key=lambda g: g.kind)
    assert [(g.kind, g.question) for g in gaps] == [
        ("downvoted", "退货运费谁出？"), ("need_human", "退货运费谁出？"), ("unanswered", GIFT[0])]
    downvoted = gaps[0]
    assert downvoted.user_id == "U2" and downvoted.language == "zh" and downvoted.answer_id == answer_id
    assert "faq-return-shipping-zh" in downvoted.seen_docs  # what the criticised answer had cited


def test_gaps_groups_chinese_and_english_questions_on_one_topic(assist: Any) -> None:
    add_gaps(assist, GIFT + PICKUP)
    reply = ask(assist, "/gaps", platform="cli", user_id="local")
    assert reply.kind == "report" and reply.visibility == "private", reply.text
    groups = reply.data["groups"]
    assert len(groups) == 2, [g["examples"] for g in groups]
    by_topic = {frozenset(g["examples"]): g for g in groups}
    assert set(map(frozenset, ([*GIFT], [*PICKUP]))) == set(by_topic)
    for g in groups:
        assert g["count"] == 3 and g["languages"] == ["en", "zh"] and g["status"] == "open"
        assert g["kinds"] == {"unanswered": 3}
    assert reply.report is not None and reply.report.table is not None and len(reply.report.table.rows) == 2
    assert reply.report.summary == messages.text("gaps_summary", "en", open=2, signals=6, window="", closed=0)


def test_an_ingested_article_closes_its_gap(assist: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    add_gaps(assist, GIFT + PICKUP)
    folder = tmp_path / "new-articles"
    folder.mkdir()
    (folder / "gift-wrapping.md").write_text(GIFT_ARTICLE_EN, encoding="utf-8")
    (folder / "礼品包装.md").write_text(GIFT_ARTICLE_ZH, encoding="utf-8")
    base = ["--data-dir", str(assist.settings.data_dir), "--env-file", "/nonexistent"]
    assert main([*base, "ingest", str(folder)]) == 0
    assert "knowledge gap" in capsys.readouterr().err
    assert main([*base, "gaps", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    status = {frozenset(g["examples"]): (g["status"], g["closed_by"]) for g in out["groups"]}
    closed, closers = status[frozenset(GIFT)]
    assert closed == "closed" and set(closers) <= {"gift-wrapping.md", "礼品包装.md"} and closers
    assert status[frozenset(PICKUP)] == ("open", [])
    assert (out["open"], out["closed"]) == (1, 1)


@pytest.mark.parametrize("assist", [{"feishu_manager_ids": "ou_mgr"}], indirect=True)
def test_only_managers_see_gaps_and_bad_input_is_friendly(assist: Any) -> None:
    refused = ask(assist, "知识缺口", platform="feishu", user_id="ou_agent")
    assert refused.kind == "error" and "/gaps" in refused.text
    empty = ask(assist, "知识缺口", platform="feishu", user_id="ou_mgr")
    assert empty.kind == "info" and empty.language == "zh"
    assert empty.text == messages.text("gaps_none", "zh", window="")
    bad = ask(assist, "/gaps --since yesterday", platform="feishu", user_id="ou_mgr")
    assert bad.kind == "error" and bad.text == messages.text("gaps_bad_since", "en", value="yesterday")
