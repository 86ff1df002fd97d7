"""Tickets as rows: from ingested ticket records to SQL filters, incremental sync, and 100k rows."""

from __future__ import annotations

import tracemalloc
from datetime import date, datetime
from typing import Iterator

import pytest

from bot.ingest.records import load_records
from bot.storage.db import Database, StateStore
from bot.storage.tickets import TicketRow, TicketsRepository, sync_tickets

EXPORT = "\n".join([
    '{"id": "T-1", "created_at": "2024-05-01T09:30:00+08:00", "customer_id": "C9", "channel": "email", '
    '"category": "returns", "subject": "Return shipping fee", "text": "Who pays RETURN shipping?", '
    '"resolution": "The customer pays unless the item is faulty.", "status": "closed"}',
    '{"id": "T-2", "created_at": "2024-05-03", "customer_id": "C9", "channel": "chat", "category": "shipping", '
    '"subject": "物流查询", "text": "我的包裹到哪里了？单号 SF123", "resolution": "已提供物流链接", "status": "closed"}',
    '{"id": "T-3", "created_at": "2024-06-10T12:00:00Z", "customer_id": "C1", "channel": "chat", '
    '"category": "returns", "subject": "", "text": "Refund 100% not received", "resolution": "", "status": "open"}',
])


@pytest.fixture()
def repo(db_url: str) -> Iterator[TicketsRepository]:
    state = StateStore(Database(db_url))
    yield state.tickets
    state.db.close()


def _documents(text: str = EXPORT) -> list:  # type: ignore[type-arg]
    documents, skipped = load_records(text, "jsonl", "tickets.jsonl", "ticket", {})
    assert not skipped
    return documents


def test_rows_are_built_from_ingested_ticket_records() -> None:
    row = TicketRow.from_document(_documents()[0], "exports/tickets.jsonl")
    assert row.id == "T-1" and row.customer_id == "C9" and row.channel == "email" and row.category == "returns"
    assert row.text == "Who pays RETURN shipping?" and row.resolution.startswith("The customer pays")
    assert row.created_at == datetime(2024, 5, 1, 1, 30)  # +08:00 stored as UTC
    assert row.language == "en" and row.source == "exports/tickets.jsonl" and len(row.content_hash) == 32


def test_sync_writes_changes_only_and_deletes_absent_tickets(repo: TicketsRepository) -> None:
    assert sync_tickets(repo, _documents(), "tickets.jsonl") == (3, 0)
    assert sync_tickets(repo, _documents(), "tickets.jsonl") == (0, 0)  # nothing changed: nothing written
    changed = EXPORT.replace("已提供物流链接", "已补发").split("\n")[1:]  # T-1 removed, T-2 changed
    assert sync_tickets(repo, _documents("\n".join(changed)), "tickets.jsonl") == (1, 1)
    assert [t.id for t in repo.query()] == ["T-2", "T-3"]
    assert repo.get(["T-2"])[0].resolution == "已补发"
    # another source's tickets are untouched by this source's sync
    repo.upsert_many([TicketRow(id="X-1", text="other", source="other.csv")])
    assert sync_tickets(repo, [], "tickets.jsonl") == (0, 2)
    assert [t.id for t in repo.query()] == ["X-1"]


def test_sql_filters(repo: TicketsRepository) -> None:
    sync_tickets(repo, _documents(), "tickets.jsonl")
    ids = lambda rows: [r.id for r in rows]  # noqa: E731
    assert ids(repo.query(since="2024-05-02")) == ["T-2", "T-3"]
    assert ids(repo.query(until="2024-05-03")) == ["T-1", "T-2"]  # a date-only until includes that day
    assert ids(repo.query(since=date(2024, 5, 1), until=datetime(2024, 5, 1, 2, 0))) == ["T-1"]
    assert ids(repo.query(keyword="return shipping")) == ["T-1"]  # case-insensitive, subject or text
    assert ids(repo.query(keyword="包裹")) == ["T-2"]
    assert ids(repo.query(keyword="100%")) == ["T-3"]  # LIKE wildcards are literal
    assert ids(repo.query(keyword="1_0")) == []
    assert ids(repo.query(category="returns", customer_id="C9")) == ["T-1"]
    assert ids(repo.query(limit=1)) == ["T-1"]
    assert repo.count(category="returns") == 2 and repo.count() == 3 and repo.count(keyword="nothing") == 0
    assert ids(repo.by_customer("C9")) == ["T-2", "T-1"]  # newest first
    assert ids(repo.get(["T-3", "missing", "T-1"])) == ["T-3", "T-1"]


def test_delete_absent_works_without_one_giant_in_list(repo: TicketsRepository) -> None:
    repo.upsert_many((TicketRow(id=f"K{i}", text=f"t{i}", source="big.csv") for i in range(2500)), batch_size=700)
    present = (f"K{i}" for i in range(2500) if i % 5)  # a generator: ids are streamed in batches
    assert repo.delete_absent("big.csv", present, batch_size=300) == 500
    assert repo.count() == 2000 and not repo.get(["K0", "K5"]) and len(repo.get(["K1", "K2"])) == 2


def _generated(n: int) -> Iterator[TicketRow]:
    filler = "The parcel arrived damaged and the customer asks for a refund or a replacement. " * 4
    for i in range(n):
        yield TicketRow(
            id=f"GEN-{i:06d}", text=f"{filler}#{i}", created_at=datetime(2024, 1 + i % 12, 1 + i % 28),
            customer_id=f"C{i % 5000}", channel="email", category=("returns", "shipping", "billing")[i % 3],
            subject=f"Ticket {i}", resolution=f"Resolved with a voucher {i}. {filler}", status="closed",
            language="en", source="gen.jsonl", content_hash=f"{i:032x}",
        )


def test_100k_tickets_stream_in_with_bounded_memory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    state = StateStore(Database(f"sqlite:///{tmp_path / 'big.db'}"))
    n = 100_000
    # Holding the rows would take well over 100 MB (each carries ~700 characters); streaming holds a batch.
    tracemalloc.start()
    try:
        written = state.tickets.upsert_many(_generated(n), batch_size=1000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written == n and state.tickets.count() == n
    print(f"tracemalloc peak {peak / 1e6:.1f} MB")
    assert peak < 16 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    assert state.tickets.count(category="billing", since="2024-03-01", until="2024-03-31") > 0
    assert sum(1 for _ in state.tickets.query(customer_id="C42")) == n // 5000
    state.db.close()
