"""Tickets as rows: 100k generated tickets through `TicketsRepository.upsert_many`, SQLite and PostgreSQL.

    .venv/bin/python benchmarks/tickets_rows.py [--n 100000] [--runs 3]

Each run starts from an empty database (a temporary SQLite file; a fresh schema on the PostgreSQL of
CS_COPILOT_TEST_POSTGRES, default postgresql://postgres@127.0.0.1:5432/test, skipped when unreachable)
and times: the first load, an unchanged re-load (hash check, nothing rewritten), a filtered count and a
filtered streamed query. Prints the median of the runs.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote

from common import median, peak_rss_mb

from bot.storage.db import Database, StateStore
from bot.storage.tickets import TicketRow

PG_URL = os.environ.get("CS_COPILOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def tickets(n: int) -> Iterator[TicketRow]:
    filler = "The parcel arrived damaged and the customer asks for a refund or a replacement. " * 3
    for i in range(n):
        yield TicketRow(
            id=f"T{i:07d}", text=f"{filler}#{i}", created_at=datetime(2024, 1 + i % 12, 1 + i % 28, i % 24),
            customer_id=f"C{i % 5000}", channel=("email", "chat")[i % 2],
            category=("returns", "shipping", "billing")[i % 3], subject=f"Ticket {i}",
            resolution=f"Resolved with voucher {i}.", status="closed", language="en", source="bench.jsonl",
            content_hash=f"{i:032x}",
        )


def run(url: str, n: int) -> dict[str, float]:
    state = StateStore(Database(url, timeout_seconds=120))
    repo = state.tickets
    timings: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], object]) -> None:
        t0 = time.perf_counter()
        fn()
        timings[name] = time.perf_counter() - t0

    timed("load", lambda: repo.upsert_many(tickets(n)))
    timed("reload_unchanged", lambda: repo.upsert_many(tickets(n)))
    timed("count_filtered", lambda: repo.count(category="billing", since="2024-03-01", until="2024-03-31"))
    timed("query_keyword", lambda: sum(1 for _ in repo.query(keyword="voucher 4242")))
    assert repo.count() == n
    state.db.close()
    return timings


def sqlite_urls() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite:///{Path(tmp) / 'bench.db'}"


def pg_available() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_URL, connect_timeout=3).close()
        return True
    except Exception:
        return False


def pg_run(n: int) -> dict[str, float]:
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        sep = "&" if "?" in PG_URL else "?"
        return run(f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}", n)
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def report(engine: str, runs: list[dict[str, float]], n: int) -> None:
    med = {k: median(r[k] for r in runs) for k in runs[0]}
    print(f"{engine}: n={n} runs={len(runs)} median: load {med['load']:.2f} s ({n / med['load']:,.0f} rows/s), "
          f"unchanged re-load {med['reload_unchanged']:.2f} s, filtered count {med['count_filtered'] * 1000:.1f} ms, "
          f"keyword query {med['query_keyword'] * 1000:.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    sqlite_runs = []
    for _ in range(args.runs):
        for url in sqlite_urls():
            sqlite_runs.append(run(url, args.n))
    report("sqlite", sqlite_runs, args.n)
    if pg_available():
        report("postgresql", [pg_run(args.n) for _ in range(args.runs)], args.n)
    else:
        print(f"postgresql: skipped ({PG_URL.split('@')[-1]} unreachable)")
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
