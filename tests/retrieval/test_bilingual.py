"""Cross-language lexical search: dictionary translation (CC-CEDICT) and its list in the fusion, on a real
embedded Chroma + BM25 over a knowledge base that holds each article in one language only."""

from __future__ import annotations

from typing import Any

import pytest
from testkit import make_container

from bot.retrieval.bilingual import Dictionary, Translator, cedict


def _vocab(*words: str) -> Any:
    allowed = set(words)
    return lambda t: t in allowed


def test_chinese_terms_become_english_index_tokens() -> None:
    tr = Translator()
    out = tr.to_other_language("客户想退款，发票怎么开？", "zh", _vocab("refund", "refunds", "invoice", "receipt"))
    assert {"refund", "invoice"} <= set(out)
    assert "receipt" in out or "refunds" in out  # other senses / inflections that the index holds


def test_english_terms_become_chinese_index_tokens() -> None:
    tr = Translator()
    out = tr.to_other_language("how long does the refund take? customer also wants an invoice", "en",
                               _vocab("退款", "发票", "悠久"))
    assert "退款" in out and "发票" in out


def test_only_tokens_the_index_holds_are_kept() -> None:
    tr = Translator()
    assert tr.to_other_language("退款", "zh", _vocab()) == []
    assert tr.to_other_language("refund please", "en", _vocab("invoice")) == []


def test_a_dictionary_can_be_handed_in() -> None:
    d = Dictionary()
    d.add("运费险", ["return shipping insurance"])
    d.finish()
    tr = Translator(lambda: d)
    assert tr.to_other_language("return shipping insurance?", "en", _vocab("运费险")) == ["运费险"]
    assert "insurance" in tr.to_other_language("运费险怎么赔", "zh", _vocab("insurance"))


def test_cedict_loads_once() -> None:
    assert cedict() is cedict()
    assert "refund" in cedict().zh_en["退款"]


@pytest.fixture(scope="module")
def mixed_container(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Any:
    """English articles only about invoices and refunds, Chinese articles about other things."""
    root = tmp_path_factory.mktemp("mixed")
    (root / "en").mkdir()
    (root / "zh").mkdir()
    (root / "en" / "invoices.md").write_text(
        "# Invoices\n\nA VAT invoice can be requested in the order page within 90 days of delivery. Company "
        "invoices need the tax number.\n", encoding="utf-8")
    (root / "en" / "refunds.md").write_text(
        "# Refund timeline\n\nA refund to a bank card arrives within 3-7 working days after the return is "
        "received.\n", encoding="utf-8")
    (root / "zh" / "delivery.md").write_text(
        "# 配送时效\n\n大城市标准配送2-4天，偏远地区5-7天。包裹可以在App里查询物流。\n", encoding="utf-8")
    (root / "zh" / "password.md").write_text(
        "# 重置密码\n\n在登录页点击忘记密码，通过手机验证码重置密码。\n", encoding="utf-8")
    (root / "zh" / "points.md").write_text(
        "# 积分规则\n\n每消费1元得1积分，积分有效期为一年。\n", encoding="utf-8")
    container = make_container(root / "data", embedder)
    container.ingestor().ingest([root])
    return container


def test_chinese_question_reaches_the_english_article_through_the_translated_list(mixed_container: Any) -> None:
    retriever = mixed_container.retriever()
    assert retriever.translator is not None
    cross = retriever._cross_lexical("客户要开发票，怎么申请？", _filters(), 50)
    assert next(iter(cross)) == "en/invoices.md"
    hits = retriever.search("客户要开发票，怎么申请？", k=3).hits
    assert hits[0].doc_id == "en/invoices.md"


def test_english_question_reaches_the_chinese_article(mixed_container: Any) -> None:
    retriever = mixed_container.retriever()
    cross = retriever._cross_lexical("customer forgot the password, how to reset it", _filters(), 50)
    assert next(iter(cross)) == "zh/password.md"


def _filters() -> Any:
    from bot.retrieval.search import Filters

    return Filters()


def test_both_language_versions_of_an_article_show_once_in_the_askers_language() -> None:
    from bot.retrieval.bilingual import collapse_translations, translation_key
    from bot.retrieval.search import Hit

    def hit(doc_id: str, lang: str, score: float) -> Hit:
        return Hit(doc_id=doc_id, kind="kb", title=doc_id, source=doc_id, score=score, chunk_id=doc_id + "#0",
                   metadata={"lang": lang})

    hits = [hit("kb/zh/returns.md", "zh", 0.9), hit("faq-1", "en", 0.8), hit("kb/en/returns.md", "en", 0.7),
            hit("kb/en/points.md", "en", 0.6)]
    out = collapse_translations(hits, "en")
    assert [h.doc_id for h in out] == ["kb/en/returns.md", "faq-1", "kb/en/points.md"]
    assert out[0].score == 0.9  # the better rank of the two
    assert [h.doc_id for h in collapse_translations(hits, "zh")][:2] == ["kb/zh/returns.md", "faq-1"]
    assert translation_key("faq-1") is None and translation_key("kb/zh/a.md") == translation_key("kb/en/a.md")
