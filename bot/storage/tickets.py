"""Tickets as rows: the past tickets of the ingested exports, filterable in SQL.

`TicketRow.from_document` builds a row from the `Document` that `bot.ingest.records` makes of a ticket
record (text, resolution, subject, customer, channel, category, status, language, created_at).
`sync_tickets(repo, documents, source)` is what the ingest pipeline calls for one ticket file:
it streams the rows in batches, writes only new or changed tickets, then deletes that source's
tickets that are gone (mark-and-sweep on a generation column: no list of present ids in memory or
in one giant IN clause).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import ColumnElement, Select, and_, delete, func, or_, select, update

from bot.ingest.documents import Document
from bot.storage.engine import Repository, upsert_insert
from bot.storage.models import Ticket

BATCH_SIZE = 1000
_FIELDS = ("id", "created_at", "customer_id", "channel", "category", "subject", "text", "resolution", "status",
           "language", "source", "content_hash")
_COLUMNS = [getattr(Ticket, name) for name in _FIELDS]

DateLike = date | datetime | str


@dataclass(frozen=True)
class TicketRow:
    id: str
    text: str
    created_at: datetime | None = None  # naive UTC
    customer_id: str = ""
    channel: str = ""
    category: str = ""
    subject: str = ""
    resolution: str = ""
    status: str = ""
    language: str = ""
    source: str = ""
    content_hash: str = ""

    @classmethod
    def from_document(cls, doc: Document, source: str | None = None) -> TicketRow:
        """The row of a ticket `Document` (kind "ticket", as built by bot.ingest.records)."""
        meta = doc.metadata
        customer = [b.text for b in doc.blocks if b.heading_path != ("Resolution",)]
        resolution = [b.text for b in doc.blocks if b.heading_path == ("Resolution",)]
        return cls(
            id=doc.doc_id, text="\n\n".join(customer), created_at=parse_created_at(doc.created_at),
            customer_id=str(meta.get("customer_id", "")), channel=str(meta.get("channel", "")),
            category=str(meta.get("category", "")), subject=str(meta.get("subject", "")),
            resolution="\n\n".join(resolution) or str(meta.get("resolution", "")),
            status=str(meta.get("status", "")), language=doc.lang, source=doc.source if source is None else source,
            content_hash=doc.content_hash(),
        )


def parse_created_at(value: str) -> datetime | None:
    """ISO 8601 date or datetime -> naive UTC datetime (no zone means UTC); None when unparseable."""
    text = (value or "").strip().replace("Z", "+00:00")
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def _bound(value: DateLike, upper: bool) -> tuple[datetime, bool] | None:
    """(moment, inclusive) for a since/until value; a date-only `until` covers that whole day."""
    if isinstance(value, datetime):
        moment = value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value
        return moment, True
    if isinstance(value, date):
        day = datetime(value.year, value.month, value.day)
        return (day + timedelta(days=1), False) if upper else (day, True)
    parsed = parse_created_at(value)
    if parsed is None:
        return None
    if upper and len(value.strip()) <= 10:  # "2024-05-01": through the end of that day
        return parsed + timedelta(days=1), False
    return parsed, True


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class TicketsRepository(Repository):
    # --- writing -----------------------------------------------------------------------------------------
    def new_generation(self) -> int:
        """A fresh generation number for a mark-and-sweep sync (monotonic across processes)."""
        return time.time_ns()

    def upsert_many(self, rows: Iterable[TicketRow], batch_size: int = BATCH_SIZE, generation: int | None = None) -> int:
        """Insert or update tickets, `batch_size` at a time (the iterable is streamed, never held).

        Unchanged tickets (same content hash and source) are not rewritten; with `generation`, every
        ticket seen is stamped with it (see `sweep`). Returns the number of tickets inserted or changed.
        """
        written = 0
        iterator = iter(rows)
        while batch := list(itertools.islice(iterator, max(1, batch_size))):
            written += self._upsert_batch({row.id: row for row in batch}, generation)
        return written

    def _upsert_batch(self, batch: dict[str, TicketRow], generation: int | None) -> int:
        with self.write() as conn:
            existing = {
                r.id: (r.content_hash, r.source)
                for r in conn.execute(select(Ticket.id, Ticket.content_hash, Ticket.source).where(Ticket.id.in_(batch)))
            }
            changed = [row for row in batch.values()
                       if not row.content_hash or existing.get(row.id) != (row.content_hash, row.source)]
            if changed:
                values = [{**{name: getattr(row, name) for name in _FIELDS}, "generation": generation or 0} for row in changed]
                stmt = upsert_insert(self.engine, Ticket)
                set_ = {name: stmt.excluded[name] for name in _FIELDS if name != "id"}
                if generation is not None:
                    set_["generation"] = stmt.excluded.generation
                # executemany (psycopg pipelines it): measured faster here than multi-row VALUES or RETURNING
                conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=set_), values)
            changed_ids = {row.id for row in changed}
            unchanged = [key for key in batch if key in existing and key not in changed_ids]
            if generation is not None and unchanged:
                conn.execute(update(Ticket).where(Ticket.id.in_(unchanged)).values(generation=generation))
        return len(changed)

    def sweep(self, source: str, generation: int) -> int:
        """Delete the tickets of `source` not stamped with `generation`; returns how many."""
        with self.write() as conn:
            result = conn.execute(delete(Ticket).where(Ticket.source == source, Ticket.generation != generation))
            return int(result.rowcount or 0)

    def delete_absent(self, source: str, present_ids: Iterable[str], batch_size: int = BATCH_SIZE) -> int:
        """Delete the tickets of `source` whose id is not in `present_ids` (streamed; fine for 100k ids)."""
        generation = self.new_generation()
        iterator = iter(present_ids)
        while batch := list(itertools.islice(iterator, max(1, batch_size))):
            with self.write() as conn:
                conn.execute(update(Ticket).where(Ticket.source == source, Ticket.id.in_(batch))
                             .values(generation=generation))
        return self.sweep(source, generation)

    def delete(self, ids: Iterable[str]) -> int:
        deleted = 0
        iterator = iter(ids)
        while batch := list(itertools.islice(iterator, BATCH_SIZE)):
            with self.write() as conn:
                deleted += int(conn.execute(delete(Ticket).where(Ticket.id.in_(batch))).rowcount or 0)
        return deleted

    # --- reading -----------------------------------------------------------------------------------------
    def get(self, ids: Iterable[str]) -> list[TicketRow]:
        """The tickets with these ids, in the order asked (unknown ids are left out)."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, TicketRow] = {}
        for start in range(0, len(wanted), BATCH_SIZE):
            with self.read() as conn:
                for r in conn.execute(select(*_COLUMNS).where(Ticket.id.in_(wanted[start:start + BATCH_SIZE]))):
                    found[r.id] = _row(r)
        return [found[i] for i in wanted if i in found]

    def query(
        self, since: DateLike | None = None, until: DateLike | None = None, keyword: str | None = None,
        category: str | None = None, customer_id: str | None = None, limit: int | None = None,
        newest_first: bool = False,
    ) -> Iterator[TicketRow]:
        """Tickets matching every given filter, by creation time (streamed from the database).

        since/until: dates or datetimes (ISO strings too); a date-only `until` includes that day.
        keyword: case-insensitive substring of the subject or the text.
        """
        stmt = select(*_COLUMNS).where(*self._filters(since, until, keyword, category, customer_id))
        order = Ticket.created_at.desc().nulls_last() if newest_first else Ticket.created_at.asc().nulls_last()
        stmt = stmt.order_by(order, Ticket.id)
        if limit is not None:
            stmt = stmt.limit(max(0, limit))
        return self._stream(stmt)

    def count(
        self, since: DateLike | None = None, until: DateLike | None = None, keyword: str | None = None,
        category: str | None = None, customer_id: str | None = None,
    ) -> int:
        stmt = select(func.count()).select_from(Ticket).where(
            *self._filters(since, until, keyword, category, customer_id)
        )
        with self.read() as conn:
            return int(conn.execute(stmt).scalar() or 0)

    def by_customer(self, customer_id: str, limit: int | None = None) -> list[TicketRow]:
        """A customer's tickets, newest first."""
        return list(self.query(customer_id=customer_id, limit=limit, newest_first=True))

    def _stream(self, stmt: Select[Any]) -> Iterator[TicketRow]:
        with self.read() as conn:
            result = conn.execution_options(stream_results=True, yield_per=500).execute(stmt)
            for r in result:
                yield _row(r)

    @staticmethod
    def _filters(
        since: DateLike | None, until: DateLike | None, keyword: str | None, category: str | None,
        customer_id: str | None,
    ) -> Sequence[ColumnElement[bool]]:
        filters: list[ColumnElement[bool]] = []
        low = _bound(since, upper=False) if since else None
        if low is not None:
            filters.append(Ticket.created_at >= low[0])
        high = _bound(until, upper=True) if until else None
        if high is not None:
            filters.append(Ticket.created_at <= high[0] if high[1] else Ticket.created_at < high[0])
        if keyword and keyword.strip():
            pattern = f"%{_escape_like(keyword.strip())}%"
            filters.append(or_(Ticket.subject.ilike(pattern, escape="\\"), Ticket.text.ilike(pattern, escape="\\")))
        if category:
            filters.append(Ticket.category == category)
        if customer_id:
            filters.append(Ticket.customer_id == customer_id)
        return [and_(*filters)] if filters else []


def _row(r: Any) -> TicketRow:
    return TicketRow(**{name: getattr(r, name) for name in _FIELDS})


def sync_tickets(repo: TicketsRepository, records: Iterable[Document], source: str) -> tuple[int, int]:
    """Make the tickets table hold exactly `records` for `source` (one ticket file or export).

    Streams: `records` may be a generator over 100k tickets. Non-ticket documents are ignored.
    Returns (written, deleted): tickets inserted or changed, and tickets of `source` no longer present.
    If `records` raises part-way, nothing is deleted.
    """
    generation = repo.new_generation()
    rows = (TicketRow.from_document(doc, source) for doc in records if doc.kind == "ticket")
    written = repo.upsert_many(rows, generation=generation)
    return written, repo.sweep(source, generation)
