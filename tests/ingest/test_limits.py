"""Symlink loops are one skipped file; oversized documents are skipped with the setting to raise; progress
lines off a terminal."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from testkit import ARTICLE_EN, make_container

from bot.cli import main
from bot.ingest.progress import Progress
from bot.retrieval.embedders import HashEmbeddings


@pytest.fixture()
def hash_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMBEDDER", "hash")


@pytest.mark.usefixtures("hash_env")
def test_a_symlink_loop_is_skipped_and_the_rest_ingested(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "a.md").write_text(ARTICLE_EN, encoding="utf-8")
    os.symlink("loop-b.md", folder / "loop-a.md")
    os.symlink("loop-a.md", folder / "loop-b.md")
    os.symlink("self", folder / "self")
    rc = main(["--data-dir", str(tmp_path / "data"), "--env-file", str(tmp_path / "none.env"), "ingest", str(folder), "--json"])
    out = capsys.readouterr()
    assert rc == 0 and "Traceback" not in out.err
    import json

    report = json.loads(out.out)
    assert report["added"] == 1
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}
    assert set(reasons) == {"loop-a.md", "loop-b.md", "self"}
    assert all("symlink loop" in r for r in reasons.values())


@pytest.mark.usefixtures("hash_env")
def test_a_symlink_loop_given_directly_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.symlink("x.md", tmp_path / "x.md")
    rc = main(["--data-dir", str(tmp_path / "data"), "--env-file", str(tmp_path / "none.env"), "ingest", str(tmp_path / "x.md")])
    err = capsys.readouterr().err
    assert rc == 1 and "symlink loop" in err and "Traceback" not in err


@pytest.fixture()
def container(tmp_path: Path) -> Any:
    return make_container(tmp_path / "data", HashEmbeddings(), ingest_max_document_mb=0.05,
                          ingest_max_chunks_per_document=40, chunk_max_tokens=64)


def test_a_document_over_the_size_limit_is_skipped_with_the_setting(container: Any, tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "ok.md").write_text(ARTICLE_EN, encoding="utf-8")
    (folder / "huge.txt").write_text("Refunds are processed quickly. " * 2500, encoding="utf-8")  # ~75 KB
    report = container.ingestor().ingest([folder])
    assert report.added == ["ok.md"]
    (skip,) = report.skipped
    assert skip.path == "huge.txt" and "INGEST_MAX_DOCUMENT_MB" in skip.reason and "0.05 MB" in skip.reason
    assert set(container.store().manifest()) == {"ok.md"}


def test_a_document_over_the_chunk_limit_is_skipped_with_the_setting(container: Any, tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    sentences = " ".join(f"Rule {i}: parcel {i} ships from warehouse {i % 7} within {i % 5 + 1} days." for i in range(300))
    (folder / "long.md").write_text(f"# Long\n\n{sentences}\n", encoding="utf-8")  # < 0.05 MB, > 40 chunks
    (folder / "ok.md").write_text(ARTICLE_EN, encoding="utf-8")
    report = container.ingestor().ingest([folder])
    assert report.added == ["ok.md"]
    (skip,) = report.skipped
    assert skip.path == "long.md" and "INGEST_MAX_CHUNKS_PER_DOCUMENT" in skip.reason and "limit is 40" in skip.reason


def test_the_limits_are_settings_with_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import load_settings
    from bot.container import Container

    monkeypatch.setenv("INGEST_MAX_CHUNKS_PER_DOCUMENT", "7")
    settings = load_settings(data_dir=tmp_path, env_file=None)
    assert settings.ingest_max_document_mb == 10.0 and settings.ingest_max_chunks_per_document == 7
    assert Container(settings, embedder=HashEmbeddings()).ingestor().max_chunks_per_document == 7


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_lines_off_a_terminal() -> None:
    stream, clock = io.StringIO(), FakeClock()
    meter = Progress(1000, 10, show=None, interval=10.0, stream=stream, clock=clock)
    clock.now = 5.0
    meter.update(100, 1)
    assert stream.getvalue() == ""  # not yet: one line per interval
    clock.now = 10.0
    meter.update(100, 1)
    clock.now = 20.0
    meter.update(200, 3)
    lines = stream.getvalue().splitlines()
    assert lines == [
        "ingest: 2/10 documents, 200/1000 chunks, 20.0 chunks/s, about 40 s left",
        "ingest: 5/10 documents, 400/1000 chunks, 20.0 chunks/s, about 30 s left",
    ]
    assert Progress(10, 1, show=False, stream=io.StringIO(), clock=clock)._lines is False


def test_ingest_prints_progress_lines_to_a_non_terminal_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    for i in range(4):
        (folder / f"a{i}.md").write_text(ARTICLE_EN.replace("12 yuan", f"{i} yuan") * 20, encoding="utf-8")
    container = make_container(tmp_path / "data", HashEmbeddings(), ingest_progress_seconds=0.001,
                               chunk_max_tokens=32)
    report = container.ingestor().ingest([folder])
    err = capsys.readouterr().err
    assert report.chunks_embedded > 64
    lines = [ln for ln in err.splitlines() if ln.startswith("ingest: ")]
    assert lines and "chunks/s" in lines[-1] and "left" in lines[-1]
