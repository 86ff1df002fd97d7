"""/rootcause end to end through the real parts: a ticket export ingested into embedded Chroma, the ticket
rows in SQLite, the command's handler reading both (vectors are read back, not recomputed)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot import messages
from bot.commands.base import CommandContext, Role, parse_args
from bot.commands.rootcause import COMMAND, run, save_scripts, script_records
from bot.ingest.records import load_records
from bot.models import IncomingMessage, Reply
from bot.storage.tickets import sync_tickets

NOW = datetime(2026, 3, 15)


@pytest.fixture(scope="module")
def container(tmp_path_factory: pytest.TempPathFactory, embedder: Any, gen: Any) -> Any:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from testkit import make_container

    rows = gen.generate(seed=3, scale=0.5)
    data = tmp_path_factory.mktemp("rootcause")
    export = data / "tickets.jsonl"
    export.write_text("".join(json.dumps({
        "id": r["id"], "created_at": r["created_at"], "customer_id": "C1", "channel": "chat",
        "category": r["category"], "subject": "", "text": r["text"], "resolution": r["resolution"],
        "status": "closed" if r["resolution"] else "open", "tags": "",
    }, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    box = make_container(data / "home", embedder)
    report = box.ingestor().ingest([export])
    assert report.added and not report.skipped
    documents, skipped = load_records(export.read_text(encoding="utf-8"), "jsonl", "tickets.jsonl", "ticket", {})
    assert not skipped
    sync_tickets(box.state().tickets, documents, "tickets.jsonl")
    box.rows = rows
    return box


def call(container: Any, text: str, lang: str = "en") -> Reply:
    msg = IncomingMessage(text=f"/rootcause {text}", platform="cli")
    ctx = CommandContext(message=msg, language=lang, role=Role.MANAGER, services=container)
    return run(ctx, parse_args(COMMAND, text), now=NOW)


def test_spec() -> None:
    assert COMMAND.name == "/rootcause" and {"根因", "投诉分析"} <= set(COMMAND.aliases)
    assert COMMAND.slow and COMMAND.role == Role.MANAGER
    assert {o.flag for o in COMMAND.options} == {"--since", "--until", "--top"}
    from bot.commands.registry import default_registry

    assert default_registry().get("根因") is COMMAND


def test_report_from_stored_tickets_and_vectors(container: Any) -> None:
    reply = call(container, "--since 7d --top 3")
    assert reply.kind == "report" and reply.report is not None, reply.text
    data = reply.data
    current = [r for r in container.rows if r["created_at"] >= "2026-03-08"]
    assert data["total"] == len(current)
    assert len(data["reasons"]) == 3 and data["other"]["count"] > 0
    report = reply.report
    assert len(report.sections) == 3 and report.table is not None and len(report.table.rows) == 4  # + other
    assert report.images and report.images[0].content.startswith(b"\x89PNG")
    files = {f.filename: f for f in report.files}
    table = list(csv.reader(io.StringIO(files["rootcause.csv"].content.decode("utf-8-sig"))))
    assert table[0][:2] == ["ticket_id", "reason"] and len(table) - 1 == data["total"]
    md = files["rootcause.md"].content.decode("utf-8")
    assert md.startswith("# ") and data["reasons"][0]["label"] in md
    assert data["reasons"][0]["scripts"][0] in md
    assert all(s.strip() for r in data["reasons"] for s in r["scripts"])


def test_chinese_asker_gets_a_chinese_report(container: Any) -> None:
    reply = call(container, "--since 2026-03-08 --until 2026-03-14 --top 2", lang="zh")
    assert reply.kind == "report" and reply.report is not None
    assert "投诉" in reply.report.summary
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r["label"]) for r in reply.data["reasons"])


def test_keyword_narrows_the_tickets(container: Any) -> None:
    everything = call(container, "--since 7d")
    narrowed = call(container, "refund --since 7d")
    assert narrowed.kind == "report"
    assert 0 < narrowed.data["total"] < everything.data["total"]
    ids = {r["id"]: r["reason"] for r in container.rows}
    hits = [ids[t] for r in narrowed.data["reasons"] for t in r["ticket_ids"]] + \
        [ids[t] for t in narrowed.data["other"]["ticket_ids"]]
    assert max(set(hits), key=hits.count) == "refund_delay"


@pytest.mark.parametrize("text,key", [
    ("--since yesterdayish", "rootcause_bad_date"),
    ("--top 0", "rootcause_bad_top"),
    ("--top many", "rootcause_bad_top"),
    ("--since 2026-03-10 --until 2026-03-01", "rootcause_bad_range"),
])
def test_bad_input_gets_a_friendly_reply(container: Any, text: str, key: str) -> None:
    for lang in ("en", "zh"):
        reply = call(container, text, lang)
        assert reply.kind == "error"
        prefix = messages.text(key, lang).split("{")[0][:6]
        assert reply.text.startswith(prefix) or prefix in reply.text, reply.text


def test_empty_window_says_so(container: Any) -> None:
    reply = call(container, "--since 2020-01-01 --until 2020-01-31")
    assert reply.kind == "info" and "2020-01-01" in reply.text and reply.report is None


def test_save_scripts_boundary(container: Any) -> None:
    from bot.analytics.rootcause import RootCauseResult

    class Repo:
        def __init__(self) -> None:
            self.saved: list[dict[str, Any]] = []

        def add_many(self, records: list[dict[str, Any]]) -> int:
            self.saved += records
            return len(records)

    reply = call(container, "--since 7d --top 2")
    result = RootCauseResult(total=0, since=None, until=None, language="en", reasons=[], other_ids=[])
    assert save_scripts(container.state(), result) == 0  # no scripts table yet: nothing stored

    class State:
        scripts = Repo()

    from bot.analytics.rootcause import Reason

    reasons = [Reason(label=r["label"], count=r["count"], share=r["share"], previous_count=r["previous_count"],
                      spike=r["spike"], dimension=r["dimension"], ticket_ids=r["ticket_ids"], examples=r["examples"],
                      key_terms=r["key_terms"], evidence=r["evidence"], categories=r["categories"],
                      resolutions=r["resolutions"], interventions=r["interventions"], scripts=r["scripts"])
               for r in reply.data["reasons"]]
    result.reasons = reasons
    n = save_scripts(State(), result)
    assert n == sum(len(r.scripts) for r in reasons) == len(script_records(result)) > 0
