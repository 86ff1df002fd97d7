"""Loaders on real files written to tmp_path: every format, schemas, column maps and malformed input."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Callable

import docx
import pytest

from bot.ingest.documents import Document, LoadResult
from bot.ingest.loaders import load_paths
from bot.ingest.records import parse_tags

Write = Callable[[str, "str | bytes"], Path]


def by_id(result: LoadResult) -> dict[str, Document]:
    return {d.doc_id: d for d in result.documents}


def reasons(result: LoadResult) -> dict[str, str]:
    return {s.path: s.reason for s in result.skipped}


# --- Articles ---------------------------------------------------------------------------------

MARKDOWN = """---
title: "Who pays return shipping?"
lang: en
url: https://help.example/en/return-shipping
updated: 2026-10-08
category: refunds
audience: agents
---
# Who pays return shipping?

Intro paragraph that is
soft-wrapped over two lines.

## No-reason returns

The **customer** pays. See [the policy](https://help.example/policy).

### Return shipping insurance

- Reimburses up to ¥12.
- Free for Plus members.

##### Small print stays text

## Quality problems

Brightcart pays and books a pickup.
"""


def test_markdown_front_matter_and_heading_paths(tmp_path: Path, write: Write) -> None:
    write("kb/en/return-shipping.md", MARKDOWN)
    result = load_paths([tmp_path])
    assert result.skipped == []
    doc = by_id(result)["kb/en/return-shipping.md"]
    assert doc.kind == "kb"
    assert doc.source == "kb/en/return-shipping.md"
    assert doc.title == "Who pays return shipping?"
    assert (doc.lang, doc.url, doc.created_at) == ("en", "https://help.example/en/return-shipping", "2026-10-08")
    assert doc.metadata == {"category": "refunds", "audience": "agents"}
    title = "Who pays return shipping?"
    assert [b.heading_path for b in doc.blocks] == [
        (title,),
        (title, "No-reason returns"),
        (title, "No-reason returns", "Return shipping insurance"),  # "#####" is not a heading level
        (title, "Quality problems"),
    ]
    assert doc.blocks[0].text == "Intro paragraph that is soft-wrapped over two lines."
    assert doc.blocks[1].text == "The customer pays. See the policy."
    assert doc.blocks[2].text == "- Reimburses up to ¥12.\n- Free for Plus members.\nSmall print stays text"


def test_markdown_title_falls_back_to_h1_then_file_stem(tmp_path: Path, write: Write) -> None:
    write("a.md", "Preamble.\n\n# Refund timeline\n\nText.\n\n# Second part\n\nMore.\n")
    write("b.markdown", "## Only a section\n\nBody text.\n")
    docs = by_id(load_paths([tmp_path]))
    assert docs["a.md"].title == "Refund timeline"
    assert [b.heading_path for b in docs["a.md"].blocks] == [(), ("Refund timeline",), ("Second part",)]
    assert docs["b.markdown"].title == "b"
    assert docs["b.markdown"].blocks[0].heading_path == ("Only a section",)


def test_chinese_markdown_detects_language(tmp_path: Path, write: Write) -> None:
    write("zh/退货.md", "# 退货运费谁出？\n\n无理由退货的寄回运费由顾客承担。\n")
    doc = load_paths([tmp_path]).documents[0]
    assert (doc.doc_id, doc.title, doc.lang) == ("zh/退货.md", "退货运费谁出？", "zh")
    assert doc.blocks[0].heading_path == ("退货运费谁出？",)


def test_txt_title_is_first_line_and_wrapped_lines_are_joined(tmp_path: Path, write: Write) -> None:
    body = (
        "\nBrightcart privacy summary\n\n"
        "We collect the information needed to run your account and deliver your orders, such as\n"
        "your name, phone number and address. We never store full card numbers on our servers.\n\n"
        "Contact privacy@brightcart.example with questions.\n"
    )
    write("privacy-summary.txt", body)
    doc = load_paths([tmp_path]).documents[0]
    assert doc.title == "Brightcart privacy summary"
    assert doc.blocks[0].text.split("\n") == [
        "We collect the information needed to run your account and deliver your orders, such as your name, "
        "phone number and address. We never store full card numbers on our servers.",
        "Contact privacy@brightcart.example with questions.",
    ]


HTML = """<!DOCTYPE html>
<html lang="en"><head><title>Store pickup</title>
<script>track('page_view')</script><style>.x{color:red}</style>
<link rel="canonical" href="https://help.example/en/store-pickup"></head>
<body>
<header><a href="/">Help Centre</a></header>
<nav><a href="/orders">Orders</a> | <a href="/returns">Returns</a></nav>
<div class="breadcrumbs">Home &gt; Shipping</div>
<main>
  <h1>Store pickup</h1>
  <p>Collect your order <strong>for free</strong> at a pickup point.<br>No minimum amount.</p>
  <h2>Where are the pickup points?</h2>
  <ul><li>Shanghai: Jing'an<ul><li>Open 10:00-21:00</li></ul></li><li>Beijing: Chaoyang</li></ul>
  <h3>Opening hours</h3>
  <table><tr><th>City</th><th>Hours</th></tr><tr><td>Chengdu</td><td>10:00-21:00</td></tr></table>
  <noscript>Enable JavaScript</noscript>
  <form><input name="q"><button>Search</button></form>
  <h2>Returns</h2>
  <div>Drop off returns <em>free of charge</em>.</div>
</main>
<footer>© 2026 Brightcart | Hotline 400-820-6688</footer>
<script>document.querySelectorAll('a')</script>
</body></html>
"""


def test_html_noise_stripped_headings_and_lists(tmp_path: Path, write: Write) -> None:
    write("kb/store-pickup.html", HTML)
    doc = by_id(load_paths([tmp_path]))["kb/store-pickup.html"]
    assert doc.title == "Store pickup"
    assert doc.url == "https://help.example/en/store-pickup"
    assert [b.heading_path for b in doc.blocks] == [
        ("Store pickup",),
        ("Store pickup", "Where are the pickup points?"),
        ("Store pickup", "Where are the pickup points?", "Opening hours"),
        ("Store pickup", "Returns"),
    ]
    assert doc.blocks[0].text == "Collect your order for free at a pickup point.\nNo minimum amount."
    assert doc.blocks[1].text == "- Shanghai: Jing'an\n- Open 10:00-21:00\n- Beijing: Chaoyang"
    assert doc.blocks[2].text == "City | Hours\nChengdu | 10:00-21:00"
    assert doc.blocks[3].text == "Drop off returns free of charge."
    for noise in ("track(", "color:red", "Help Centre", "Orders", "Home", "JavaScript", "Search", "Hotline",
                  "querySelectorAll"):
        assert noise not in doc.text


def test_html_without_title_uses_first_h1(tmp_path: Path, write: Write) -> None:
    write("gift.htm", "<html><body><h1>礼品卡</h1><p>礼品卡自激活之日起 3 年内有效。</p></body></html>")
    doc = load_paths([tmp_path]).documents[0]
    assert (doc.title, doc.lang, doc.blocks[0].heading_path) == ("礼品卡", "zh", ("礼品卡",))


def test_pdf_pages_and_metadata_title(tmp_path: Path, write: Write, make_pdf: Callable[..., bytes]) -> None:
    write("policies/refunds.pdf", make_pdf(
        [["Refund policy", "Refunds reach Alipay within 1-3 business days."], ["Bank cards take 7-10 days."]],
        title="Refund policy (PDF)",
    ))
    write("policies/untitled.pdf", make_pdf([["Warranty terms", "Pulse Watch S has a 2 year warranty."]]))
    docs = by_id(load_paths([tmp_path]))
    pdf = docs["policies/refunds.pdf"]
    assert (pdf.kind, pdf.title, pdf.lang) == ("kb", "Refund policy (PDF)", "en")
    assert len(pdf.blocks) == 2
    assert "Refunds reach Alipay within 1-3 business days." in pdf.blocks[0].text
    assert pdf.blocks[1].text == "Bank cards take 7-10 days."
    assert docs["policies/untitled.pdf"].title == "Warranty terms"


def test_broken_and_textless_pdfs_are_skipped(tmp_path: Path, write: Write, make_pdf: Callable[..., bytes]) -> None:
    write("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ntruncated garbage \x00\x01")
    write("blank.pdf", make_pdf([[]]))
    result = load_paths([tmp_path])
    assert result.documents == []
    why = reasons(result)
    assert "PDF" in why["broken.pdf"]
    assert why["blank.pdf"].startswith("PDF has no extractable text")


def test_docx_headings_lists_and_tables(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "Warranty guide"
    document.add_heading("Warranty guide", 0)
    document.add_paragraph("Read this before opening a repair.")
    document.add_heading("Coverage", 1)
    document.add_paragraph("Aurora X2 earbuds have a 1 year warranty.")
    document.add_heading("Not covered", 2)
    document.add_paragraph("Liquid damage beyond the rating", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for (r, c), value in {(0, 0): "Product", (0, 1): "Warranty", (1, 0): "Pulse Watch S", (1, 1): "2 years"}.items():
        table.cell(r, c).text = value
    document.add_heading("Repairs", 1)
    document.add_paragraph("Repairs take 7-10 business days.")
    (tmp_path / "docs").mkdir()
    document.save(str(tmp_path / "docs" / "warranty.docx"))

    doc = load_paths([tmp_path]).documents[0]
    assert (doc.doc_id, doc.kind, doc.title) == ("docs/warranty.docx", "kb", "Warranty guide")
    title = "Warranty guide"  # the "Title" paragraph heads every path
    assert [(b.heading_path, b.text) for b in doc.blocks] == [
        ((title,), "Read this before opening a repair."),
        ((title, "Coverage"), "Aurora X2 earbuds have a 1 year warranty."),
        ((title, "Coverage", "Not covered"),
         "- Liquid damage beyond the rating\nProduct | Warranty\nPulse Watch S | 2 years"),
        ((title, "Repairs"), "Repairs take 7-10 business days."),
    ]


def test_docx_title_falls_back_to_first_heading_and_broken_docx_is_skipped(tmp_path: Path, write: Write) -> None:
    document = docx.Document()
    document.add_heading("发票说明", 1)
    document.add_paragraph("电子普通发票在确认收货后 48 小时内开具。")
    document.save(str(tmp_path / "invoice.docx"))
    write("broken.docx", b"PK\x03\x04 this is not really a zip file")
    result = load_paths([tmp_path])
    doc = by_id(result)["invoice.docx"]
    assert (doc.title, doc.lang, doc.blocks[0].heading_path) == ("发票说明", "zh", ("发票说明",))
    assert "not a readable .docx" in reasons(result)["broken.docx"]


def test_file_passed_directly_uses_its_name(tmp_path: Path, write: Write) -> None:
    path = write("deep/folder/refunds.md", "# Refunds\n\nText.\n")
    doc = load_paths([path]).documents[0]
    assert (doc.doc_id, doc.source) == ("refunds.md", "refunds.md")


# --- Walking folders --------------------------------------------------------------------------


def test_ignore_file_hidden_files_and_sorted_walk(tmp_path: Path, write: Write) -> None:
    write(".cs-copilot-ignore", "# not knowledge\nREADME.md\nquestions*.jsonl\ndrafts/*\n\narchive/\n")
    write("README.md", "# About this folder\n")
    write("questions.jsonl", '{"id": "q1", "question": "?"}\n')
    write("questions_unanswerable.jsonl", '{"id": "q2", "question": "?"}\n')
    write("drafts/new.md", "# Draft\n\nNot ready.\n")
    write("archive/old/2019.md", "# Old\n\nOld.\n")
    write(".git/config.md", "# hidden dir\n")
    write("kb/.DS_Store", b"\x00\x00\x00\x01Bud1")
    write("kb/~$draft.docx", b"lock")
    write("kb/b.md", "# B\n\nB text.\n")
    write("kb/a.md", "# A\n\nA text.\n")
    write("kb/sub/README.md", "# Nested readme\n\nAlso ignored by name.\n")
    write("z.txt", "Z title\nZ text.\n")
    result = load_paths([tmp_path])
    assert result.skipped == []
    assert [d.doc_id for d in result.documents] == ["kb/a.md", "kb/b.md", "z.txt"]


def test_unsupported_missing_and_empty_files(tmp_path: Path, write: Write) -> None:
    write("notes.xyz", "some text")
    write("sheet.xlsx", b"PK\x03\x04")
    write("empty.md", "")
    write("blank.txt", "  \n\t\n")
    write("ok.md", "# OK\n\nFine.\n")
    result = load_paths([tmp_path, tmp_path / "missing.md"])
    assert [d.doc_id for d in result.documents] == ["ok.md"]
    assert reasons(result) == {
        "notes.xyz": "unsupported file type .xyz",
        "sheet.xlsx": "unsupported file type .xlsx (export it as .csv)",
        "empty.md": "empty file",
        "blank.txt": "empty file",
        str(tmp_path / "missing.md"): "not found",
    }


def test_same_file_twice_is_loaded_once_and_cross_file_duplicates_are_reported(tmp_path: Path, write: Write) -> None:
    write("faq/a.csv", "id,question,answer\nfaq-1,Q one?,A one.\n")
    write("faq/b.jsonl", json.dumps({"id": "faq-1", "question": "Q again?", "answer": "A."}) + "\n")
    result = load_paths([tmp_path, tmp_path / "faq" / "a.csv"])
    assert [d.doc_id for d in result.documents] == ["faq-1"]
    assert result.documents[0].source == "faq/a.csv"
    assert reasons(result) == {"faq/b.jsonl": "duplicate id 'faq-1' (already loaded from faq/a.csv)"}


# --- Encodings --------------------------------------------------------------------------------


def test_gb18030_chinese_files_load(tmp_path: Path, write: Write) -> None:
    text = "明购隐私政策摘要\n我们只收集维护账号和完成订单所必需的信息：姓名、手机号、邮箱和收货地址。\n"
    write("privacy-gbk.txt", text.encode("gb18030"))
    faq = "id,question,answer\nfaq-9,运费险能赔多少钱？,最高赔付 12 元，72 小时内原路退回。\n"
    write("faq-gbk.csv", faq.encode("gb18030"))
    docs = by_id(load_paths([tmp_path]))
    assert docs["privacy-gbk.txt"].title == "明购隐私政策摘要"
    assert "手机号、邮箱和收货地址" in docs["privacy-gbk.txt"].text
    assert docs["faq-9"].title == "运费险能赔多少钱？"
    assert docs["faq-9"].lang == "zh"


def test_utf8_bom_and_utf16_files_load(tmp_path: Path, write: Write) -> None:
    write("bom.md", "\ufeff# 发票\n\n增值税专用发票 5 个工作日内开具。\n".encode())
    write("utf16.txt", "Invoices\r\nPDF invoices are on the order page.\r\n".encode("utf-16"))
    docs = by_id(load_paths([tmp_path]))
    assert docs["bom.md"].title == "发票"
    assert docs["utf16.txt"].title == "Invoices"
    assert docs["utf16.txt"].blocks[0].text == "PDF invoices are on the order page."


def test_undecodable_bytes_are_skipped(tmp_path: Path, write: Write) -> None:
    write("garbage.txt", b"\xff\xfe\x00garbage\x81\x82")
    write("random.md", bytes(random.Random(7).randrange(256) for _ in range(4096)))
    write("binary.csv", b"id,question,answer\x00\x00\x01\x02")
    write("latin1.md", "# Überblick\n\nÜbersicht über naïves Vorgehen\n".encode("latin-1"))  # valid GB18030 bytes
    result = load_paths([tmp_path])
    assert result.documents == []
    assert reasons(result) == {
        name: "unreadable encoding (not UTF-8/GB18030 text)"
        for name in ("garbage.txt", "random.md", "binary.csv", "latin1.md")
    }


# --- FAQ records ------------------------------------------------------------------------------


def test_faq_csv(tmp_path: Path, write: Write) -> None:
    write("faq/faq.csv", (
        "id,question,answer,category\n"
        "faq-001,How many days do I have to return an item?,\"7 days in China, 30 days abroad.\",refunds\n"
        "faq-002,七天无理由退货从哪天开始算？,从签收的第二天开始计算。,\n"
    ))
    docs = by_id(load_paths([tmp_path]))
    en, zh = docs["faq-001"], docs["faq-002"]
    assert (en.kind, en.source, en.title, en.lang) == ("faq", "faq/faq.csv", "How many days do I have to return an item?", "en")
    assert en.blocks[0].text == "How many days do I have to return an item?\n7 days in China, 30 days abroad."
    assert en.metadata == {
        "question": "How many days do I have to return an item?", "answer": "7 days in China, 30 days abroad.",
        "category": "refunds",
    }
    assert (zh.lang, zh.blocks[0].text) == ("zh", "七天无理由退货从哪天开始算？\n从签收的第二天开始计算。")


def test_faq_jsonl_with_long_answer_truncated_in_metadata(tmp_path: Path, write: Write) -> None:
    long_answer = "Refunds are issued after inspection. " * 100
    lines = [{"id": 7, "question": "When do I get my refund?", "answer": long_answer}]
    write("faq.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n")
    doc = load_paths([tmp_path]).documents[0]
    assert (doc.doc_id, doc.kind) == ("7", "faq")
    assert len(doc.metadata["answer"]) == 2000
    assert doc.blocks[0].text.endswith(long_answer.strip())


# --- Ticket records ---------------------------------------------------------------------------

TICKETS = [
    {
        "id": "T-2026-0001", "created_at": "2026-09-20T13:05:00+08:00", "customer_id": "C120559", "channel": "chat",
        "category": "refund", "subject": "无理由退货运费谁出", "text": "退货运费要我自己出吗？",
        "resolution": "说明无理由退货寄回运费由顾客承担，运费险已赔付。", "status": "resolved", "tags": ["运费险", "无理由退货"],
    },
    {
        "id": "T-2026-0002", "created_at": "2026-09-21", "customer_id": "C2", "channel": "email",
        "text": "My Aurora X2 left earbud does not charge anymore, even after cleaning the contacts carefully.",
        "resolution": "", "status": "open", "tags": "aurora-left-charge;warranty",
    },
]


def test_tickets_jsonl(tmp_path: Path, write: Write) -> None:
    write("resolutions/tickets.jsonl", "\n".join(json.dumps(t, ensure_ascii=False) for t in TICKETS) + "\n")
    docs = by_id(load_paths([tmp_path]))
    zh, en = docs["T-2026-0001"], docs["T-2026-0002"]
    assert (zh.kind, zh.title, zh.lang, zh.created_at) == ("ticket", "无理由退货运费谁出", "zh", "2026-09-20T13:05:00+08:00")
    assert [(b.heading_path, b.text) for b in zh.blocks] == [
        (("Customer",), "退货运费要我自己出吗？"), (("Resolution",), "说明无理由退货寄回运费由顾客承担，运费险已赔付。"),
    ]
    assert zh.metadata == {
        "customer_id": "C120559", "channel": "chat", "category": "refund", "status": "resolved",
        "subject": "无理由退货运费谁出", "resolution": "说明无理由退货寄回运费由顾客承担，运费险已赔付。",
        "tags": "运费险,无理由退货", "created_at": "2026-09-20T13:05:00+08:00",
    }
    assert en.title == "My Aurora X2 left earbud does not charge anymore, even after"  # first 60 characters
    assert [b.heading_path for b in en.blocks] == [("Customer",)]
    assert en.metadata["tags"] == "aurora-left-charge,warranty"
    assert "resolution" not in en.metadata and "subject" not in en.metadata
    for doc in docs.values():
        assert all(isinstance(v, (str, int, float, bool)) for v in doc.metadata.values())


def test_tickets_csv_with_column_map(tmp_path: Path, write: Write) -> None:
    write("zendesk.csv", (
        "Ticket ID,Created,Requester,Via,Title,Body,Solution,Status,Tags\n"
        "4501,2026-11-02,C9,web,PAY-5001 charged twice,\"I paid twice, order BC20261102-11111.\","
        "Duplicate refunded within 3 business days.,solved,\"[\"\"payment\"\", \"\"duplicate\"\"]\"\n"
        "4502,2026-11-03,C10,email,,Where is my parcel?,,open,shipping\n"
    ))
    column_map = {
        "id": "ticket id", "created_at": "Created", "customer_id": "Requester", "channel": "Via",
        "subject": "Title", "text": "Body", "resolution": "Solution", "status": "Status", "tags": "Tags",
    }
    for kind in ("auto", "tickets"):
        result = load_paths([tmp_path], kind=kind, column_map=column_map)
        assert result.skipped == []
        docs = by_id(result)
        assert docs["4501"].kind == "ticket"
        assert docs["4501"].title == "PAY-5001 charged twice"
        assert docs["4501"].metadata["tags"] == "payment,duplicate"
        assert docs["4501"].created_at == "2026-11-02"
        assert docs["4502"].title == "Where is my parcel?"
    # Without the map the file has no recognisable columns; the reason names what is missing.
    reason = reasons(load_paths([tmp_path]))["zendesk.csv"]
    assert "missing columns question, answer (FAQ) or text, resolution/subject (tickets)" in reason
    assert "Body" in reason  # the columns that were found, to help write a column map


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["a", " b ", "a"], ["a", "b"]),
        ("a,b", ["a", "b"]),
        ("a; b", ["a", "b"]),
        ('["运费险", "退货"]', ["运费险", "退货"]),
        ("refund late_delivery", ["refund", "late_delivery"]),
        ("单个标签", ["单个标签"]),
        ("", []),
        (None, []),
    ],
)
def test_parse_tags(raw: object, expected: list[str]) -> None:
    assert parse_tags(raw) == expected


# --- Malformed records ------------------------------------------------------------------------


def test_csv_missing_required_column_skips_whole_file(tmp_path: Path, write: Write) -> None:
    write("faq.csv", "id,question\nfaq-1,Where is my parcel?\n")
    result = load_paths([tmp_path], kind="faq")
    assert result.documents == []
    assert reasons(result) == {"faq.csv": "missing columns: answer"}
    result = load_paths([tmp_path], kind="faq", column_map={"answer": "reply"})
    assert reasons(result) == {"faq.csv": "missing columns: answer (column 'reply')"}


def test_forced_kind_mismatch(tmp_path: Path, write: Write) -> None:
    write("tickets.jsonl", json.dumps(TICKETS[0], ensure_ascii=False) + "\n")
    write("article.md", "# Article\n\nText.\n")
    assert reasons(load_paths([tmp_path], kind="faq")) == {
        "tickets.jsonl": "missing columns: question, answer",
        "article.md": "not a record format (kind faq takes .csv and .jsonl)",
    }
    result = load_paths([tmp_path], kind="kb")
    assert [d.doc_id for d in result.documents] == ["article.md"]
    assert reasons(result)["tickets.jsonl"].startswith("not an article format")


def test_jsonl_bad_lines_are_reported_and_the_rest_loads(tmp_path: Path, write: Write) -> None:
    lines = [
        json.dumps({"id": "f1", "question": "Q1?", "answer": "A1."}),
        '{"id": "f2", "question": "Q2?", "answer": ',  # cut off
        "",
        '["not", "an", "object"]',
        json.dumps({"id": "f3", "question": "Q3?", "answer": "A3."}),
        json.dumps({"id": "f1", "question": "Q1 again?", "answer": "A."}),
        json.dumps({"id": "", "question": "Q?", "answer": "A."}),
        json.dumps({"id": "f4", "question": "Q4?", "answer": "  "}),
        json.dumps({"id": "f5", "question": "  ", "answer": "A5."}),
    ]
    write("faq.jsonl", "\n".join(lines) + "\n")
    result = load_paths([tmp_path])
    assert [d.doc_id for d in result.documents] == ["f1", "f3", "f4"]  # f4: a question-only entry
    assert result.documents[2].text == "Q4?"
    why = reasons(result)
    assert why["faq.jsonl line 2"].startswith("invalid JSON")
    assert why["faq.jsonl line 4"] == "not a JSON object (got list)"
    assert why["faq.jsonl line 6"] == "duplicate id 'f1' (first at line 1)"
    assert why["faq.jsonl line 7"] == "empty id"
    assert why["faq.jsonl line 9"] == "f5: empty question"
    assert len(result.skipped) == 5


def test_csv_bad_rows_are_reported_with_spreadsheet_row_numbers(tmp_path: Path, write: Write) -> None:
    write("faq.csv", "id,question,answer\nfaq-1,Q1?,A1.\n,Q2?,A2.\nfaq-3,,A3.\nfaq-1,Q1 dup?,A.\nfaq-5,Q5?,A5.\n")
    result = load_paths([tmp_path])
    assert [d.doc_id for d in result.documents] == ["faq-1", "faq-5"]
    assert reasons(result) == {
        "faq.csv row 3": "empty id",
        "faq.csv row 4": "faq-3: empty question",
        "faq.csv row 5": "duplicate id 'faq-1' (first at row 2)",
    }


def test_every_bad_file_becomes_a_skip_never_an_exception(tmp_path: Path, write: Write) -> None:
    write("a.pdf", b"not a pdf at all")
    write("b.docx", b"")
    write("c.jsonl", "{broken\n")
    write("d.csv", "just one column\nvalue\n")
    write("e.html", "<html><body><script>only script</script></body></html>")
    write("f.md", "---\ntitle: Only front matter\n---\n")
    write("g.csv", "id,question,answer\n")
    result = load_paths([tmp_path])
    assert result.documents == []
    assert sorted(reasons(result)) == ["a.pdf", "b.docx", "c.jsonl line 1", "d.csv", "e.html", "f.md", "g.csv"]
    assert all(s.reason for s in result.skipped)


def test_invalid_arguments_raise(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        load_paths([tmp_path], kind="articles")
    with pytest.raises(ValueError, match="unknown field"):
        load_paths([tmp_path], column_map={"body": "text"})


def test_bundled_knowledge_folder_loads() -> None:
    knowledge = Path(__file__).resolve().parents[2] / "knowledge"
    if not knowledge.is_dir():
        pytest.skip("no knowledge/ folder")
    result = load_paths([knowledge])
    assert result.documents
    assert all(d.doc_id and d.title and d.blocks for d in result.documents)
