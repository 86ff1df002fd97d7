"""Incremental ingestion into a real Chroma (embedded, and a `chroma run` server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from testkit import ARTICLE_EN, make_container, write_corpus

@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    write_corpus(root)
    return root


@pytest.fixture()
def container(tmp_path: Path, embedder: Any) -> Any:
    return make_container(tmp_path / "data", embedder)


def doc_ids(container: Any) -> set[str]:
    return set(container.store().manifest())


def test_first_ingest_adds_every_document_and_its_chunks(container: Any, corpus: Path) -> None:
    report = container.ingestor().ingest([corpus])
    assert sorted(report.added) == sorted(["kb/return-shipping.md", "kb/退货运费.md", "faq-1", "faq-2", "T-1"])
    assert not report.skipped and report.chunks_embedded >= 5
    meta = container.store().manifest()["T-1"]
    assert meta["kind"] == "ticket" and meta["customer_id"] == "C000001" and "coupon" in meta["resolution"]
    assert meta["ts"] > 0 and meta["origin"] == str(corpus.resolve())
    heading = container.store().manifest()["kb/return-shipping.md"]["heading"]
    assert "Who pays return shipping?" in heading


def test_reingest_is_idempotent_and_embeds_nothing(container: Any, corpus: Path) -> None:
    container.ingestor().ingest([corpus])
    count = container.store().count()
    again = container.ingestor().ingest([corpus])
    assert again.chunks_embedded == 0 and not again.added and not again.updated and not again.removed
    assert len(again.unchanged) == 5 and container.store().count() == count


def test_changed_document_is_reembedded_and_its_old_chunks_removed(container: Any, corpus: Path) -> None:
    container.ingestor().ingest([corpus])
    path = corpus / "kb" / "return-shipping.md"
    path.write_text(ARTICLE_EN.replace("up to 12 yuan", "up to 15 yuan").split("## Quality problems")[0],
                    encoding="utf-8")
    report = container.ingestor().ingest([corpus])
    assert report.updated == ["kb/return-shipping.md"] and len(report.unchanged) == 4
    texts = [doc for _, doc, meta in container.store().iter_chunks() if meta["doc_id"] == "kb/return-shipping.md"]
    assert any("15 yuan" in t for t in texts)
    assert not any("12 yuan" in t or "defective" in t for t in texts)
    hits = container.retriever().search("defective item who pays shipping", k=5).hits
    assert all("defective" not in h.text for h in hits if h.doc_id == "kb/return-shipping.md")


def test_editing_one_section_reembeds_only_that_section(container: Any, corpus: Path) -> None:
    first = container.ingestor().ingest([corpus])
    path = corpus / "kb" / "退货运费.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n## 国际订单\n国际订单的退货标签费用为 7.95 美元。\n",
                    encoding="utf-8")
    report = container.ingestor().ingest([corpus])
    assert report.updated == ["kb/退货运费.md"]
    assert report.chunks_embedded == 1 and report.chunks_reused >= 2
    assert first.chunks_reused == 0
    hits = container.retriever().search("国际订单退货标签多少钱", k=1).hits
    assert hits[0].doc_id == "kb/退货运费.md" and "7.95" in hits[0].text


def test_deleted_file_and_record_are_removed(container: Any, corpus: Path) -> None:
    container.ingestor().ingest([corpus])
    (corpus / "kb" / "退货运费.md").unlink()
    faq = corpus / "faq.jsonl"
    faq.write_text(faq.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    report = container.ingestor().ingest([corpus])
    assert sorted(report.removed) == ["faq-2", "kb/退货运费.md"]
    assert doc_ids(container) == {"kb/return-shipping.md", "faq-1", "T-1"}
    assert not container.retriever().search("PAY-4031", k=5, mode="bm25").hits or all(
        h.doc_id != "faq-2" for h in container.retriever().search("PAY-4031", k=5).hits)


def test_malformed_files_are_skipped_and_reported_and_the_rest_ingested(container: Any, corpus: Path) -> None:
    (corpus / "empty.md").write_text("", encoding="utf-8")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (corpus / "latin1.txt").write_bytes(b"\xff\xfe\x00\x81\x82\x83garbage\x00\x00\xfe")
    (corpus / "bad.csv").write_text("id,question\nq1,only a question\n", encoding="utf-8")
    report = container.ingestor().ingest([corpus])
    skipped = {s.path.split("/")[-1]: s.reason for s in report.skipped}
    assert {"empty.md", "broken.pdf", "latin1.txt", "bad.csv"} <= set(skipped), skipped
    assert "answer" in skipped["bad.csv"]
    assert len(report.added) == 5


def test_a_file_that_fails_later_keeps_its_previous_documents(container: Any, corpus: Path) -> None:
    container.ingestor().ingest([corpus])
    (corpus / "faq.jsonl").write_bytes(b"\xff\xfe\x00\x81\x82garbage\x00\x00")
    report = container.ingestor().ingest([corpus])
    assert report.skipped and not report.removed
    assert {"faq-1", "faq-2"} <= doc_ids(container)


def test_two_folders_do_not_prune_each_other(container: Any, corpus: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "gift-cards.md").write_text("# Gift cards\n\nGift cards never expire.\n", encoding="utf-8")
    container.ingestor().ingest([corpus])
    report = container.ingestor().ingest([other])
    assert report.added == ["gift-cards.md"] and not report.removed
    assert "faq-1" in doc_ids(container)


def test_rebuild_starts_from_an_empty_collection(container: Any, corpus: Path) -> None:
    container.ingestor().ingest([corpus])
    report = container.ingestor().ingest([corpus], rebuild=True)
    assert len(report.added) == 5 and report.chunks_embedded > 0


@pytest.mark.chroma_server
def test_ingest_and_search_against_a_chroma_server(tmp_path: Path, embedder: Any, corpus: Path,
                                                   chroma_server: tuple[str, int]) -> None:
    host, port = chroma_server
    container = make_container(tmp_path / "data", embedder, chroma_host=host, chroma_port=port,
                               chroma_collection="pipeline-test")
    report = container.ingestor().ingest([corpus])
    assert len(report.added) == 5
    assert not (tmp_path / "data" / "chroma").exists()  # nothing went to the embedded store
    again = container.ingestor().ingest([corpus])
    assert again.chunks_embedded == 0 and len(again.unchanged) == 5
    hits = container.retriever().search("BC20261103-58217", k=3).hits
    assert hits[0].doc_id == "T-1"
    zh = container.retriever().search("质量问题退货谁付运费", k=3).hits
    assert zh[0].doc_id == "kb/退货运费.md"
