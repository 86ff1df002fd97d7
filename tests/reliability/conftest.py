"""Fixtures of the reliability suite: a fast container (hash embedder, embedded Chroma, SQLite) on a tiny
corpus, with admin, manager and agent users on both platforms."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reliability_kit import ADMINS, MANAGERS  # noqa: E402


@pytest.fixture(scope="module")
def fast_container(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from testkit import make_container, write_corpus

    from bot.retrieval.embedders import HashEmbeddings

    base = tmp_path_factory.mktemp("fast")
    write_corpus(base / "corpus")
    container = make_container(base / "data", HashEmbeddings(), slack_admin_ids=ADMINS["slack"],
                               feishu_admin_ids=ADMINS["feishu"], slack_manager_ids=MANAGERS["slack"],
                               feishu_manager_ids=MANAGERS["feishu"])
    report = container.ingestor().ingest([base / "corpus"])
    assert report.added and not report.skipped
    return container
