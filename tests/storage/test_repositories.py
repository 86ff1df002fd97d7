"""Repositories on real SQLite and PostgreSQL: votes, concurrency, timeouts and error wrapping."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import pytest

from bot.errors import DatabaseError
from bot.storage.db import Database, StateStore


@pytest.fixture()
def state(db_url: str) -> Iterator[StateStore]:
    store = StateStore(Database(db_url))
    yield store
    store.db.close()


def test_one_vote_per_user_and_answer_changeable(state: StateStore) -> None:
    assert state.vote_counts("a1") == (0, 0)
    assert state.upsert_vote("a1", "U1", "slack", 1) == (1, 0)
    assert state.upsert_vote("a1", "U1", "slack", 1) == (1, 0)  # the same click twice counts once
    assert state.upsert_vote("a1", "U2", "slack", -1) == (1, 1)
    assert state.upsert_vote("a1", "U1", "slack", -1) == (0, 2)  # U1 changed their mind
    assert state.votes.vote_of("a1", "U1") == -1 and state.votes.vote_of("a1", "U9") is None
    assert state.upsert_vote("a2", "U1", "feishu", 5) == (1, 0)  # other answers are separate; sign only
    assert state.vote_counts("a1") == (0, 2)


def test_concurrent_votes_from_worker_threads_leave_one_row_per_user(state: StateStore) -> None:
    answer = uuid.uuid4().hex

    def click(i: int) -> tuple[int, int]:
        return state.upsert_vote(answer, f"U{i % 3}", "slack", 1 if i % 2 else -1)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(click, range(40)))
    assert all(up + down <= 3 for up, down in results)
    up, down = state.vote_counts(answer)
    assert up + down == 3
    rows = state.db.query("SELECT COUNT(*) FROM votes WHERE answer_id = ?", (answer,))
    assert rows == [(3,)]


def test_concurrent_claims_of_one_event_succeed_once(state: StateStore) -> None:
    key = f"slack:event:{uuid.uuid4().hex}"
    other = StateStore(Database(state.db.url))  # a second replica with its own pool
    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda i: (state if i % 2 else other).claim_event(key), range(16)))
    finally:
        other.db.close()
    assert results.count(True) == 1
    assert state.events.seen(key) and not state.events.seen(key + "x")


def test_answers_are_recorded_once(state: StateStore) -> None:
    assert state.answers.record("a1", "slack", "U1", "C1", "q", "first", {"n": 1}) is True
    assert state.answers.record("a1", "slack", "U1", "C1", "q", "second") is False
    row = state.answers.get("a1")
    assert row is not None and row.answer == "first" and row.payload == {"n": 1} and row.created_at > 0
    assert state.answers.get("missing") is None


def test_a_slow_postgres_statement_times_out_as_a_database_error(pg_schema_url: str) -> None:
    db = Database(pg_schema_url, timeout_seconds=0.5)
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseError) as err:
            db.query("SELECT pg_sleep(5)")
        assert time.monotonic() - started < 3
        assert "QueryCanceled" in str(err.value) and "postgres@" not in str(err.value)
    finally:
        db.close()


def test_a_locked_sqlite_database_times_out_as_a_database_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    state = StateStore(Database(f"sqlite:///{path}", timeout_seconds=0.3))
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseError) as err:
            state.claim_event("k")
        assert 0.2 < time.monotonic() - started < 5
        assert "OperationalError" in str(err.value)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert state.claim_event("k") is True  # and it works again once the lock is gone
    state.db.close()


def test_driver_errors_never_escape(state: StateStore) -> None:
    with pytest.raises(DatabaseError) as err:
        state.db.query("SELECT * FROM no_such_table")
    assert "no_such_table" not in str(err.value)  # short: no SQL in the message
    state.db.close()
    with pytest.raises(DatabaseError):
        Database("postgresql://nobody:secret@127.0.0.1:1/none")


def test_pool_serves_many_threads_at_once(state: StateStore) -> None:
    thread = f"t-{uuid.uuid4().hex}"
    barrier = threading.Barrier(12)

    def turn(i: int) -> None:
        barrier.wait(5)
        state.append_turn(thread, f"q{i}")

    with ThreadPoolExecutor(12) as pool:
        list(pool.map(turn, range(12)))
    assert sorted(state.thread_turns(thread, limit=20), key=lambda t: int(t[1:])) == [f"q{i}" for i in range(12)]
