"""A customer's past tickets at a glance (/history): counts, the recurring issue, recent resolutions and
what was promised, from the tickets table (written at ingest).

- open vs resolved: the ticket's status ("resolved", "closed", 已解决 ...), else "resolved" when it carries a
  resolution;
- the recurring issue: the customer's tickets are grouped by topic on their stored e5 vectors (read from the
  vector store, nothing embedded again; a ticket not indexed yet is embedded), per-language centred, with the
  same average-linkage clustering as the knowledge gaps, cut at HISTORY_DISTANCE; the biggest group of two
  or more tickets is the recurring issue, named by its most central ticket and the words its tickets share.
  Without the vector store, the most frequent category of two or more tickets stands in;
- promises: the forward-looking sentences of the resolutions (will / we'll / within N days / by Friday /
  promise / follow up ..., 会 / 将 / 承诺 / 保证 / 预计 / N个工作日内 ...), not negated ("did not promise",
  未承诺): what was done already ("refund issued", 已发放优惠券) is not a promise.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from bot.ingest.chunking import split_sentences
from bot.storage.tickets import TicketRow

if TYPE_CHECKING:
    from bot.container import Container

log = logging.getLogger(__name__)

# benchmarks/gaps_quality.py scores this cut against the bundled tickets' `category` (dev: even rows, test: odd):
# the categories are broad (one "warranty" holds several problems), so their best cut (0.9) lumps a customer's
# different problems together; 0.6 keeps one problem per group (precision 1.0, low recall against categories).
HISTORY_DISTANCE = 0.6
RECENT = 5  # tickets shown with their resolution
MAX_TICKETS = 500  # a customer's newest tickets considered
RESOLVED_STATUSES = frozenset(
    "resolved closed done solved complete completed fixed 已解决 已关闭 已完成 解决 关闭 完成 已处理 已结案".split()
)
_DURATION_EN = r"\d+\s*(?:[-–]\s*\d+\s*)?(?:business |working |calendar )?(?:days?|hours?|weeks?|months?)"
_DURATION_ZH = r"(?<![月\d])\d+\s*(?:[-–~至到]\s*\d+\s*)?个?(?:工作日|自然日|天|小时|周|个月)"
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
# Forward-looking commitments only: what was done already ("refund issued") is not a promise.
PROMISE_EN = re.compile(
    r"\b(?:will|we'll|we'd|i'll|we will|shall|going to|promis(?:e|ed|es|ing)(?!\s+date)|guarantee\w*|commit(?:s|ted)?\b|"
    r"expect\w*|(?:within|in)\s+" + _DURATION_EN + r"|by\s+(?:" + _WEEKDAY + r"|tomorrow|the end of|\d{1,2}[/-]\d{1,2}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\s+\d{1,2})|follow[- ]up|call (?:you |them |her |him )?back)",
    re.IGNORECASE,
)
PROMISE_ZH = re.compile(
    r"(?<![开聚机体学社总工协理误])会(?![员话计议场])|将(?:于|在|会|为|尽快|把)|承诺(?!日期|时效|时间|的日期)|保证|确保|预计|尽快|"
    r"稍后|跟进|回电|回复您|" + _DURATION_ZH + r"(?:内|左右)?(?:到账|送达|寄出|处理|退回|发货|回复)?(?=内|到账|送达|寄出|处理|退回|发货|回复)"
)
NEGATED = re.compile(r"(?:未|不|没有|并未|无法|暂不)(?:承诺|保证)|\b(?:not|never|no|without)\s+(?:\w+\s+)?"
                     r"(?:promis\w*|commit\w*|guarantee\w*)", re.IGNORECASE)


@dataclass(frozen=True)
class Promise:
    ticket_id: str
    created_at: str
    text: str


@dataclass
class RecurringIssue:
    label: str  # the most central ticket's subject
    ticket_ids: list[str]
    terms: list[str] = field(default_factory=list)
    category: str = ""


@dataclass
class CustomerHistory:
    customer_id: str
    tickets: list[TicketRow]  # newest first
    recurring: RecurringIssue | None = None
    promises: list[Promise] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.tickets)

    @property
    def resolved(self) -> int:
        return sum(1 for t in self.tickets if is_resolved(t))

    @property
    def open(self) -> int:
        return self.total - self.resolved

    def as_json(self, redact: Callable[[str], str] = lambda s: s, recent: int = RECENT) -> dict[str, Any]:
        """The `cs-copilot history ID --json` shape (docs/assist.md)."""
        rec = self.recurring
        return {
            "customer_id": self.customer_id, "found": bool(self.tickets), "total": self.total,
            "open": self.open, "resolved": self.resolved,
            "recurring_issue": None if rec is None else {
                "label": redact(rec.label), "count": len(rec.ticket_ids), "ticket_ids": rec.ticket_ids,
                "terms": rec.terms, "category": rec.category,
            },
            "tickets": [ticket_json(t, redact) for t in self.tickets[:recent]],
            "promises": [{"ticket_id": p.ticket_id, "created_at": p.created_at, "text": redact(p.text)}
                         for p in self.promises],
        }


def ticket_json(t: TicketRow, redact: Callable[[str], str]) -> dict[str, Any]:
    return {
        "id": t.id, "created_at": t.created_at.isoformat() if t.created_at else None, "status": t.status,
        "state": "resolved" if is_resolved(t) else "open", "subject": redact(t.subject), "category": t.category,
        "channel": t.channel, "resolution": redact(t.resolution),
        "promises": [redact(s) for s in promises_in(t.resolution)],
    }


def is_resolved(t: TicketRow) -> bool:
    status = t.status.strip().lower()
    if status:
        return status in RESOLVED_STATUSES
    return bool(t.resolution.strip())


def promises_in(text: str) -> list[str]:
    """The sentences of `text` that commit to something (and do not negate the commitment)."""
    out = []
    for sentence in split_sentences(text):
        s = sentence.strip()
        if s and (PROMISE_EN.search(s) or PROMISE_ZH.search(s)) and not NEGATED.search(s):
            out.append(s)
    return out


def customer_history(container: "Container", customer_id: str) -> CustomerHistory:
    tickets = container.state().tickets.by_customer(customer_id, limit=MAX_TICKETS)
    history = CustomerHistory(customer_id, tickets)
    if not tickets:
        return history
    history.recurring = recurring_issue(container, tickets)
    for t in tickets:
        date = t.created_at.date().isoformat() if t.created_at else ""
        history.promises += [Promise(t.id, date, s) for s in promises_in(t.resolution)]
    return history


def _ticket_text(t: TicketRow) -> str:
    return "\n".join(x for x in (t.subject, t.text) if x)


def ticket_vectors(container: "Container", tickets: Sequence[TicketRow]) -> np.ndarray:
    """One unit vector per ticket: its stored chunk vectors' mean, else embedded now (passage side)."""
    stored = container.store().get_embeddings([t.id for t in tickets])
    missing = [t for t in tickets if t.id not in stored]
    if missing:
        fresh = container.embedder().embed_documents([_ticket_text(t) for t in missing])
        stored.update({t.id: np.asarray(v, dtype=np.float32) for t, v in zip(missing, fresh)})
    return np.stack([np.asarray(stored[t.id], dtype=np.float64) for t in tickets])


def recurring_issue(container: "Container", tickets: Sequence[TicketRow]) -> RecurringIssue | None:
    if len(tickets) < 2:
        return None
    try:
        vectors = ticket_vectors(container, tickets)
        means = container.retriever().language_means()
    except Exception as exc:  # the vector store is down: categories still tell something
        log.info("recurring issue from categories (vectors unavailable: %s)", type(exc).__name__)
        return _by_category(tickets)
    return group_recurring(tickets, vectors, means)


def group_recurring(tickets: Sequence[TicketRow], vectors: np.ndarray, means: dict[str, np.ndarray],
                    distance: float = HISTORY_DISTANCE) -> RecurringIssue | None:
    from bot.analytics.terms import tokenize
    from bot.assist.gaps import cluster_labels, prepare_vectors
    from bot.messages import detect_language

    langs = [t.language or detect_language(_ticket_text(t)) for t in tickets]
    x = prepare_vectors(vectors, langs, means)
    labels = cluster_labels(x, distance)
    sizes = Counter(labels.tolist())
    # the biggest group; among equals, the one with the newest ticket (tickets are newest first)
    best, size = min(sizes.items(), key=lambda kv: (-kv[1], int(np.flatnonzero(labels == kv[0])[0])))
    if size < 2:
        return None
    idx = np.flatnonzero(labels == best)
    centroid = x[idx].mean(axis=0)
    central = max(idx.tolist(), key=lambda i: float(x[i] @ centroid))
    members = [tickets[int(i)] for i in idx]
    words = Counter(w for t in members for w in set(tokenize(_ticket_text(t))))
    terms = [w for w, n in words.most_common(6) if n >= 2]
    cats = Counter(t.category for t in members if t.category)
    category = cats.most_common(1)[0][0] if cats and cats.most_common(1)[0][1] == len(members) else ""
    return RecurringIssue(label=tickets[central].subject or tickets[central].text[:60],
                          ticket_ids=[t.id for t in members], terms=terms, category=category)


def _by_category(tickets: Sequence[TicketRow]) -> RecurringIssue | None:
    cats = Counter(t.category for t in tickets if t.category)
    if not cats or cats.most_common(1)[0][1] < 2:
        return None
    category = cats.most_common(1)[0][0]
    members = [t for t in tickets if t.category == category]
    return RecurringIssue(label=members[0].subject or category, ticket_ids=[t.id for t in members],
                          category=category)
