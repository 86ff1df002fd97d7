"""Event de-duplication: the first delivery of a platform event is claimed, redeliveries are not."""

from __future__ import annotations

import random
import time

from sqlalchemy import delete, select

from bot.storage.engine import Repository, upsert_insert
from bot.storage.models import ProcessedEvent

DEFAULT_TTL_SECONDS = 7 * 24 * 3600
_CLEANUP_PROBABILITY = 0.01


class EventsRepository(Repository):
    def claim(self, key: str, ttl_seconds: float = DEFAULT_TTL_SECONDS) -> bool:
        """True the first time `key` is seen by any replica; False for a redelivery (race-safe)."""
        now = time.time()
        stmt = upsert_insert(self.engine, ProcessedEvent).values(event_key=key, created_at=now)
        with self.write() as conn:
            claimed = stmt.on_conflict_do_nothing(index_elements=["event_key"]).returning(ProcessedEvent.event_key)
            inserted = conn.execute(claimed).first() is not None
            if inserted and random.random() < _CLEANUP_PROBABILITY:  # occasional clean-up, cheap
                conn.execute(delete(ProcessedEvent).where(ProcessedEvent.created_at < now - ttl_seconds))
        return inserted

    def seen(self, key: str) -> bool:
        with self.read() as conn:
            return conn.execute(select(ProcessedEvent.event_key).where(ProcessedEvent.event_key == key)).first() is not None

    def forget(self, key: str) -> None:
        with self.write() as conn:
            conn.execute(delete(ProcessedEvent).where(ProcessedEvent.event_key == key))
