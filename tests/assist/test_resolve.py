"""/resolve: a thread's question, sources and what was done become a past case that the next /ask finds;
edit and undo (the index follows); the "Mark resolved" button; the CLI."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot import messages
from bot.assist.gaps import gaps_repo
from bot.models import ActionEvent, FormSubmission, IncomingMessage

THREAD = "slack:C1:1700000000.000100"
GIFT_QUESTION = "Can we gift wrap an order for a customer's birthday?"
GIFT_NOTE = ("Yes: add the note GIFT-BAG at checkout and the warehouse packs the order in a free paper gift bag "
             "without the invoice inside.")


def ask(container: Any, text: str, *, record: bool = False, **kw: Any) -> Any:
    """Run `text` through the router as a Slack user would; `record`: store the answer as the adapter does."""
    fields = {"platform": "slack", "user_id": "U1", "channel_id": "C1", "thread_key": THREAD, **kw}
    reply = container.router().handle(IncomingMessage(text=text, **fields))
    if record and reply.kind == "answer":
        reply.data = {**reply.data, "answer_id": container.conversation().record_answer(
            reply, platform=fields["platform"], user_id=fields["user_id"], channel_id=fields["channel_id"],
            thread_key=fields["thread_key"])}
    return reply


def cites(reply: Any, doc_id: str) -> bool:
    return any(c.doc_id == doc_id for c in reply.citations) or (
        reply.similar_case is not None and reply.similar_case.doc_id == doc_id)


def test_resolve_in_the_thread_of_an_unanswered_question_teaches_the_next_ask(assist: Any) -> None:
    before = ask(assist, GIFT_QUESTION, record=True)
    assert before.grounded is False  # the knowledge base has nothing on gift wrapping
    assert [g.kind for g in gaps_repo(assist.state()).list()] == ["unanswered"]

    reply = ask(assist, f"/resolve {GIFT_NOTE}")
    assert reply.kind == "info" and reply.visibility == "private", reply.text
    rid = reply.data["id"]
    assert rid.startswith("R-") and reply.data["created"] is True
    assert reply.text.startswith(messages.text("resolve_saved", "en", id=rid))
    assert reply.data["question"] == GIFT_QUESTION and reply.data["note"] == GIFT_NOTE
    assert (reply.data["agent"], reply.data["platform"], reply.data["thread_key"]) == ("U1", "slack", THREAD)
    assert [b.action_id for b in reply.buttons] == ["resolve_edit", "resolve_undo"]
    # the gap this question left is closed by the new record
    (gap,) = gaps_repo(assist.state()).list()
    assert (gap.status, gap.closed_by) == ("closed", rid)

    # indexed at once (vectors and BM25): a reworded question is answered from it
    again = ask(assist, "Do we offer gift wrapping for birthday orders?", thread_key="slack:C1:2")
    assert again.grounded is True and cites(again, rid), again.text
    assert "GIFT-BAG" in again.full_text()
    assert rid in [h.doc_id for h in assist.retriever().search("GIFT-BAG", k=3, mode="bm25").hits]


def test_edit_and_undo_follow_in_the_index(assist: Any) -> None:
    ask(assist, GIFT_QUESTION, record=True)
    rid = ask(assist, f"/resolve {GIFT_NOTE}").data["id"]

    edited = ask(assist, f"/resolve --edit {rid.lower()} Use the free gift bag: note GIFT-BOX-2 at checkout.")
    assert edited.text.startswith(messages.text("resolve_updated", "en", id=rid)) and "GIFT-BOX-2" in edited.data["note"]
    assert "GIFT-BOX-2" in ask(assist, "Do we offer gift wrapping for birthday orders?", thread_key="t2").full_text()

    # someone else may not undo it; a manager may
    other = ask(assist, f"/resolve --undo {rid}", user_id="U2")
    assert other.kind == "error" and other.text == messages.text("resolve_not_yours", "en", id=rid)
    undone = ask(assist, f"/resolve --undo {rid}")
    assert undone.text.startswith(messages.text("resolve_undone", "en", id=rid)) and not undone.buttons
    assert rid not in assist.store().manifest()
    after = ask(assist, "Do we offer gift wrapping for birthday orders?", thread_key="t3")
    assert not cites(after, rid)
    assert ask(assist, f"/resolve --undo {rid}").text == messages.text("resolve_already_undone", "en", id=rid)
    # the gap it had closed is open again
    assert {g.status for g in gaps_repo(assist.state()).list()} == {"open"}
    assert ask(assist, "/resolve --undo banana").text == messages.text("resolve_bad_id", "en", value="banana")


@pytest.mark.parametrize("assist", [{"slack_manager_ids": "UMGR"}], indirect=True)
def test_mark_resolved_button_records_the_answer_and_a_manager_can_undo(assist: Any) -> None:
    answered = ask(assist, "退货运费谁出？", record=True, thread_key="slack:C1:9")
    assert answered.grounded is True
    answer_id = answered.data["answer_id"]
    router = assist.router()
    event = ActionEvent("resolve_mark", answer_id, "U1", "C1", "slack", payload={"lang": "zh"})
    reply = router.handle_action(event)
    assert reply is not None and reply.language == "zh", reply
    rid = reply.data["id"]
    assert reply.text.startswith(messages.text("resolve_saved", "zh", id=rid))
    assert reply.data["question"] == "退货运费谁出？"
    assert "[1]" not in reply.data["note"] and "运费" in reply.data["note"]  # what was done = the bot's answer
    assert any(s["doc_id"] == "faq-return-shipping-zh" for s in reply.data["sources"])
    # a second click does not write a second record
    twice = router.handle_action(event)
    assert twice is not None and twice.data["id"] == rid and twice.data["created"] is False
    # the Edit button opens a form whose submission edits it
    form_reply = router.handle_action(ActionEvent("resolve_edit", rid, "U1", "C1", "slack", payload={"lang": "zh"}))
    assert form_reply is not None and form_reply.form is not None and form_reply.form.context["id"] == rid
    done = router.handle_form(FormSubmission("/resolve", "edit", {"note": "质量问题的退货运费由明购承担，已为顾客预约上门取件。"},
                                             "U1", "slack", "C1", context=form_reply.form.context, language="zh"))
    assert done.kind == "info" and "上门取件" in done.data["note"]
    # the Undo button, clicked by a manager
    undone = router.handle_action(ActionEvent("resolve_undo", rid, "UMGR", "C1", "slack", payload={"lang": "zh"}))
    assert undone is not None and undone.text.startswith(messages.text("resolve_undone", "zh", id=rid))


def test_without_an_answer_or_a_note_it_says_what_to_do(assist: Any) -> None:
    nothing = ask(assist, "/resolve", channel_id="C-empty", thread_key="")
    assert nothing.kind == "error" and nothing.text == messages.text("resolve_no_context", "en")
    ask(assist, GIFT_QUESTION, record=True, channel_id="C7", thread_key="slack:C7:1")
    no_note = ask(assist, "/resolve", channel_id="C7", thread_key="slack:C7:1")  # "I don't know" is not a resolution
    assert no_note.kind == "error" and no_note.text == messages.text("resolve_need_note", "en")


def test_cli_resolve_with_a_question_and_json(assist: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    base = ["--data-dir", str(assist.settings.data_dir), "--env-file", "/nonexistent"]
    code = main([*base, "resolve", "--question", "顾客想把两个订单合并发货可以吗？", "可以：在两个订单都未发货前联系仓库合并，运费按一单收取。",
                 "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["id"].startswith("R-") and out["platform"] == "cli" and out["language"] == "zh"
    assert out["question"] == "顾客想把两个订单合并发货可以吗？" and out["note"].startswith("可以")
    code = main([*base, "ask", "两个订单能合并发货吗？", "--json"])
    answer = json.loads(capsys.readouterr().out)
    assert code == 0 and answer["grounded"] is True
    assert out["id"] in [c["doc_id"] for c in answer["citations"]]


def test_slack_mark_resolved_button_then_undo_button(assist: Any, slack_side: Any) -> None:
    answered = ask(assist, "How long does a refund take?", record=True, channel_id="C0003CHAN",
                   user_id="U0002USER", thread_key="slack:C0003CHAN:1700000200.000100")
    assert answered.grounded is True
    resp = slack_side.click("resolve_mark", answered.data["answer_id"], payload={"lang": "en"})
    assert resp.status_code == 200
    body = slack_side.webhook()
    assert body["response_type"] == "ephemeral"
    shown = json.dumps(body["blocks"], ensure_ascii=False)
    (rid,) = {w.strip("`*.,:") for w in shown.replace("\\n", " ").split() if w.strip("`*.,:").startswith("R-")}
    assert "Saved as past resolution" in shown and "1-3 business days" in shown
    assert rid in assist.store().manifest()  # indexed at once
    undo_value = next(e["value"] for b in body["blocks"] if b.get("type") == "actions" for e in b["elements"]
                      if e["action_id"].startswith("resolve_undo"))
    from bot.models import decode_button_value

    value, payload = decode_button_value(undo_value)
    slack_side.click("resolve_undo", value, payload=payload)
    assert "undone" in json.dumps(slack_side.webhook(2)["blocks"])
    assert rid not in assist.store().manifest()


def test_feishu_resolve_in_a_thread_with_the_chinese_alias(assist: Any, feishu_side: Any) -> None:
    from tests.assist.conftest import card_text
    from tests.feishu.helpers import message_event

    event = message_event("thread", "已解决 已为顾客补发新的充电盒，并告知3个工作日内寄出。")
    msg = event["event"]["message"]
    thread = f"feishu:{msg['chat_id']}:{msg['root_id']}"
    user = event["event"]["sender"]["sender_id"]["open_id"]
    answered = ask(assist, "一只耳机充不上电怎么办？", record=True, platform="feishu", user_id=user,
                   channel_id=msg["chat_id"], thread_key=thread)
    assert answered.grounded is True
    feishu_side.send(event)
    assert "已通过私聊" in card_text(feishu_side.last_card())  # in the group thread: "sent to you privately"
    shown = feishu_side.all_cards()
    assert "已保存为历史解决记录 R-" in shown and "补发新的充电盒" in shown
    (row,) = list(__import__("bot.assist.resolve", fromlist=["repo"]).repo(assist).active())
    assert (row.platform, row.agent, row.thread_key, row.question) == ("feishu", user, thread, "一只耳机充不上电怎么办？")
    assert row.answer_id == answered.data["answer_id"]


def test_local_chat_resolves_the_previous_question(assist: Any) -> None:
    import io

    from bot.terminal import chat_loop

    out = io.StringIO()
    chat_loop(assist.router(), stdin=io.StringIO("退货运费谁出？\n解决 质量问题的退货运费由明购承担，已为顾客预约上门取件。\n"),
              stdout=out)
    text = out.getvalue()
    assert "已保存为历史解决记录 R-" in text and "退货运费谁出？" in text
    (row,) = list(__import__("bot.assist.resolve", fromlist=["repo"]).repo(assist).active())
    assert (row.platform, row.question) == ("cli", "退货运费谁出？") and row.sources  # sources: the answer's citations


# --- "Mark resolved" under an answer, clicked through the real Slack and Feishu adapters ----------------------

def _resolution_cited(assist: Any, answer_id: str, rid: str) -> bool:
    record = assist.conversation().get_answer(answer_id)
    assert record is not None, answer_id
    return cites(record.reply, rid)


def test_slack_mark_resolved_under_an_answer_teaches_the_next_ask(assist: Any, slack_side: Any) -> None:
    from bot.models import decode_button_value
    from tests.slack.blockutil import action_ids, buttons

    assert slack_side.slash("/ask", "Can an order be cancelled before shipping?").status_code == 200
    blocks = slack_side.webhook()["blocks"]
    assert action_ids(blocks) == ["feedback_up", "feedback_down", "resolve_mark", "need_human"]
    mark = next(b for b in buttons(blocks) if b["action_id"] == "resolve_mark")
    assert mark["text"]["text"] == messages.text("button_resolve", "en")
    answer_id, payload = decode_button_value(mark["value"])

    assert slack_side.click("resolve_mark", answer_id, payload=payload).status_code == 200
    saved = slack_side.webhook(2)
    shown = json.dumps(saved["blocks"], ensure_ascii=False)
    (row,) = list(__import__("bot.assist.resolve", fromlist=["repo"]).repo(assist).active())
    assert saved["response_type"] == "ephemeral" and messages.text("resolve_saved", "en", id=row.id) in shown
    assert (row.question, row.platform, row.agent) == ("Can an order be cancelled before shipping?", "slack",
                                                       "U0002USER")
    assert row.answer_id == answer_id and "cancelled free of charge" in row.note

    # the next /ask, worded differently, finds the new past resolution
    assert slack_side.slash("/ask", "Is it possible to cancel my order before it ships?").status_code == 200
    again = slack_side.webhook(3)["blocks"]
    next_id = decode_button_value(next(b for b in buttons(again) if b["action_id"] == "feedback_up")["value"])[0]
    assert _resolution_cited(assist, next_id, row.id)


def test_feishu_mark_resolved_under_an_answer_teaches_the_next_ask(assist: Any, feishu_side: Any) -> None:
    from bot.feishu import cards
    from tests.assist.conftest import card_text
    from tests.feishu.helpers import card_action_event, message_event

    event = message_event("p2p", "/ask 下单后能改收货地址吗？")
    msg = event["event"]["message"]
    feishu_side.send(event)
    card = feishu_side.last_card()
    actions = next(e for e in card["body"]["elements"] if e.get("element_id") == cards.ACTIONS_ID)
    elements = [col["elements"][0] for col in actions["columns"]]
    assert [cards.button_action(e) for e in elements] == ["feedback_up", "feedback_down", "resolve_mark", "need_human"]
    mark = next(e for e in elements if cards.button_action(e) == "resolve_mark")
    assert mark["text"]["content"] == messages.text("button_resolve", "zh")
    value = mark["behaviors"][0]["value"]

    feishu_side.api.reset()
    click = card_action_event("resolve_mark", value["answer_id"], message_id="om_card", chat_id=msg["chat_id"],
                              value=value)
    toast = feishu_side.send(click, path="/feishu/card").json()["toast"]
    (row,) = list(__import__("bot.assist.resolve", fromlist=["repo"]).repo(assist).active())
    assert row.question == "下单后能改收货地址吗？" and row.platform == "feishu" and row.answer_id == value["answer_id"]
    assert "修改地址" in row.note
    # the confirmation (with its Edit and Undo buttons) reaches the clicker privately
    assert "私聊" in toast["content"]
    shown = feishu_side.all_cards()
    assert messages.text("resolve_saved", "zh", id=row.id) in shown and "resolve_undo" in shown

    nxt = message_event("p2p", "/ask 订单还没发货，收货地址写错了能改吗？")
    feishu_side.send(nxt)
    assert "回答" in card_text(feishu_side.last_card())
    assert _resolution_cited(assist, f"fs-{nxt['event']['message']['message_id']}", row.id)


def test_adding_a_record_tokenizes_only_the_new_text(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """/resolve rebuilds BM25 from the store's chunks; only the new record's text is tokenized again, also in a
    process that loaded the saved index, and the scores equal those of a build from scratch."""
    import numpy as np

    from bot.retrieval import lexical

    texts = [f"Order BC2026{i:04d} arrived late; courier {i} said the parcel was lost" for i in range(30)]
    texts += ["退货运费谁出？无理由退货由顾客承担运费。", "Who pays the return shipping? The customer pays."]
    ids, metas = [f"c{i}" for i in range(len(texts))], [{"doc_id": f"d{i}"} for i in range(len(texts))]
    monkeypatch.setattr(lexical, "TOKEN_CACHE", lexical._TokenCache())
    first = lexical.BM25Index()
    first.build(ids, texts, metas, "v1")
    first.save(tmp_path)

    monkeypatch.setattr(lexical, "TOKEN_CACHE", lexical._TokenCache())  # a restarted process
    assert lexical.BM25Index.load(tmp_path) is not None
    calls: list[str] = []
    real = lexical.tokenize
    monkeypatch.setattr(lexical, "tokenize", lambda text: calls.append(text) or real(text))
    new = "Gift wrapping: write GIFT-BAG in the order note"
    again = lexical.BM25Index()
    again.build([*ids, "c-new"], [*texts, new], [*metas, {"doc_id": "R-1"}], "v2")
    assert calls == [new]

    monkeypatch.setattr(lexical, "TOKEN_CACHE", lexical._TokenCache(limit=0))  # no cache: the old way
    scratch = lexical.BM25Index()
    scratch.build([*ids, "c-new"], [*texts, new], [*metas, {"doc_id": "R-1"}], "v2")
    for query in ("gift bag order note", "退货运费", "BC20260007"):
        assert np.allclose(again.scores(query), scratch.scores(query))
    assert int(np.argmax(again.scores("GIFT-BAG"))) == len(texts)
