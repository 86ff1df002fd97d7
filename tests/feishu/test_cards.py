"""Card rendering: reports (table, images, files), typed buttons without `name`, form cards, vote counts,
plain-text summaries, and the size limits."""

from __future__ import annotations

import json
from typing import Any

from bot.feishu import cards
from bot.router import Citation, Reply, SimilarCase


def _reply(text: str = "Answer [1].", n_citations: int = 2, quote: str = "quote", **kw: Any) -> Reply:
    citations = [Citation(i, f"doc-{i}", f"Title {i}", f"kb/{i}.md", quote, url=f"https://kb.example.com/{i}")
                 for i in range(1, n_citations + 1)]
    return Reply(text=text, kind="answer", language=kw.pop("language", "en"), citations=citations,
                 similar_case=SimilarCase("case-1", "Broken kettle", "sent a label"), grounded=True, **kw)


# --- cards: reports, typed buttons, forms, votes, summaries ----------------------------------------------
def _walk(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [n for item in node for n in _walk(item)]
    if not isinstance(node, dict):
        return []
    return [node] + [n for v in node.values() if isinstance(v, (dict, list)) for n in _walk(v)]


def test_buttons_have_no_name_outside_forms_and_unique_element_ids() -> None:
    from bot.router import Button

    reply = Reply(text="Pick", kind="info", buttons=[
        Button("rootcause_expand", "Late", "rc-1", payload={"cause": "late"}),
        Button("rootcause_expand", "Damaged", "rc-1", payload={"cause": "damaged"}),
    ])
    card = cards.render_card(reply)
    buttons = [n for n in _walk(card) if n.get("tag") == "button"]
    assert len(buttons) == 2 and all("name" not in b for b in buttons)
    assert len({b["element_id"] for b in buttons}) == 2 and all(cards.ELEMENT_ID.match(b["element_id"]) for b in buttons)
    assert [b["behaviors"][0]["value"] for b in buttons] == [
        {"action": "rootcause_expand", "value": "rc-1", "payload": {"cause": "late"}, "answer_id": "rc-1"},
        {"action": "rootcause_expand", "value": "rc-1", "payload": {"cause": "damaged"}, "answer_id": "rc-1"},
    ]
    answer = cards.render_card(_reply(), "fs-om_1")
    assert all("name" not in n for n in _walk(answer) if n.get("tag") == "button")


def test_summary_is_plain_text() -> None:
    text = "## Refunds\n**Bold** and *slack bold*, see [the policy](https://kb.example.com/p) `code` <at id=all></at>"
    card = cards.render_card(Reply(text=text, kind="info"))
    assert card["config"]["summary"]["content"] == "Refunds Bold and slack bold, see the policy code"
    answer = cards.render_card(_reply(text="**Customers** pay [1]. " * 20), "fs-1")
    summary = answer["config"]["summary"]["content"]
    assert "**" not in summary and len(summary) <= cards.MAX_SUMMARY_CHARS and summary.startswith("Customers pay")


def _report(rows: int = 2, images: int = 1) -> Any:
    from bot.models import Attachment, Report, Section, Table

    return Report(
        title="投诉根因 第47周", summary="配送延迟是**主要**原因。",
        sections=[Section("承运商 B 错过了 12% 的时段。", title="配送")],
        table=Table(["原因", "占比"], [[f"原因 {i}", f"{i}%"] for i in range(rows)], title="按原因"),
        images=[Attachment(f"chart{i}.png", b"png", "image/png", title=f"图表 {i}") for i in range(images)],
        files=[Attachment("causes.csv", b"csv", "text/csv")],
    )


def test_report_card_with_table_image_and_files() -> None:
    report = _report(images=2)
    card = cards.render_card(Reply(text=report.title, kind="report", language="zh", report=report),
                             image_keys={"chart0.png": "img_v3_key0"})
    assert card["header"]["title"]["content"] == "投诉根因 第47周"
    elements = card["body"]["elements"]
    by_id = {e["element_id"]: e for e in elements}
    assert by_id["summary"]["content"] == "配送延迟是**主要**原因。"
    assert by_id["sec_0"]["content"] == "**配送**\n承运商 B 错过了 12% 的时段。"
    table = by_id["table"]
    assert [c["display_name"] for c in table["columns"]] == ["原因", "占比"]
    assert table["rows"] == [{"c0": "原因 0", "c1": "0%"}, {"c0": "原因 1", "c1": "1%"}]
    assert 1 <= table["page_size"] <= 10
    assert by_id["img_0"] == {"tag": "img", "element_id": "img_0", "img_key": "img_v3_key0",
                              "scale_type": "fit_horizontal", "alt": {"tag": "plain_text", "content": "图表 0"}}
    assert by_id["img_1"]["tag"] == "markdown" and "已附图表：图表 1" in by_id["img_1"]["content"]
    assert "causes.csv" in by_id["files"]["content"]
    assert "text" not in by_id  # the text repeats the title: not shown twice
    assert card["config"]["summary"]["content"] == "配送延迟是主要原因。"


def test_big_report_card_is_cut_to_fit_with_notes() -> None:
    from bot.models import Section

    report = _report(rows=2000)
    report.sections = [Section("很长的分析。" * 800, title=f"第 {i} 部分") for i in range(60)]
    card = cards.render_card(Reply(text="x", kind="report", language="zh", report=report))
    assert cards.card_size(card) <= cards.MAX_CARD_BYTES
    assert cards.count_elements(card) <= cards.MAX_ELEMENTS
    ids = [e["element_id"] for e in card["body"]["elements"]]
    assert "table" in ids and "table_note" in ids and "truncated" in ids and "files" in ids
    shown = len(next(e for e in card["body"]["elements"] if e["element_id"] == "table")["rows"])
    note = next(e for e in card["body"]["elements"] if e["element_id"] == "table_note")["content"]
    assert f"仅显示前 {shown} 行（共 2000 行）" in note


def test_form_card() -> None:
    from bot.models import Form, FormField

    form = Form(command="escalate", form_id="new", title="Escalate", context={"answer_id": "a-1"}, fields=(
        FormField("summary", "What is needed?", initial="Bulk refunds"),
        FormField("details", "Details", kind="textarea", required=False, max_length=5000),
        FormField("priority", "Priority", kind="select", options=(("p1", "Urgent"), ("p2", "Normal")), initial="p2"),
    ))
    card = cards.render_form_card(form, "zh", intro="Tell the managers what customers ask for.")
    json.dumps(card)
    (container,) = [e for e in card["body"]["elements"] if e["tag"] == "form"]
    assert container["name"] == cards.FORM_NAME
    inputs = {e["name"]: e for e in container["elements"] if e["tag"] in ("input", "select_static")}
    assert set(inputs) == {"summary", "details", "priority"}
    assert inputs["summary"]["required"] is True and inputs["summary"]["default_value"] == "Bulk refunds"
    assert inputs["details"]["required"] is False and inputs["details"]["input_type"] == "multiline_text"
    assert inputs["details"]["max_length"] == cards.MAX_INPUT_CHARS
    assert [o["value"] for o in inputs["priority"]["options"]] == ["p1", "p2"]
    assert inputs["priority"]["initial_option"] == "p2"
    (submit,) = [e for e in container["elements"] if e["tag"] == "button"]
    assert submit["form_action_type"] == "submit" and submit["text"]["content"] == "提交"
    assert submit["behaviors"][0]["value"] == {"action": "form_submit", "command": "escalate", "form_id": "new",
                                               "context": {"answer_id": "a-1"}}
    ids = [n["element_id"] for n in _walk(card) if "element_id" in n]
    assert len(ids) == len(set(ids)) and all(cards.ELEMENT_ID.match(i) for i in ids)
    # a reply carrying the form renders as the same card
    assert cards.render_card(Reply(text="", kind="form", language="zh", form=form))["body"]["elements"][0]["tag"] == "form"


def test_vote_counts_keep_the_buttons_for_everyone() -> None:
    card = cards.render_card(_reply(), "fs-om_1")
    voted = cards.with_vote_counts(card, 1, 0, "en")
    again = cards.with_vote_counts(voted, 2, 1, "zh")
    ids = [e["element_id"] for e in again["body"]["elements"]]
    assert ids[-2:] == [cards.VOTES_ID, cards.ACTIONS_ID] and ids.count(cards.VOTES_ID) == 1
    assert again["body"]["elements"][-2]["content"] == "👍 2 · 👎 1"
    actions = [cards.button_action(c["elements"][0]) for c in again["body"]["elements"][-1]["columns"]]
    assert actions == ["feedback_up", "feedback_down", "resolve_mark", "need_human"]
    assert cards.VOTES_ID not in json.dumps(card)  # the original is untouched


def test_with_feedback_done_finds_buttons_by_callback_value() -> None:
    done = cards.with_feedback_done(cards.render_card(_reply(), "fs-om_1"), "en")
    actions = done["body"]["elements"][-1]
    assert [cards.button_action(c["elements"][0]) for c in actions["columns"]] == ["resolve_mark", "need_human"]


def test_a_card_that_cannot_fit_becomes_a_minimal_card_not_a_refusal() -> None:
    from bot.router import Button

    # 150 buttons alone exceed 200 components at every budget level
    reply = Reply(text="**Choose** a queue", kind="info", language="en",
                  buttons=[Button(f"queue_{i}", f"Queue {i}", str(i)) for i in range(150)])
    card = cards.render_card(reply)
    assert cards.count_elements(card) <= cards.MAX_ELEMENTS and cards.card_size(card) <= cards.MAX_CARD_BYTES
    ids = [e["element_id"] for e in card["body"]["elements"]]
    assert ids == ["text", "truncated", cards.ACTIONS_ID]
