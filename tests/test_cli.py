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


def registered_names() -> list[str]:
    from bot.commands.registry import default_registry

    return [s.name for s in default_registry().all()]


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
    proc = run(["chat"], data, stdin="/help\n/ask 退货运费谁出？\n/frobnicate\n\n帮助\n/quit\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for name in registered_names():
        assert name in out  # /help lists each registered command
    assert "退货运费" in out and "/frobnicate" in out and "显示本帮助" in out
    assert "coming soon" not in out.lower()
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



# --- registry subcommands, input faults ----------------------------------------------------------------

def cli(args: list[str], data: Path) -> int:
    from bot.cli import main

    return main(["--data-dir", str(data), "--env-file", "/nonexistent", *args])


def test_ask_of_only_the_command_or_invisible_characters_is_the_empty_input_message(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot import messages

    empty = messages.text("empty_input", "en")
    for question in (["/ask"], ["/ask   "], ["\u200b\u200c\u2060"], ["\x01\x02", "\u200e"], ["/ask", "\ufeff"]):
        assert cli(["ask", *question], tmp_path / "d") == 1
        assert capsys.readouterr().out.strip() == empty, question
    assert cli(["ask", "/ask", "--json"], tmp_path / "d") == 1
    assert json.loads(capsys.readouterr().out) == {"error": empty}


def test_help_and_manifest_subcommands_come_from_the_registry(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    assert cli(["help", "--json"], tmp_path / "d") == 0
    assert json.loads(capsys.readouterr().out)["commands"] == registered_names()
    assert cli(["help"], tmp_path / "d") == 0
    out = capsys.readouterr().out
    assert all(name in out for name in registered_names()) and "*" not in out
    assert cli(["manifest", "--host", "bot.example.com"], tmp_path / "d") == 0
    manifest = yaml.safe_load(capsys.readouterr().out)
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert set(registered_names()) <= set(commands)
    assert manifest["settings"]["event_subscriptions"]["request_url"] == "https://bot.example.com/slack/events"


def test_db_upgrade_prints_the_revision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["db", "upgrade"], tmp_path / "d") == 0
    revision = capsys.readouterr().out.strip()
    assert revision and " " not in revision
    assert (tmp_path / "d" / "state.db").exists()
    assert cli(["db", "upgrade"], tmp_path / "d") == 0  # idempotent
    assert capsys.readouterr().out.strip() == revision


def test_ask_batch_reads_jsonl_and_survives_bad_lines(ingested: tuple[Path, Path]) -> None:
    _, data = ingested
    stdin = "\n".join([
        json.dumps({"id": "q1", "text": "退货运费谁出？"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "q3", "question": "wrong field"}),
        json.dumps(["a list"]),
        "",
        json.dumps({"id": 5, "text": "How long do refunds take?"}),
        json.dumps({"id": "q6", "text": "\u200b"}),
    ]) + "\n"
    proc = run(["ask", "--json"], data, stdin=stdin)
    assert "Traceback" not in proc.stderr
    lines = [json.loads(x) for x in proc.stdout.strip().splitlines()]
    assert [x["id"] for x in lines] == ["q1", 2, "q3", 4, 5, "q6"]
    assert lines[0]["grounded"] is True and lines[0]["citations"][0]["doc_id"] == "kb/退货运费.md"
    assert set(lines[0]) == {"id", "answer", "citations", "grounded"}
    assert all("error" in lines[i] for i in (1, 2, 3, 5)) and "error" not in lines[4]
    assert lines[4]["citations"][0]["doc_id"] == "faq-1"
    assert proc.returncode == 1


def test_ask_with_undecodable_argument_bytes_answers_the_rest(ingested: tuple[Path, Path]) -> None:
    _, data = ingested
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FEISHU_", "LLM_", "CHROMA_",
                                                                        "EMBEDD", "DATABASE_URL", "LC_", "LANG",
                                                                        "PYTHONUTF8", "PYTHONIOENCODING"))}
    for locale in ("C.UTF-8", "C"):
        proc = subprocess.run(
            [sys.executable, "-m", "bot.cli", "--data-dir", str(data), "--env-file", "/nonexistent",
             "ask", b"\xff\xfe How long do refunds take?", "--json"],
            capture_output=True, timeout=180, cwd=ROOT, env={**clean, "LC_ALL": locale},
        )
        assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
        out = json.loads(proc.stdout.decode("utf-8"))
        assert out["grounded"] is True and out["citations"][0]["doc_id"] == "faq-1"
        assert b"Traceback" not in proc.stderr


@pytest.mark.parametrize("io_env", [{"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8:strict"},  # strict decoding
                                    {"LC_ALL": "C.UTF-8"}])  # Python's default there: surrogate escapes
def test_chat_survives_a_bad_byte_under_a_strict_utf8_locale(ingested: tuple[Path, Path],
                                                             io_env: dict[str, str]) -> None:
    _, data = ingested
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FEISHU_", "LLM_", "CHROMA_",
                                                                        "EMBEDD", "DATABASE_URL", "LC_", "LANG",
                                                                        "PYTHONUTF8", "PYTHONIOENCODING"))}
    stdin = "/help\n".encode() + b"\xff\xfe\xc3\n" + "退货运费谁出？\n/frobnicate\n/quit\n".encode()
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--data-dir", str(data), "--env-file", "/nonexistent", "chat"],
        input=stdin, capture_output=True, timeout=180, cwd=ROOT,
        env={**clean, "PYTHONUTF8": "0", **io_env},
    )
    out = proc.stdout.decode("utf-8")
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert all(name in out for name in registered_names())  # the line before the bad byte was answered
    assert "Please type a question" in out  # the bad line alone: nothing left to ask
    assert "退货运费" in out and "[1]" in out and "/frobnicate" in out  # the session went on


def test_terminal_chat_renders_every_reply_kind(tmp_path: Path) -> None:
    import io

    from bot.commands.base import CommandContext, CommandSpec, ParsedArgs
    from bot.commands.registry import Registry, default_registry
    from bot.config import load_settings
    from bot.models import Attachment, Button, Form, FormField, Reply, Report, Section, Table
    from bot.router import CommandRouter
    from bot.terminal import chat_loop

    png = b"\x89PNG\r\n\x1a\n" + bytes(range(40))

    def report(ctx: CommandContext, args: ParsedArgs) -> Reply:
        rep = Report(title="Complaints this week", summary="Refund delays lead.",
                     sections=[Section("Courier backlog since Monday.", "Likely cause")],
                     table=Table(columns=["reason", "count"], rows=[["退款慢", "12"], ["late parcel", "7"]]),
                     images=[Attachment("trend.png", png, mime="image/png", title="Trend")],
                     files=[Attachment("rows.csv", b"reason,count\n", mime="text/csv")])
        return Reply(text="Refund delays lead.", kind="report", report=rep,
                     buttons=[Button("more", "Show more"), Button("export", "Export")])

    def form(ctx: CommandContext, args: ParsedArgs) -> Reply:
        return Reply(text="", kind="form", form=Form(command="/f", form_id="x", title="New request", fields=(
            FormField("kind", "Kind", kind="select", options=(("bug", "Bug"), ("idea", "Idea"))),)))

    registry = Registry([*default_registry().all(),
                         CommandSpec(name="/report", help={"en": "r", "zh": "r"}, handler=report),
                         CommandSpec(name="/f", help={"en": "f", "zh": "f"}, handler=form)])

    class Services:
        settings = load_settings(data_dir=tmp_path / "d", env_file=None)

    out = io.StringIO()
    assert chat_loop(CommandRouter(registry, Services()), stdin=io.StringIO("/report\n/f\n/quit\n"), stdout=out,
                     out_dir=tmp_path / "outbox") == 0
    text = out.getvalue()
    assert "Complaints this week" in text and "Likely cause" in text and "Courier backlog" in text
    assert text.count("Refund delays lead.") == 1
    table = [line for line in text.splitlines() if line.startswith(("reason", "退款慢", "late parcel"))]
    from bot.outbound.render import display_width

    second_column = {display_width(line[: len(line) - len(line.split()[-1])]) for line in table}
    assert len(table) == 3 and len(second_column) == 1  # aligned in display columns (Chinese cells are wide)
    saved = sorted(p.name for p in (tmp_path / "outbox").iterdir())
    assert saved == ["rows.csv", "trend.png"]
    assert (tmp_path / "outbox" / "trend.png").read_bytes() == png
    assert str(tmp_path / "outbox" / "trend.png") in text
    assert "(1) Show more" in text and "(2) Export" in text
    assert "New request" in text and "Kind [Bug | Idea]" in text
