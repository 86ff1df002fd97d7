"""Search filters (kind, source, date range) as Chroma where-clauses and BM25 masks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable


def to_timestamp(value: str, end_of_day: bool = False) -> int | None:
    """ISO date/datetime -> epoch seconds (UTC when no zone is given); None when unparseable."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if len(text) <= 10 and end_of_day:
        dt = dt.replace(hour=23, minute=59, second=59)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp())


@dataclass(frozen=True)
class Filters:
    kinds: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    ts_from: int | None = None
    ts_to: int | None = None

    @classmethod
    def build(
        cls, kinds: Iterable[str] = (), sources: Iterable[str] = (), date_from: str = "", date_to: str = ""
    ) -> "Filters":
        kind_list = tuple("ticket" if k in ("tickets", "ticket") else k for k in kinds if k)
        return cls(kind_list, tuple(s for s in sources if s), to_timestamp(date_from), to_timestamp(date_to, True))

    def is_empty(self) -> bool:
        return not self.kinds and not self.sources and self.ts_from is None and self.ts_to is None

    def where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.kinds:
            clauses.append({"kind": {"$in": list(self.kinds)}})
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.ts_from is not None:
            clauses.append({"ts": {"$gte": self.ts_from}})
        if self.ts_to is not None:
            clauses.append({"ts": {"$lte": self.ts_to}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}
