"""The conversation rules (bot/conversation.py) on a real state database (SQLite; PostgreSQL when present)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterator

import pytest

from bot.conversation import ConversationService, reply_from_json, reply_to_json
from bot.models import Attachment, Button, Citation, Form, FormField, Reply, Report, Section, SimilarCase, Table
from bot.storage.db import StateStore


@pytest.fixture()
def state(tmp_path: Path) -> Iterator[StateStore]:
    store = StateStore.open(f"sqlite:///{tmp_path / 'state.db'}")
    yield store
    store.db.close()


@pytest.fixture()
def conv(state: StateStore) -> ConversationService:
    return ConversationService(state, clock=lambda: 1_700_000_000.0)


def _answer() -> Reply:
    return Reply(
        text="Brightcart pays return shipping for defective items [1].", kind="answer", language="en",
        sections=[Section("body", "title")],
        citations=[Citation(1, "kb/returns.md", "Returns", "kb/returns.md", "defective items", url="https://x/r")],
        similar_case=SimilarCase("T-1", "late parcel", "coupon", "tickets.jsonl"), grounded=True,
        notice="fallback", question="who pays return shipping?",
        buttons=[Button("feedback_up", "👍", "a1", payload={"k": "v"})], visibility="private",
        data={"answer": "x", "citations": []},
    )


def test_reply_json_round_trip_keeps_every_field() -> None:
    report = Report(
        title="Root causes", summary="three clusters", sections=[Section("b", "t")],
        table=Table(columns=["cause", "n"], rows=[["退款慢", "12"]], title="top"),
        images=[Attachment("chart.png", b"\x89PNG\x00\xff", mime="image/png", alt_text="bars")],
        files=[Attachment("data.csv", "a,b\n1,2\n".encode(), mime="text/csv")],
    )
    form = Form(command="/escalate", form_id="req", title="Request",
                fields=(FormField("kind", "Kind", kind="select", options=(("bug", "Bug"), ("idea", "Idea"))),),
                context={"ticket": "T-1"})
    for reply in (_answer(), Reply(text="r", kind="report", report=report, form=form, language="zh")):
        assert reply_from_json(reply_to_json(reply)) == reply


def test_answers_are_recorded_once_in_one_format_for_both_platforms(conv: ConversationService) -> None:
    ids = {}
    for platform in ("slack", "feishu"):
        ids[platform] = conv.record_answer(_answer(), platform=platform, user_id=f"{platform}-u", channel_id="C1",
                                           thread_key=f"{platform}:C1:1", extra={"message_id": "m1"})
    for platform, answer_id in ids.items():
        record = conv.get_answer(answer_id)
        assert record is not None
        assert record.platform == platform and record.user_id == f"{platform}-u" and record.channel_id == "C1"
        assert record.question == "who pays return shipping?" and record.reply == _answer()
        assert record.extra == {"message_id": "m1"} and record.thread_key == f"{platform}:C1:1"
    fixed = conv.record_answer(_answer(), platform="feishu", user_id="u", channel_id="c", answer_id="fs-om_1")
    assert fixed == "fs-om_1"
    assert conv.record_answer(_answer(), platform="feishu", user_id="other", channel_id="c",
                              answer_id="fs-om_1") == "fs-om_1"  # a redelivery keeps the first record
    record = conv.get_answer("fs-om_1")
    assert record is not None and record.user_id == "u"
    assert conv.get_answer("missing") is None and conv.get_answer("") is None


def test_older_records_are_still_readable(state: StateStore, conv: ConversationService) -> None:
    old_slack = {"reply": {"text": "t", "kind": "answer", "language": "zh", "sections": [], "citations": [],
                           "similar_case": None, "grounded": True, "notice": "", "question": "q"}, "private": True}
    state.record_answer("s1", "slack", "U1", "C1", "q", "t", payload=old_slack)
    state.record_answer("fs-1", "feishu", "ou", "oc", "问题", "回答", payload={"language": "zh", "grounded": False,
                                                                          "card": {"x": 1}})
    slack = conv.get_answer("s1")
    feishu = conv.get_answer("fs-1")
    assert slack is not None and slack.reply.language == "zh" and slack.extra == {"private": True}
    assert feishu is not None and feishu.reply.text == "回答" and feishu.reply.question == "问题"
    assert feishu.extra["card"] == {"x": 1}


def test_record_answer_returns_empty_when_the_database_fails(state: StateStore, conv: ConversationService) -> None:
    state.db.execute("DROP TABLE answers")  # a real failure of the real database
    assert conv.record_answer(_answer(), platform="slack", user_id="u", channel_id="c") == ""


def test_one_vote_per_user_per_answer_changeable(conv: ConversationService, state: StateStore) -> None:
    answer_id = conv.record_answer(_answer(), platform="feishu", user_id="asker", channel_id="oc")
    first = conv.vote(answer_id, "u1", "feishu", 1)
    assert (first.rating, first.changed, first.up, first.down) == (1, False, 1, 0)
    again = conv.vote(answer_id, "u1", "feishu", 1)
    assert (again.changed, again.up, again.down) == (False, 1, 0)
    flipped = conv.vote(answer_id, "u1", "feishu", -1)
    assert (flipped.rating, flipped.changed, flipped.up, flipped.down) == (-1, True, 0, 1)
    other = conv.vote(answer_id, "u2", "slack", 5)
    assert (other.rating, other.up, other.down) == (1, 1, 1)
    assert conv.vote_counts(answer_id) == (1, 1)
    log = state.feedback()
    assert len(log) == 4 and log[0]["extra"]["answer_id"] == answer_id and log[0]["question"]


def test_concurrent_votes_of_one_user_leave_one_vote(conv: ConversationService) -> None:
    answer_id = conv.record_answer(_answer(), platform="slack", user_id="asker", channel_id="C")
    threads = [threading.Thread(target=conv.vote, args=(answer_id, "same-user", "slack", 1 if i % 2 else -1))
               for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    up, down = conv.vote_counts(answer_id)
    assert up + down == 1


def test_thread_memory_is_the_same_turns_on_every_platform(conv: ConversationService) -> None:
    for key in ("slack:C1:1.0", "feishu:oc_1:om_1"):
        for text in ("/ask 退货运费谁出？ --private", "提问 那会员呢？", "/help", "  \u200b ", "and for VIPs? only me"):
            conv.remember_turn(key, text)
        assert conv.thread_turns(key) == ["退货运费谁出？", "那会员呢？", "and for VIPs?"]
    conv.remember_turn("", "no thread")
    assert conv.thread_turns("") == []
    for i in range(7):
        conv.remember_turn("t", f"q{i}")
    assert conv.thread_turns("t", limit=5) == ["q2", "q3", "q4", "q5", "q6"]


def test_need_a_human_is_recorded_once_per_answer(conv: ConversationService) -> None:
    a = conv.record_answer(_answer(), platform="slack", user_id="asker", channel_id="C")
    b = conv.record_answer(_answer(), platform="slack", user_id="asker", channel_id="C")
    assert conv.request_human(a, "u1", "slack") is True
    assert conv.request_human(a, "u2", "slack") is False
    assert conv.request_human(b, "u1", "slack") is True


@pytest.mark.postgres
def test_votes_and_need_a_human_on_postgres(pg_url: str) -> None:
    import uuid

    store = StateStore.open(pg_url)
    conv = ConversationService(store)
    answer_id = conv.record_answer(_answer(), platform="slack", user_id="asker", channel_id="C",
                                   answer_id=f"pg-{uuid.uuid4().hex}")
    assert conv.get_answer(answer_id) is not None and conv.get_answer(answer_id).reply == _answer()  # type: ignore[union-attr]
    assert conv.vote(answer_id, "u1", "slack", 1).up == 1
    assert conv.vote(answer_id, "u1", "slack", -1).changed is True
    assert conv.vote_counts(answer_id) == (0, 1)
    assert conv.request_human(answer_id, "u1", "slack") is True
    assert conv.request_human(answer_id, "u1", "slack") is False
