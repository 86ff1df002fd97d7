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


@pytest.mark.parametrize("assist", [{"slack_manager_ids": "U0002USER"}], indirect=True)
def test_slack_manager_runs_gaps_privately(assist: Any, slack_side: Any) -> None:
    add_gaps(assist, GIFT + PICKUP)
    resp = slack_side.slash("/gaps", "")
    assert resp.status_code == 200
    body = slack_side.webhook()
    assert body["response_type"] == "ephemeral"
    shown = json.dumps(body["blocks"], ensure_ascii=False)
    assert "Knowledge gaps" in shown and "礼品包装" in shown and "gift wrap" in shown
    refused = slack_side.slash("/gaps", "", user_id="U0009AGENT")
    assert refused.status_code == 200
    assert "managers" in json.dumps(slack_side.webhook(2), ensure_ascii=False)


def test_feishu_thumbs_down_card_click_is_a_gap(assist: Any, feishu_side: Any) -> None:
    from tests.feishu.helpers import card_action_event

    answered = assist.router().handle(IncomingMessage(text="Who pays the return shipping?", platform="feishu",
                                                      user_id="ou_asker", channel_id="oc_chat"))
    answer_id = assist.conversation().record_answer(answered, platform="feishu", user_id="ou_asker",
                                                    channel_id="oc_chat")
    feishu_side.send(card_action_event("feedback_down", answer_id, message_id="om_card", chat_id="oc_chat",
                                       operator="ou_agent7"), path="/feishu/card")
    (gap,) = gaps_repo(assist.state()).list()
    assert (gap.kind, gap.question, gap.platform, gap.user_id) == ("downvoted", "Who pays the return shipping?",
                                                                   "feishu", "ou_agent7")


from tests.storage.conftest import db_url, pg_schema_url  # noqa: E402,F401  (SQLite and a fresh PostgreSQL schema)


def test_gap_and_resolution_tables_on_sqlite_and_postgresql(db_url: str) -> None:  # noqa: F811
    from bot.storage.db import Database, StateStore
    from bot.storage.gaps import GapsRepository
    from bot.storage.resolutions import ResolutionRow, ResolutionsRepository

    db = Database(db_url)
    try:
        state = StateStore(db)
        gaps = state.repository(GapsRepository)
        assert gaps.add("downvoted:a1:slack:U1", "downvoted", "退货运费谁出？", language="zh", answer_id="a1",
                        seen_docs=["faq-1", "faq-1", "kb/x.md"])
        assert not gaps.add("downvoted:a1:slack:U1", "downvoted", "退货运费谁出？")  # once per key, any replica
        assert gaps.add("need_human:a2", "need_human", "Who pays return shipping?", language="en")
        (first, second) = sorted(gaps.list(), key=lambda g: g.id)
        assert first.seen_docs == ("faq-1", "kb/x.md") and gaps.count("open") == 2
        gaps.close(first.id, "R-00000001", "v1")
        assert [g.id for g in gaps.list(status="closed")] == [first.id]
        assert gaps.reopen_closed_by(["R-00000001"]) == 1 and gaps.count("open") == 2
        assert gaps.withdraw("downvoted:a1:slack:U1") == 1 and gaps.count() == 1

        resolutions = state.repository(ResolutionsRepository)
        row = ResolutionRow(id="R-0000000A", question="退货运费谁出？", note="质量问题由明购承担运费。", agent="U1",
                            platform="slack", sources=[{"doc_id": "faq-1", "title": "退货运费", "source": "faq.jsonl"}],
                            answer_id="a1")
        resolutions.add(row)
        assert resolutions.for_answer("a1") == resolutions.get("R-0000000A")
        assert resolutions.update_note("R-0000000A", "已为顾客预约上门取件。")
        assert resolutions.set_status("R-0000000A", "undone") and not resolutions.set_status("R-0000000A", "undone")
        assert resolutions.for_answer("a1") is None and list(resolutions.active()) == []
        got = resolutions.get("R-0000000A")
        assert got is not None and got.note == "已为顾客预约上门取件。" and got.sources[0]["doc_id"] == "faq-1"
        state.record_answer("a9", "slack", "U1", "C1", "q", "a", payload={"thread_key": "slack:C1:1"})
        assert resolutions.recent_answer_ids("slack", "C1") == [("a9", "U1", {"thread_key": "slack:C1:1"})]
    finally:
        db.close()
