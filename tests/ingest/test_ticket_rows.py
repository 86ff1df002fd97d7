"""Ticket records are also rows of the tickets table (bot.storage), kept in step by every ingest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from testkit import make_container

from bot.retrieval.embedders import HashEmbeddings


def ticket(i: int, text: str = "") -> dict[str, Any]:
    return {"id": f"T-{i}", "created_at": f"2026-11-{i:02d}T10:00:00+08:00", "customer_id": f"C{i:06d}",
            "channel": "chat", "category": "shipping", "subject": f"Parcel {i} late",
            "text": text or f"My parcel {i} is late.", "resolution": "Escalated to the courier.", "status": "resolved"}


def write_tickets(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_reingest_adds_updates_and_deletes_ticket_rows(tmp_path: Path, backend: str, request: Any) -> None:
    overrides: dict[str, Any] = {}
    if backend == "postgresql":
        overrides["database_url"] = request.getfixturevalue("pg_url")
    container = make_container(tmp_path / "data", HashEmbeddings(), **overrides)
    repo = container.state().tickets
    repo.delete(f"T-{i}" for i in range(1, 10))
    corpus = tmp_path / "corpus"
    write_tickets(corpus / "tickets.jsonl", [ticket(1), ticket(2), ticket(3)])
    write_tickets(corpus / "more" / "tickets.jsonl", [ticket(4)])
    (corpus / "faq.jsonl").write_text(json.dumps({"id": "faq-1", "question": "Q?", "answer": "A."}) + "\n",
                                      encoding="utf-8")
    first = container.ingestor().ingest([corpus])
    assert first.ticket_rows_written == 4
    rows = {r.id: r for r in repo.get(["T-1", "T-2", "T-3", "T-4", "faq-1"])}
    assert set(rows) == {"T-1", "T-2", "T-3", "T-4"}
    assert rows["T-1"].customer_id == "C000001" and rows["T-4"].source.endswith("more/tickets.jsonl")

    write_tickets(corpus / "tickets.jsonl", [ticket(1), ticket(2, "Parcel 2 arrived damaged.")])  # T-3 gone
    second = container.ingestor().ingest([corpus])
    assert second.updated == ["T-2"] and second.removed == ["T-3"]
    assert second.ticket_rows_written == 1 and second.ticket_rows_deleted == 1
    assert [r.id for r in repo.get(["T-1", "T-2", "T-3", "T-4"])] == ["T-1", "T-2", "T-4"]
    assert repo.get(["T-2"])[0].text == "Parcel 2 arrived damaged."

    (corpus / "more" / "tickets.jsonl").unlink()  # a whole file gone: its rows go too
    third = container.ingestor().ingest([corpus])
    assert third.removed == ["T-4"] and third.ticket_rows_deleted == 1
    assert [r.id for r in repo.get(["T-1", "T-2", "T-4"])] == ["T-1", "T-2"]

    (corpus / "tickets.jsonl").write_bytes(b"\xff\xfe\x00broken")  # a file that fails to load keeps its rows
    fourth = container.ingestor().ingest([corpus])
    assert fourth.skipped and not fourth.removed and fourth.ticket_rows_deleted == 0
    assert [r.id for r in repo.get(["T-1", "T-2"])] == ["T-1", "T-2"]
