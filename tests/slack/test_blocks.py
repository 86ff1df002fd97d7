"""Block Kit rendering within Slack's limits."""

from __future__ import annotations

import json

from bot.router import Citation, Reply, Section, SimilarCase
from bot.slack.blocks import (
    MAX_BLOCKS,
    MAX_FALLBACK_CHARS,
    MAX_SECTION_CHARS,
    MAX_TOTAL_CHARS,
    fallback_text,
    render_partial,
    render_reply,
    reply_from_payload,
    reply_to_payload,
    split_text,
    text_size,
    to_mrkdwn,
)
from tests.slack.blockutil import action_ids, block_text

ANSWER_ID = "a" * 32


def _answer(text: str, **kw: object) -> Reply:
    return Reply(text=text, kind="answer", language="en", question="q", **kw)  # type: ignore[arg-type]


def _check_limits(blocks: list[dict]) -> None:
    assert 1 <= len(blocks) <= MAX_BLOCKS
    for block in blocks:
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= MAX_SECTION_CHARS
        for element in block.get("elements", []):
            if element.get("type") == "button":
                assert len(element["text"]["text"]) <= 75
                assert len(element["action_id"]) <= 255
        assert len(block.get("block_id", "")) <= 255


def test_answer_layout() -> None:
    reply = _answer(
        "**Customers** pay return shipping [1].",
        citations=[
            Citation(
                1, "d1", "Returns <policy>", "kb/returns.md", "Customer pays & co.", url="https://x.io/r"
            )
        ],
        similar_case=SimilarCase("c1", "Fee dispute", "refunded it"),
        notice="The model timed out.",
    )
    blocks = render_reply(reply, ANSWER_ID)
    _check_limits(blocks)
    assert [b["type"] for b in blocks] == ["section", "context", "section", "section", "actions"]
    assert blocks[0]["text"] == {"type": "mrkdwn", "text": "*Customers* pay return shipping [1]."}
    sources = blocks[2]["text"]["text"]
    assert sources.startswith("*Sources*\n[1] <https://x.io/r|Returns &lt;policy&gt;> — kb/returns.md:")
    assert "Customer pays &amp; co." in sources
    assert "Fee dispute" in blocks[3]["text"]["text"] and "refunded it" in blocks[3]["text"]["text"]
    assert blocks[4]["block_id"] == f"cs_answer_actions:{ANSWER_ID}"
    assert {b["value"] for b in blocks[4]["elements"]} == {ANSWER_ID}
    assert action_ids(blocks) == ["feedback_up", "feedback_down", "need_human"]
    assert action_ids(render_reply(reply, ANSWER_ID, shareable=True)) == [
        "feedback_up",
        "feedback_down",
        "share",
        "need_human",
    ]
    json.dumps(blocks)  # serialisable


def test_non_answers_render_as_sections_without_buttons() -> None:
    reply = Reply(
        text="*cs-copilot* helps.\n• `/ask <question>`",
        kind="help",
        sections=[Section("more", title="Extra")],
    )
    blocks = render_reply(reply, ANSWER_ID)
    assert {b["type"] for b in blocks} == {"section"}
    assert "`/ask &lt;question&gt;`" in block_text(blocks)
    assert "*Extra*\nmore" in block_text(blocks)


def test_answer_without_id_has_no_buttons() -> None:
    assert action_ids(render_reply(_answer("x"), "")) == []


def test_mrkdwn_conversion() -> None:
    assert to_mrkdwn("see [the policy](https://kb.example.com/p?a=1&b=2) **now**") == (
        "see <https://kb.example.com/p?a=1&amp;b=2|the policy> *now*"
    )
    assert (
        to_mrkdwn("## Heading\n__bold__ and 2 < 3 & 4 > 1") == "*Heading*\n*bold* and 2 &lt; 3 &amp; 4 &gt; 1"
    )
    assert to_mrkdwn("[1] and [2]") == "[1] and [2]"


def test_long_answer_is_split_on_paragraphs_and_sentences() -> None:
    paragraph = " ".join(f"Sentence number {i} explains one more detail of the policy." for i in range(40))
    text = "\n\n".join([paragraph] * 4)  # ~10k chars: within Slack's ~12k total, so nothing is cut
    blocks = render_reply(_answer(text), ANSWER_ID)
    _check_limits(blocks)
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(sections) >= 4
    assert all(s.endswith(".") for s in sections)  # cut on sentence boundaries
    assert "".join(s.replace(" ", "").replace("\n", "") for s in sections) == text.replace(" ", "").replace(
        "\n", ""
    )
    assert blocks[-1]["type"] == "actions"


def test_huge_answer_is_cut_to_the_limits_with_a_note_keeping_sources() -> None:
    text = "\n\n".join("word " * 700 for _ in range(120))  # ~420k chars
    many = [Citation(i, f"d{i}", f"T{i}", "s", "q" * 280) for i in range(1, 60)]
    blocks = render_reply(_answer(text, citations=many, similar_case=SimilarCase("c", "Kettle", "label")), ANSWER_ID)
    _check_limits(blocks)
    assert text_size(blocks) <= MAX_TOTAL_CHARS
    assert blocks[-1]["type"] == "actions"
    assert any(b["type"] == "context" and "shortened" in b["elements"][0]["text"] for b in blocks)
    sources = block_text(blocks)
    assert "*Sources*" in sources and "[1] *T1*" in sources and "Kettle" in sources  # sources and case kept


def test_text_without_any_boundary_is_hard_split() -> None:
    chunks = split_text("x" * 7000)
    assert [len(c) for c in chunks] == [3000, 3000, 1000]


def test_chinese_text_splits_on_full_stops() -> None:
    text = "这是一个很长的句子，用来测试切分。" * 400
    chunks = split_text(text)
    assert all(len(c) <= MAX_SECTION_CHARS and c.endswith("。") for c in chunks)
    assert "".join(chunks) == text


def test_fallback_text_is_bounded() -> None:
    assert len(fallback_text(_answer("y" * 10_000))) == MAX_FALLBACK_CHARS
    assert fallback_text(_answer("")) == "…"


def test_long_button_labels_are_cut() -> None:
    from bot.router import Button
    from bot.slack.blocks import button

    element = button(Button("feedback_up", "x" * 100, "v"))
    assert len(element["text"]["text"]) == 75


def test_partial_rendering() -> None:
    blocks = render_partial("Customers pay", "en")
    assert blocks == [{"type": "section", "text": {"type": "mrkdwn", "text": "Customers pay …"}}]
    huge = render_partial("z " * 200_000)
    _check_limits(huge)
    assert text_size(huge) <= MAX_TOTAL_CHARS and "shortened" in block_text(huge[-1:])


def test_reply_round_trips_through_the_stored_payload() -> None:
    reply = _answer(
        "t",
        citations=[Citation(1, "d", "T", "s", "q", url="https://u")],
        similar_case=SimilarCase("c", "S", "R"),
        grounded=True,
        notice="n",
    )
    data = json.loads(json.dumps(reply_to_payload(reply)))
    assert reply_from_payload(data) == reply


# --- reports, tables, typed buttons, forms (the richer neutral views) ---------------------------------------
def _report_reply(rows: int = 2, **kw: object) -> Reply:
    from bot.models import Attachment, Report, Table

    report = Report(
        title="Complaint root causes <week 47>",
        summary="Late deliveries drive **most** complaints.",
        sections=[Section("Carrier B missed 12% of slots.", title="Delivery")],
        table=Table(["Cause", "Share"], [[f"Cause {i} & co", f"{i}%"] for i in range(rows)], title="By cause"),
        images=[Attachment("causes.png", b"png", "image/png", title="Causes by share")],
        files=[Attachment("causes.csv", b"csv", "text/csv"), Attachment("report.md", b"md", "text/markdown")],
    )
    return Reply(text=report.title, kind="report", report=report, **kw)  # type: ignore[arg-type]


def test_report_layout() -> None:
    blocks = render_reply(_report_reply())
    _check_limits(blocks)
    assert blocks[0] == {"type": "header",
                         "text": {"type": "plain_text", "text": "Complaint root causes <week 47>", "emoji": True}}
    texts = [b.get("text", {}).get("text", "") for b in blocks]
    assert texts[1] == "Late deliveries drive *most* complaints."
    assert texts[2] == "*Delivery*\nCarrier B missed 12% of slots."
    table = texts[3]
    assert table.startswith("*By cause*\n```\n") and table.endswith("\n```")
    lines = table.split("```")[1].strip("\n").splitlines()
    assert lines[0] == "Cause         Share" and lines[2] == "Cause 0 &amp; co  0%"
    contexts = [b["elements"][0]["text"] for b in blocks if b["type"] == "context"]
    assert contexts == ["📊 Chart attached: Causes by share", "📎 Files: causes.csv, report.md"]
    assert block_text(blocks).count("Complaint root causes") == 1  # the text repeats the title: shown once


def test_report_table_rows_that_do_not_fit_are_counted_visibly() -> None:
    blocks = render_reply(_report_reply(rows=400, language="zh"))
    _check_limits(blocks)
    table = next(b["text"]["text"] for b in blocks if "```" in b.get("text", {}).get("text", ""))
    shown = len(table.split("```")[1].strip("\n").splitlines()) - 2
    assert 50 < shown < 400
    assert f"仅显示前 {shown} 行（共 400 行）。" in block_text(blocks)


def test_repeated_actions_get_unique_ids_and_typed_values() -> None:
    from bot.models import Button, decode_button_value

    reply = Reply(text="Pick one", buttons=[
        Button("rootcause_expand", "Late delivery", "rc-1", payload={"cause": "late", "week": "47"}),
        Button("rootcause_expand", "Damaged", "rc-1", payload={"cause": "damaged"}),
        Button("rootcause_expand", "Other", "rc-1"),
        Button("rootcause_close", "Close", "rc-1", style="danger"),
    ])
    blocks = render_reply(reply)
    assert action_ids(blocks) == ["rootcause_expand", "rootcause_expand~2", "rootcause_expand~3", "rootcause_close"]
    values = [decode_button_value(b["value"]) for b in blocks[-1]["elements"]]
    assert values == [("rc-1", {"cause": "late", "week": "47"}), ("rc-1", {"cause": "damaged"}), ("rc-1", {}),
                      ("rc-1", {})]
    assert blocks[-1]["elements"][3]["style"] == "danger"


def test_answer_buttons_follow_the_reply_buttons_without_duplicates() -> None:
    from bot.models import Button

    reply = _answer("x", buttons=[Button("need_human", "Escalate", ANSWER_ID, payload={"queue": "vip"})])
    assert action_ids(render_reply(reply, ANSWER_ID)) == ["need_human", "feedback_up", "feedback_down"]


def test_button_payload_too_long_keeps_valid_json() -> None:
    from bot.models import Button, decode_button_value
    from bot.slack.blocks import MAX_BUTTON_VALUE, button

    element = button(Button("x", "X", "v1", payload={"a": "1", "big": "z" * 3000}))
    assert len(element["value"]) <= MAX_BUTTON_VALUE
    assert decode_button_value(element["value"]) == ("v1", {"a": "1"})


def test_many_buttons_are_split_into_actions_blocks() -> None:
    from bot.models import Button

    blocks = render_reply(Reply(text="menu", buttons=[Button(f"b{i}", f"B{i}", str(i)) for i in range(30)]))
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 5]
    assert len({a["block_id"] for a in actions}) == 2


def test_total_text_stays_under_slacks_limit_for_several_mid_sized_sections() -> None:
    # 6 sections of 2,500 chars: under 50 blocks and 3,000 per section, but 15k in total
    body = [Section("Long explanation. " * 139, title=f"Part {i}") for i in range(6)]
    cites = [Citation(1, "d1", "Refund rules", "kb/refunds.md", "Refunds take 5 days.")]
    reply = _answer("Summary first.", sections=body, citations=cites, similar_case=SimilarCase("c", "Late", "Refund"))
    blocks = render_reply(reply, ANSWER_ID)
    _check_limits(blocks)
    assert text_size(blocks) <= MAX_TOTAL_CHARS
    text = block_text(blocks)
    assert "Refund rules" in text and "Refunds take 5 days" in text and "Late" in text
    assert "Summary first." in text and "*Part 0*" in text and "shortened" in text


def test_compact_fallback_keeps_citations_and_the_case() -> None:
    from bot.slack.blocks import compact_blocks

    many = [Citation(i, f"d{i}", f"Title {i}", "kb/x.md", "q" * 500) for i in range(1, 8)]
    reply = _answer("a" * 9000, citations=many, similar_case=SimilarCase("c", "Kettle", "label"))
    blocks = compact_blocks(reply, ANSWER_ID)
    _check_limits(blocks)
    text = block_text(blocks)
    assert all(f"[{i}] *Title {i}*" in text for i in range(1, 8)) and "Kettle" in text
    assert action_ids(blocks)[:2] == ["feedback_up", "feedback_down"]
    assert text_size(blocks) < 6000


def test_modal_for_a_form() -> None:
    from bot.models import Form, FormField
    from bot.slack.blocks import render_modal

    form = Form(
        command="escalate", form_id="new", title="Escalate to the managers today",
        fields=(
            FormField("summary", "What is the request?", initial="Bulk refunds"),
            FormField("details", "Details", kind="textarea", required=False, max_length=5000),
            FormField("priority", "Priority", kind="select", options=(("p1", "Urgent"), ("p2", "Normal")), initial="p2"),
        ),
        context={"channel": "C1", "answer_id": "a-1", "note": "退款"},
    )
    view = render_modal(form, "zh")
    assert view["type"] == "modal" and view["callback_id"] == "form:escalate:new"
    assert json.loads(view["private_metadata"]) == {"channel": "C1", "answer_id": "a-1", "note": "退款"}
    assert len(view["title"]["text"]) <= 24 and view["title"]["text"].endswith("…")
    assert (view["submit"]["text"], view["close"]["text"]) == ("提交", "取消")
    summary, details, priority = view["blocks"]
    assert summary["block_id"] == summary["element"]["action_id"] == "summary"
    assert summary["element"] == {"type": "plain_text_input", "action_id": "summary", "multiline": False,
                                  "max_length": 2000, "initial_value": "Bulk refunds"}
    assert summary["optional"] is False and details["optional"] is True
    assert details["element"]["multiline"] is True and details["element"]["max_length"] == 3000
    assert priority["element"]["type"] == "static_select"
    assert [o["value"] for o in priority["element"]["options"]] == ["p1", "p2"]
    assert priority["element"]["initial_option"]["value"] == "p2"


def test_form_values_from_a_view_submission() -> None:
    from bot.slack.blocks import form_values

    state = {"summary": {"summary": {"type": "plain_text_input", "value": "Bulk refunds"}},
             "details": {"details": {"type": "plain_text_input", "value": None}},
             "priority": {"priority": {"type": "static_select", "selected_option": {"value": "p1"}}}}
    assert form_values(state) == {"summary": "Bulk refunds", "details": "", "priority": "p1"}


def test_report_reply_is_stored_without_attachment_bytes() -> None:
    reply = _report_reply()
    data = json.loads(json.dumps(reply_to_payload(reply)))
    assert data["report"]["images"] == [{"filename": "causes.png", "mime": "image/png", "title": "Causes by share",
                                         "alt_text": ""}]
    restored = reply_from_payload(data)
    assert restored.report is not None and restored.report.table == reply.report.table  # type: ignore[union-attr]
    assert render_reply(restored)[0]["type"] == "header"
