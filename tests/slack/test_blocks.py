"""Block Kit rendering within Slack's limits."""

from __future__ import annotations

import json

from bot.router import Citation, Reply, Section, SimilarCase
from bot.slack.blocks import (
    MAX_BLOCKS,
    MAX_FALLBACK_CHARS,
    MAX_SECTION_CHARS,
    fallback_text,
    render_partial,
    render_reply,
    reply_from_payload,
    reply_to_payload,
    split_text,
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
    text = "\n\n".join([paragraph] * 8)  # ~20k chars
    blocks = render_reply(_answer(text), ANSWER_ID)
    _check_limits(blocks)
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(sections) >= 7
    assert all(s.endswith(".") for s in sections)  # cut on sentence boundaries
    assert "".join(s.replace(" ", "").replace("\n", "") for s in sections) == text.replace(" ", "").replace(
        "\n", ""
    )
    assert blocks[-1]["type"] == "actions"


def test_huge_answer_is_truncated_to_50_blocks_with_a_note() -> None:
    text = "\n\n".join("word " * 700 for _ in range(120))  # ~420k chars
    many = [Citation(i, f"d{i}", f"T{i}", "s", "q" * 280) for i in range(1, 60)]
    blocks = render_reply(_answer(text, citations=many), ANSWER_ID)
    _check_limits(blocks)
    assert len(blocks) == MAX_BLOCKS
    assert blocks[-1]["type"] == "actions"
    assert any(b["type"] == "context" and "shortened" in b["elements"][0]["text"] for b in blocks)
    assert any("*Sources*" in b.get("text", {}).get("text", "") for b in blocks)  # sources kept


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
    assert len(render_partial("z " * 200_000)) == MAX_BLOCKS


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
