from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from bot.errors import DatabaseError
from bot.storage.db import Database, StateStore


@pytest.fixture(params=["sqlite", "postgres"])
def state(request: pytest.FixtureRequest, tmp_path: Path) -> StateStore:
    if request.param == "sqlite":
        return StateStore(Database(f"sqlite:///{tmp_path / 'state.db'}"))
    return StateStore(Database(request.getfixturevalue("pg_url")))


def test_an_event_is_claimed_once(state: StateStore) -> None:
    key = f"slack:event:{uuid.uuid4().hex}"
    assert state.claim_event(key) is True
    assert state.claim_event(key) is False
    assert state.claim_event(key + "-other") is True


def test_two_replicas_share_deduplication(state: StateStore) -> None:
    other = StateStore(Database(state.db.url))  # a second process/replica on the same database
    key = f"feishu:msg:{uuid.uuid4().hex}"
    assert state.claim_event(key) is True
    assert other.claim_event(key) is False


def test_thread_turns_keep_order_and_limit(state: StateStore) -> None:
    thread = f"t-{uuid.uuid4().hex}"
    for i in range(7):
        state.append_turn(thread, f"q{i}")
    assert state.thread_turns(thread, limit=3) == ["q4", "q5", "q6"]
    assert state.thread_turns("nothing-here") == []


def test_answers_and_feedback_round_trip(state: StateStore) -> None:
    answer_id = uuid.uuid4().hex
    state.record_answer(answer_id, "slack", "U1", "C1", "退货运费谁出？", "由顾客承担 [1]", {"citations": 1})
    got = state.get_answer(answer_id)
    assert got is not None and got["question"] == "退货运费谁出？" and got["payload"] == {"citations": 1}
    state.record_feedback("slack", "U1", "C1", got["question"], got["answer"], -1, {"answer_id": answer_id})
    assert any(f["extra"].get("answer_id") == answer_id and f["rating"] == -1 for f in state.feedback())


def test_unreachable_database_is_a_clear_error() -> None:
    with pytest.raises(DatabaseError) as err:
        Database("postgresql://nobody@127.0.0.1:1/none")
    assert "127.0.0.1:1/none" in str(err.value) and "nobody" not in str(err.value)
