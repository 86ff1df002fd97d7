"""Sentence splitting and chunking for Chinese and English."""

from __future__ import annotations

import pytest

from bot.ingest.chunking import chunk_document, embedding_text, estimate_tokens, split_sentences
from bot.ingest.documents import Block, Chunk, Document


def doc(*blocks: Block, title: str = "Doc") -> Document:
    return Document(doc_id="kb/doc.md", kind="kb", title=title, blocks=list(blocks), source="kb/doc.md")


def test_split_chinese_sentences_keeps_closing_quotes() -> None:
    text = "退货运费谁出？七天无理由退货由顾客承担运费。质量问题由明购承担！顾客问：“真的吗？”客服答：是的……订单 BC20261103-58217 已退款；请查收"
    assert split_sentences(text) == [
        "退货运费谁出？",
        "七天无理由退货由顾客承担运费。",
        "质量问题由明购承担！",
        "顾客问：“真的吗？”",
        "客服答：是的……",
        "订单 BC20261103-58217 已退款；",
        "请查收",
    ]


def test_split_english_keeps_decimals_versions_abbreviations_urls_and_ids() -> None:
    text = (
        "Refunds take 3.5 days on average, e.g. via Alipay. Mr. Wang saw error PAY-4012 on order No. 58217. "
        "Firmware 1.3.1 fixes the AUR-X2-BLK earbuds (see the notes.) Visit https://help.brightcart.example/en/x. "
        "Write to support@brightcart.example! Is it fixed? He said \"yes.\" Done"
    )
    assert split_sentences(text) == [
        "Refunds take 3.5 days on average, e.g. via Alipay.",
        "Mr. Wang saw error PAY-4012 on order No. 58217.",
        "Firmware 1.3.1 fixes the AUR-X2-BLK earbuds (see the notes.)",
        "Visit https://help.brightcart.example/en/x.",
        "Write to support@brightcart.example!",
        "Is it fixed?",
        'He said "yes."',
        "Done",
    ]


def test_newlines_and_list_items_are_boundaries() -> None:
    text = "What to say:\n1. Open the app\n2. Tap Orders. Then Returns\n\n- Plus members pay nothing\n- 运费险免费"
    assert split_sentences(text) == [
        "What to say:", "1. Open the app", "2. Tap Orders.", "Then Returns", "- Plus members pay nothing",
        "- 运费险免费",
    ]


def test_mixed_language_text() -> None:
    assert split_sentences("PAY-5001 是网关超时。Please wait 10 minutes. 然后查看订单状态!再试一次") == [
        "PAY-5001 是网关超时。", "Please wait 10 minutes.", "然后查看订单状态!", "再试一次",
    ]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [("", 0), ("退货运费", 4), ("hello world", 3), ("PAY-4012", 3), ("退货 refund 12 天", 6), ("。，!", 0)],
)
def test_estimate_tokens(text: str, tokens: int) -> None:
    assert estimate_tokens(text) == tokens


EN_PARAGRAPH = " ".join(
    f"Sentence number {i} explains how refund step {i} works for order BC2026110{i % 10}-5821{i % 10}."
    for i in range(40)
)
ZH_PARAGRAPH = "".join(f"第{i}步：顾客在App中提交退货申请，客服在二十四小时内审核并安排上门取件。" for i in range(40))


@pytest.mark.parametrize("text", [EN_PARAGRAPH, ZH_PARAGRAPH])
@pytest.mark.parametrize("max_tokens", [48, 64, 256])
def test_chunks_respect_max_tokens_and_lose_no_sentence(text: str, max_tokens: int) -> None:
    chunks = chunk_document(doc(Block(text, ("Refunds",))), max_tokens=max_tokens)
    assert len(chunks) > 1 or max_tokens == 256
    for chunk in chunks:
        assert estimate_tokens(chunk.text) <= max_tokens
        assert chunk.text in text  # a slice of its block, never crossing into another
    for sentence in split_sentences(text):
        assert any(sentence in c.text for c in chunks), sentence


def test_heading_paths_are_kept_and_chunks_never_cross_blocks() -> None:
    document = doc(
        Block("Intro sentence. " * 3, ()),
        Block(EN_PARAGRAPH, ("Returns", "No-reason returns")),
        Block(ZH_PARAGRAPH, ("退货", "质量问题")),
    )
    chunks = chunk_document(document, max_tokens=64)
    assert chunks[0].heading_path == ()
    by_path: dict[tuple[str, ...], list[Chunk]] = {}
    for chunk in chunks:
        by_path.setdefault(chunk.heading_path, []).append(chunk)
    assert set(by_path) == {(), ("Returns", "No-reason returns"), ("退货", "质量问题")}
    for block in document.blocks:
        assert all(c.text in block.text for c in by_path[block.heading_path])
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert {c.chunk_id for c in chunks} == {f"kb/doc.md#{i}" for i in range(len(chunks))}


def test_overlap_repeats_the_last_sentences_of_the_previous_chunk() -> None:
    block = Block(EN_PARAGRAPH)
    for overlap in (1, 2):
        chunks = chunk_document(doc(block), max_tokens=64, overlap_sentences=overlap)
        for previous, current in zip(chunks, chunks[1:]):
            assert split_sentences(previous.text)[-overlap:] == split_sentences(current.text)[:overlap]
    chunks = chunk_document(doc(block), max_tokens=64, overlap_sentences=0)
    sentences = [s for c in chunks for s in split_sentences(c.text)]
    assert sentences == split_sentences(EN_PARAGRAPH)  # no repeats, nothing lost, in order


def test_chunking_is_deterministic() -> None:
    document = doc(Block(EN_PARAGRAPH, ("A",)), Block(ZH_PARAGRAPH, ("B",)))
    assert chunk_document(document, max_tokens=50) == chunk_document(document, max_tokens=50)


def test_an_over_long_sentence_is_split_hard_and_nothing_is_dropped() -> None:
    zh = "顾客反映耳机左耳无法充电" * 60  # 720 CJK characters and no punctuation at all
    en = " ".join(["refund"] * 400)
    for text in (zh, en):
        chunks = chunk_document(doc(Block(text, ("Long",))), max_tokens=100)
        assert len(chunks) > 1
        assert all(estimate_tokens(c.text) <= 100 and c.heading_path == ("Long",) for c in chunks)
        joiner = "" if text is zh else " "
        assert joiner.join(c.text for c in chunks) == text


def test_tiny_trailing_block_merges_into_previous_chunk_of_same_heading_only() -> None:
    first = "Refunds reach Alipay within three business days after the warehouse receives the return."
    chunks = chunk_document(doc(Block(first, ("Refunds",)), Block("Plus members too.", ("Refunds",))))
    assert [(c.heading_path, c.text) for c in chunks] == [(("Refunds",), f"{first}\nPlus members too.")]
    chunks = chunk_document(doc(Block(first, ("Refunds",)), Block("Plus members too.", ("Plus",))))
    assert [(c.heading_path, c.text) for c in chunks] == [(("Refunds",), first), (("Plus",), "Plus members too.")]


def test_empty_documents_give_no_chunks() -> None:
    assert chunk_document(doc()) == []
    assert chunk_document(doc(Block("  \n "), Block(""))) == []


def test_embedding_text_prefixes_title_and_heading_path_once() -> None:
    document = doc(title="Who pays return shipping?")
    chunk = Chunk("kb/doc.md", 0, "The customer pays.", ("Who pays return shipping?", "No-reason returns"))
    assert embedding_text(document, chunk) == "Who pays return shipping? > No-reason returns\nThe customer pays."
    chunk = Chunk("kb/doc.md", 1, "Brightcart pays.", ("Quality problems",))
    assert embedding_text(document, chunk) == "Who pays return shipping? > Quality problems\nBrightcart pays."
    assert embedding_text(doc(title=""), Chunk("x", 0, "Text.")) == "Text."
