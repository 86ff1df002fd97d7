"""The `cs-copilot` command line, run as a real subprocess: JSON on stdout only, friendly errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from testkit import free_port, write_corpus

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], data: Path, stdin: str = "", env: dict[str, str] | None = None,
        timeout: float = 180) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SLACK_", "FEISHU_", "LLM_", "CHROMA_", "EMBEDD", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "--data-dir", str(data), "--env-file", "/nonexistent", *args],
        input=stdin, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env={**clean, **(env or {})},
    )


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cli")
    corpus = root / "corpus"
    write_corpus(corpus)
    (corpus / "broken.csv").write_text("id,question\nx,y\n", encoding="utf-8")
    data = root / "data"
    proc = run(["ingest", str(corpus), "--json"], data)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["added"] == 5 and report["skipped"][0]["path"].endswith("broken.csv")
    return corpus, data


def test_ingest_json_is_the_only_stdout_and_rerun_is_incremental(ingested: tuple[Path, Path]) -> None:
    corpus, data = ingested
    proc = run(["ingest", str(corpus), "--json"], data)
    assert proc.returncode == 0
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert report["unchanged"] == 5 and report["added"] == 0 and report["chunks_embedded"] == 0


def test_search_with_a_query_prints_one_json_object(ingested: tuple[Path, Path]) -> None:
    _, data = ingested
    proc = run(["search", "PAY-4031 是什么错误", "--k", "2", "--json"], data)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["query"] == "PAY-4031 是什么错误"
    assert out["hits"][0]["doc_id"] == "faq-2"
    assert set(out["hits"][0]) == {"doc_id", "kind", "title", "source", "score"}
    assert len(out["hits"]) == 2


def test_search_reads_queries_from_stdin(ingested: tuple[Path, Path]) -> None:
    _, data = ingested
    proc = run(["search", "--json", "--k", "3", "--kind", "ticket"], data,
               stdin="BC20261103-58217\n\nwho pays return shipping\n")
    lines = [json.loads(x) for x in proc.stdout.strip().splitlines()]
    assert [x["query"] for x in lines] == ["BC20261103-58217", "who pays return shipping"]
    assert lines[0]["hits"][0]["doc_id"] == "T-1"
    assert all(h["kind"] == "ticket" for x in lines for h in x["hits"])


def test_ask_json(ingested: tuple[Path, Path]) -> None:
    _, data = ingested
    proc = run(["ask", "退货运费谁出？", "--json"], data)
    out = json.loads(proc.stdout)
    assert set(out) == {"answer", "citations", "grounded"}
    assert out["grounded"] is True and out["citations"][0]["doc_id"] == "kb/退货运费.md"
    assert set(out["citations"][0]) == {"doc_id", "title", "source", "quote"}
    assert "[1]" in out["answer"]


def test_ask_json_unanswerable(ingested: tuple[Path, Path]) -> None:
    _, data = ingested
    out = json.loads(run(["ask", "What is the capital of Australia?", "--json"], data).stdout)
    assert out["grounded"] is False and out["citations"] == []


def test_ask_through_a_model_server_that_times_out_falls_back(ingested: tuple[Path, Path]) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "answer"))
    from openai_stub import OpenAIStub

    _, data = ingested
    with OpenAIStub(reply="late [1]", delay=5) as stub:
        env = {"LLM_PROVIDER": "openai", "LLM_BASE_URL": stub.url, "LLM_API_KEY": "sk-cli-test-secret-value",
               "LLM_TIMEOUT_SECONDS": "1"}
        proc = run(["ask", "Who pays return shipping for a defective item?"], data, env=env)
    assert proc.returncode == 0
    assert "language model didn't answer in time" in proc.stdout and "[1]" in proc.stdout
    assert "sk-cli-test-secret-value" not in proc.stdout + proc.stderr


def test_chat_goes_through_the_router(ingested: tuple[Path, Path]) -> None:
    _, data = ingested
    proc = run(["chat"], data, stdin="/help\n/ask 退货运费谁出？\n/frobnicate\n\n/quit\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "/rootcause" in out and "退货运费" in out and "/frobnicate" in out and "/ask" in out
    assert "Traceback" not in out + proc.stderr


def test_eval_prints_metrics(ingested: tuple[Path, Path], tmp_path: Path) -> None:
    _, data = ingested
    kb = tmp_path / "kb.jsonl"
    kb.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "question": "How do I reset my password?", "answer": "Use the forgot password link."},
        {"id": "b", "question": "How long does delivery take?", "answer": "Two to four days."},
        {"id": "c", "question": "Can I pay with a gift card?", "answer": "Yes, at checkout."},
    ]) + "\n", encoding="utf-8")
    queries = tmp_path / "q.jsonl"
    queries.write_text("\n".join(json.dumps(r) for r in [
        {"qid": "1", "query": "forgot my password", "relevant_ids": ["a"]},
        {"qid": "2", "query": "when will my parcel arrive", "relevant_ids": ["b"]},
    ]) + "\n", encoding="utf-8")
    proc = run(["eval", "--kb", str(kb), "--queries", str(queries), "--mode", "all", "--json"], data)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(x) for x in proc.stdout.strip().splitlines()]
    assert [r["mode"] for r in rows] == ["dense", "bm25", "hybrid"]
    dense = rows[0]
    assert dense["recall@1"] == 1.0 and dense["mrr"] == 1.0 and dense["queries"] == 2


def test_unreachable_chroma_server_is_a_friendly_error(tmp_path: Path) -> None:
    env = {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(free_port())}
    proc = run(["search", "refund", "--json"], tmp_path / "d", env=env)
    assert proc.returncode == 2
    assert "unreachable" in json.loads(proc.stdout)["error"]
    assert "Traceback" not in proc.stderr


def test_invalid_settings_are_explained(tmp_path: Path) -> None:
    proc = run(["search", "x"], tmp_path / "d", env={"LLM_PROVIDER": "martian"})
    assert proc.returncode == 2 and "LLM_PROVIDER" in proc.stderr and "Traceback" not in proc.stderr


def test_ingest_of_a_missing_path_says_so(tmp_path: Path) -> None:
    proc = run(["ingest", str(tmp_path / "nope")], tmp_path / "d")
    assert proc.returncode == 1 and "not found" in proc.stderr

