"""The escalation tables (bot.storage.models: EscalationRequest, EscalationMember, EscalationEvent).

`record()` is the one place a wording joins or opens a request. It runs in one transaction that first
takes the escalation lock (PostgreSQL: a transaction-scoped advisory lock; SQLite: the write lock taken
at BEGIN IMMEDIATE), so concurrent /escalate calls on any number of replicas see each other's requests and
never open two requests for one need. The unique `need_key` and the unique (request, customer, agent)
member key are the second line: an identical first wording or a repeated /escalate cannot count twice.
"""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np
from sqlalchemy import Connection, and_, delete, func, insert, select, text, update

from bot.escalation.matching import (
    NeedMatcher,
    Wording,
    decode_vector,
    encode_vector,
    unit,
)
from bot.storage.engine import Repository, guard, is_postgres, upsert_insert
from bot.storage.models import EscalationEvent, EscalationMember, EscalationRequest

LOCK_KEY = 0x6373_6573_6331  # "cs_esc1": pg_advisory_xact_lock key of the match-or-open section
STATUSES = ("open", "acknowledged", "planned", "declined", "need_info", "merged")


@dataclass(frozen=True)
class RequestRow:
    id: int
    title: str
    language: str
    status: str
    status_note: str
    merged_into: int | None
    customers: int
    agents: int
    threads: dict[str, dict[str, str]]
    escalated_at: float | None
    announced_at: float
    first_seen: float
    last_seen: float

    @classmethod
    def of(cls, r: Any) -> "RequestRow":
        return cls(int(r.id), r.title, r.language, r.status, r.status_note, r.merged_into, int(r.customers),
                   int(r.agents), _json(r.threads), r.escalated_at, float(r.announced_at), float(r.first_seen),
                   float(r.last_seen))


@dataclass(frozen=True)
class MemberRow:
    id: int
    request_id: int
    customer_key: str
    customer_id: str
    agent: str
    platform: str
    channel_id: str
    reply_to: dict[str, str]
    text: str
    language: str
    source: str
    external_id: str
    announced: bool
    created_at: float

    @classmethod
    def of(cls, r: Any) -> "MemberRow":
        return cls(int(r.id), int(r.request_id), r.customer_key, r.customer_id, r.agent, r.platform, r.channel_id,
                   {k: str(v) for k, v in _json(r.reply_to).items()}, r.text, r.language, r.source, r.external_id,
                   bool(r.announced), float(r.created_at))


@dataclass(frozen=True)
class EventRow:
    id: int
    request_id: int
    actor: str
    action: str
    old_status: str
    new_status: str
    note: str
    created_at: float


@dataclass(frozen=True)
class NewMember:
    """What `record` stores for one raise."""

    text: str
    vector: Sequence[float]
    language: str
    customer_key: str
    customer_id: str = ""
    agent: str = ""
    platform: str = ""
    channel_id: str = ""
    reply_to: dict[str, str] = field(default_factory=dict)
    source: str = "escalate"
    external_id: str = ""
    title: str = ""
    need_key: str = ""


@dataclass(frozen=True)
class Recorded:
    request: RequestRow
    new_request: bool  # this wording opened the request
    counted: bool  # False: the same agent already raised it for this customer (idempotent)
    score: float  # the match score (1.0 for a new request)
    member_id: int


class EscalationStore(Repository):
    """Requests, members and events on the state database's engine."""

    _cache_lock = threading.Lock()

    def __init__(self, engine: Any) -> None:
        super().__init__(engine)
        self._wordings: dict[int, Wording] = {}  # member id -> decoded wording (vectors never change)

    # --- the locked section ------------------------------------------------------------------------
    @contextmanager
    def locked(self) -> Iterator[Connection]:
        """One transaction holding the escalation lock (serialises match-or-open across replicas)."""
        with guard(self.where), self.engine.connect() as conn, \
                conn.execution_options(sqlite_begin="IMMEDIATE").begin():
            if is_postgres(self.engine):
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            yield conn

    def wordings(self) -> list[Wording]:
        """The stored wordings, read without the lock (to find the borderline requests a model may judge
        before `record` takes it)."""
        with guard(self.where), self.engine.connect() as conn:
            return self._load_wordings(conn)

    def record(self, member: NewMember, matcher: NeedMatcher, at: float,
               hook: Callable[[], None] | None = None, verdicts: Mapping[int, bool] | None = None) -> Recorded:
        """Join the best matching request, or open one; count the customer once. `hook` runs inside the
        lock before matching (tests use it to widen the race window); `verdicts` are a model's judgements of
        borderline requests (NeedMatcher.best)."""
        probe = Wording.of(-1, member.text, member.vector, member.language)
        with self.locked() as conn:
            if hook is not None:
                hook()
            stored = self._load_wordings(conn)
            match = matcher.best(probe, stored, verdicts=verdicts)
            new_request = False
            score = 1.0
            request_id: int | None = None
            if match is not None:
                request_id, score = match.request_id, match.score
            else:
                request_id = conn.execute(select(EscalationRequest.id).where(
                    EscalationRequest.need_key == member.need_key)).scalar()
                if request_id is not None:
                    request_id = self._final(conn, int(request_id))
            if request_id is None:
                new_request = True
                request_id = int(conn.execute(insert(EscalationRequest).values(
                    need_key=member.need_key, title=member.title or member.text[:200], language=member.language,
                    status="open", customers=0, agents=0, threads="{}", announced_at=0.0, first_seen=at,
                    last_seen=at, created_at=at, updated_at=at,
                ).returning(EscalationRequest.id)).scalar_one())
                self._event(conn, request_id, member.agent, "created", "", "open", member.text[:300], at)
            ins = upsert_insert(self.engine, EscalationMember).values(
                request_id=request_id, customer_key=member.customer_key, customer_id=member.customer_id,
                agent=member.agent, platform=member.platform, channel_id=member.channel_id,
                reply_to=json.dumps(member.reply_to), text=member.text, language=member.language,
                vector=encode_vector(member.vector), source=member.source, external_id=member.external_id,
                announced=0, created_at=at,
            )
            ins = ins.on_conflict_do_nothing(index_elements=["request_id", "customer_key", "agent"])
            member_id = conn.execute(ins.returning(EscalationMember.id)).scalar()
            counted = member_id is not None
            if counted:
                self._recount(conn, request_id, at)
                if not new_request:
                    self._event(conn, request_id, member.agent, "joined", "", "", member.text[:300], at)
            else:
                member_id = conn.execute(select(EscalationMember.id).where(and_(
                    EscalationMember.request_id == request_id, EscalationMember.customer_key == member.customer_key,
                    EscalationMember.agent == member.agent))).scalar_one()
            row = self._get_table(conn, request_id)
        assert row is not None
        return Recorded(row, new_request, counted, float(score), int(member_id or 0))

    def _final(self, conn: Connection, request_id: int) -> int:
        """Follow merges to the request that holds the need now."""
        seen = set()
        while request_id not in seen:
            seen.add(request_id)
            nxt = conn.execute(select(EscalationRequest.merged_into).where(
                EscalationRequest.id == request_id)).scalar()
            if nxt is None:
                return request_id
            request_id = int(nxt)
        return request_id

    def _load_wordings(self, conn: Connection) -> list[Wording]:
        """The stored wordings of every request not merged away (vectors decoded once per process)."""
        rows = conn.execute(
            select(EscalationMember.id, EscalationMember.request_id)
            .join(EscalationRequest, EscalationRequest.id == EscalationMember.request_id)
            .where(EscalationRequest.merged_into.is_(None), EscalationMember.vector.is_not(None))
            .order_by(EscalationMember.id)
        ).all()
        with self._cache_lock:
            missing = [int(r.id) for r in rows if int(r.id) not in self._wordings]
        for start in range(0, len(missing), 500):
            chunk = missing[start:start + 500]
            for m in conn.execute(select(EscalationMember.id, EscalationMember.text, EscalationMember.language,
                                         EscalationMember.vector).where(EscalationMember.id.in_(chunk))):
                vec = decode_vector(m.vector)
                if vec is None:
                    continue
                w = Wording.of(0, m.text, vec, m.language)
                with self._cache_lock:
                    self._wordings[int(m.id)] = w
        out: list[Wording] = []
        with self._cache_lock:
            for r in rows:
                got = self._wordings.get(int(r.id))
                if got is not None:
                    out.append(got.joined(int(r.request_id)))
        return out

    def _recount(self, conn: Connection, request_id: int, at: float) -> None:
        m = EscalationMember
        customers = conn.execute(select(func.count(func.distinct(m.customer_key))).where(
            m.request_id == request_id)).scalar_one()
        agents = conn.execute(select(func.count(func.distinct(m.agent))).where(
            m.request_id == request_id, m.agent != "")).scalar_one()
        first, last = conn.execute(select(func.min(m.created_at), func.max(m.created_at)).where(
            m.request_id == request_id)).one()
        conn.execute(update(EscalationRequest).where(EscalationRequest.id == request_id).values(
            customers=int(customers), agents=int(agents), first_seen=first if first is not None else at,
            last_seen=last if last is not None else at, updated_at=at))

    @staticmethod
    def _event(conn: Connection, request_id: int, actor: str, action: str, old: str, new: str, note: str,
               at: float) -> None:
        conn.execute(insert(EscalationEvent).values(request_id=request_id, actor=actor, action=action,
                                                    old_status=old, new_status=new, note=note, created_at=at))

    # --- reads ---------------------------------------------------------------------------------------
    def get(self, request_id: int) -> RequestRow | None:
        with self.read() as conn:
            r = conn.execute(select(EscalationRequest.__table__).where(EscalationRequest.id == request_id)).first()
        return None if r is None else RequestRow.of(r)

    def top(self, statuses: Sequence[str] = (), limit: int = 20, include_merged: bool = False) -> list[RequestRow]:
        t = EscalationRequest.__table__
        stmt = select(t)
        if statuses:
            stmt = stmt.where(t.c.status.in_(list(statuses)))
        elif not include_merged:
            stmt = stmt.where(t.c.status != "merged")
        stmt = stmt.order_by(t.c.customers.desc(), t.c.last_seen.desc(), t.c.id).limit(max(1, limit))
        with self.read() as conn:
            return [RequestRow.of(r) for r in conn.execute(stmt)]

    def members(self, request_id: int, *, unannounced: bool = False) -> list[MemberRow]:
        t = EscalationMember.__table__
        stmt = select(t).where(t.c.request_id == request_id)
        if unannounced:
            stmt = stmt.where(t.c.announced == 0)
        with self.read() as conn:
            return [MemberRow.of(r) for r in conn.execute(stmt.order_by(t.c.id))]

    def events(self, request_id: int, limit: int = 50) -> list[EventRow]:
        t = EscalationEvent.__table__
        stmt = select(t).where(t.c.request_id == request_id).order_by(t.c.id.desc()).limit(limit)
        with self.read() as conn:
            rows = conn.execute(stmt).all()
        return [EventRow(int(r.id), int(r.request_id), r.actor, r.action, r.old_status, r.new_status, r.note,
                         float(r.created_at)) for r in reversed(rows)]

    def due_announcements(self, before: float) -> list[int]:
        """Requests with a managers' thread, customers not yet announced, and no batch since `before`."""
        r, m = EscalationRequest, EscalationMember
        stmt = (select(r.id).where(r.escalated_at.is_not(None), r.announced_at <= before, r.merged_into.is_(None))
                .where(select(m.id).where(m.request_id == r.id, m.announced == 0).exists()))
        with self.read() as conn:
            return [int(x) for x in conn.execute(stmt).scalars()]

    # --- writes --------------------------------------------------------------------------------------
    def claim_escalation(self, request_id: int, at: float) -> bool:
        """True once per request: the caller opens the managers' threads."""
        with self.write() as conn:
            res = conn.execute(update(EscalationRequest).where(
                EscalationRequest.id == request_id, EscalationRequest.escalated_at.is_(None)
            ).values(escalated_at=at, announced_at=at))
            return bool(res.rowcount)

    def claim_thread(self, request_id: int, platform: str, at: float) -> bool:
        """True once per request and platform: the caller posts that platform's managers' thread."""
        with self.locked() as conn:
            threads = _json(conn.execute(select(EscalationRequest.threads).where(
                EscalationRequest.id == request_id)).scalar() or "{}")
            if platform in threads:
                return False
            threads[platform] = {"pending": str(at)}
            conn.execute(update(EscalationRequest).where(EscalationRequest.id == request_id).values(
                threads=json.dumps(threads)))
            return True

    def set_thread(self, request_id: int, platform: str, posted: dict[str, str] | None) -> None:
        """Store (or, with None, release) the managers' thread of `platform`."""
        with self.locked() as conn:
            threads = _json(conn.execute(select(EscalationRequest.threads).where(
                EscalationRequest.id == request_id)).scalar() or "{}")
            if posted is None:
                threads.pop(platform, None)
            else:
                threads[platform] = posted
            conn.execute(update(EscalationRequest).where(EscalationRequest.id == request_id).values(
                threads=json.dumps(threads)))

    def claim_batch(self, request_id: int, before: float, at: float) -> list[MemberRow]:
        """Atomically take the members not yet announced, if the last batch is older than `before`."""
        with self.write() as conn:
            res = conn.execute(update(EscalationRequest).where(
                EscalationRequest.id == request_id, EscalationRequest.announced_at <= before
            ).values(announced_at=at))
            if not res.rowcount:
                return []
            t = EscalationMember.__table__
            rows = [MemberRow.of(r) for r in conn.execute(
                select(t).where(t.c.request_id == request_id, t.c.announced == 0).order_by(t.c.id))]
            if rows:
                conn.execute(update(EscalationMember).where(EscalationMember.id.in_([r.id for r in rows])).values(announced=1))
            return rows

    def add_event(self, request_id: int, actor: str, action: str, note: str, at: float) -> None:
        with self.write() as conn:
            self._event(conn, request_id, actor, action, "", "", note, at)

    def mark_announced(self, request_id: int) -> None:
        with self.write() as conn:
            conn.execute(update(EscalationMember).where(EscalationMember.request_id == request_id).values(
                announced=1))

    def set_status(self, request_id: int, status: str, actor: str, note: str, at: float) -> tuple[str, RequestRow]:
        """Change the status (recorded in the trail); returns the old status and the new row."""
        with self.locked() as conn:
            row = self._get_table(conn, request_id)
            if row is None:
                raise KeyError(request_id)
            conn.execute(update(EscalationRequest).where(EscalationRequest.id == request_id).values(
                status=status, status_note=note, updated_at=at))
            self._event(conn, request_id, actor, "status", row.status, status, note, at)
            new = self._get_table(conn, request_id)
        assert new is not None
        return row.status, new

    def merge(self, source_id: int, target_id: int, actor: str, at: float) -> tuple[RequestRow, RequestRow]:
        """Move the members of `source_id` into `target_id` (a customer counted once), mark the source merged."""
        if source_id == target_id:
            raise ValueError("a request cannot be merged into itself")
        m = EscalationMember.__table__
        with self.locked() as conn:
            src, dst = self._get_table(conn, source_id), self._get_table(conn, target_id)
            if src is None or dst is None:
                raise KeyError(source_id if src is None else target_id)
            keys = {(r.customer_key, r.agent) for r in conn.execute(
                select(m.c.customer_key, m.c.agent).where(m.c.request_id == target_id))}
            for r in conn.execute(select(m.c.id, m.c.customer_key, m.c.agent).where(
                    m.c.request_id == source_id)).all():
                if (r.customer_key, r.agent) in keys:
                    conn.execute(delete(EscalationMember).where(EscalationMember.id == r.id))
                else:
                    conn.execute(update(EscalationMember).where(EscalationMember.id == r.id).values(
                        request_id=target_id))
            conn.execute(update(EscalationRequest).where(EscalationRequest.id == source_id).values(
                status="merged", merged_into=target_id, updated_at=at))
            self._recount(conn, target_id, at)
            conn.execute(update(EscalationRequest).where(EscalationRequest.id == source_id).values(
                customers=0, agents=0))
            self._event(conn, source_id, actor, "merged", src.status, "merged", f"#{target_id}", at)
            self._event(conn, target_id, actor, "merged_in", "", "", f"#{source_id}", at)
            a, b = self._get_table(conn, source_id), self._get_table(conn, target_id)
        assert a is not None and b is not None
        return a, b

    @staticmethod
    def _get_table(conn: Connection, request_id: int) -> RequestRow | None:
        t = EscalationRequest.__table__
        r = conn.execute(select(t).where(t.c.id == request_id)).first()
        return None if r is None else RequestRow.of(r)


def _json(raw: Any) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _unit(vector: Sequence[float] | Any) -> np.ndarray:
    return unit(np.asarray(vector, dtype=np.float32))
