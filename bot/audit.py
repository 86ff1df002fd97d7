"""The audit log of privileged actions: who did what, when, on which platform, and how it ended.

    log = audit_log(container)                      # on the container's state database
    log.record("U123", "slack", "/rootcause", "refunds --since 7d", {"channel": "C1"}, role="manager")
    log.query(since=time.time() - 86400, actor="U123")   # newest first, as dicts

The router calls `record` once for every command, button or form whose spec role is manager or admin
(allowed, refused or failed): see `CommandRouter._audited`. `cs-copilot audit [--since 7d] [--actor ID]
[--action /cmd] [--json]` reads it. Free text is stored redacted (personal data replaced) and clipped.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from sqlalchemy import insert, select

from bot.errors import InputError
from bot.storage.engine import Repository
from bot.storage.models import AuditEntry

MAX_TARGET_CHARS = 300
MAX_DETAIL_CHARS = 2000
DEFAULT_LIMIT = 200
_RELATIVE = re.compile(r"^\s*(\d{1,5})\s*([smhdw])\s*$", re.I)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_IDS = frozenset({"channel", "ref", "id", "request_id", "into"})  # identifiers in `detail`, never redacted


@dataclass(frozen=True)
class AuditRecord:
    id: int
    created_at: float
    platform: str
    actor: str
    role: str
    action: str
    target: str
    outcome: str
    detail: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        when = datetime.fromtimestamp(self.created_at, tz=timezone.utc).isoformat(timespec="seconds")
        return {"id": self.id, "at": when, "created_at": self.created_at, "platform": self.platform,
                "actor": self.actor, "role": self.role, "action": self.action, "target": self.target,
                "outcome": self.outcome, "detail": self.detail}


class AuditLog(Repository):
    """The `audit_log` table (bot.storage.models.AuditEntry) on the state database's engine."""

    def record(
        self, actor: str, platform: str, action: str, target: str = "", detail: dict[str, Any] | None = None,
        *, role: str = "", outcome: str = "ok", at: float | None = None,
    ) -> None:
        payload = json.dumps(detail or {}, ensure_ascii=False, default=str)
        if len(payload) > MAX_DETAIL_CHARS:
            payload = json.dumps({"clipped": payload[:MAX_DETAIL_CHARS]}, ensure_ascii=False)
        with self.write() as conn:
            conn.execute(insert(AuditEntry).values(
                created_at=time.time() if at is None else at, platform=platform, actor=actor, role=role,
                action=action, target=_clip(target, MAX_TARGET_CHARS), outcome=outcome, detail=payload,
            ))

    def query(
        self, *, since: float | None = None, until: float | None = None, actor: str | None = None,
        action: str | None = None, platform: str | None = None, limit: int = DEFAULT_LIMIT,
    ) -> list[AuditRecord]:
        """Entries matching every filter given, newest first."""
        table = AuditEntry.__table__
        stmt = select(table)
        if since is not None:
            stmt = stmt.where(AuditEntry.created_at >= since)
        if until is not None:
            stmt = stmt.where(AuditEntry.created_at < until)
        if actor:
            stmt = stmt.where(AuditEntry.actor == actor)
        if action:
            stmt = stmt.where(AuditEntry.action == action)
        if platform:
            stmt = stmt.where(AuditEntry.platform == platform)
        stmt = stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(max(1, limit))
        with self.read() as conn:
            rows = [dict(row._mapping) for row in conn.execute(stmt)]
        return [_record(row) for row in rows]


def _record(m: dict[str, Any]) -> AuditRecord:
    try:
        detail = json.loads(m["detail"] or "{}")
    except ValueError:
        detail = {"raw": m["detail"]}
    return AuditRecord(int(m["id"]), float(m["created_at"]), m["platform"], m["actor"], m["role"], m["action"],
                       m["target"], m["outcome"], detail if isinstance(detail, dict) else {})


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def audit_log(services: Any) -> AuditLog:
    """The audit log on the container's state database (`services.state()`)."""
    state = services.state()
    return AuditLog(state.db.engine)


def record(services: Any, actor: str, platform: str, action: str, target: str = "",
           detail: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """One entry; the free text (the target and every text value of `detail`, e.g. a manager's note) goes
    through the deployment's redaction (`services.redact`) first, so the audit log holds no personal data."""
    redact = getattr(services, "redact", None)
    if callable(redact):
        target = redact(target) if target else target
        detail = {k: v if k in _IDS else _redacted(v, redact) for k, v in (detail or {}).items()}
    audit_log(services).record(actor, platform, action, target, detail, **kwargs)


def _redacted(value: Any, redact: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return redact(value) if value else value
    if isinstance(value, dict):
        return {k: _redacted(v, redact) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redacted(v, redact) for v in value]
    return value


def query(services: Any, **filters: Any) -> list[AuditRecord]:
    return audit_log(services).query(**filters)


def parse_since(value: str, now: float | None = None) -> float:
    """`7d`, `24h`, `30m`, `2w` (before now), a date `2026-11-01` or an ISO time (UTC unless it says)."""
    now = time.time() if now is None else now
    match = _RELATIVE.match(value)
    if match:
        return now - int(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise InputError("audit_bad_since", value=value) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


# --- `cs-copilot audit` ------------------------------------------------------------------------------------

def add_cli_parser(sub: Any) -> None:
    ap = sub.add_parser("audit", help="the audit log of privileged actions (manager and admin commands)")
    ap.add_argument("--since", default="", help="7d, 24h, 30m or a date/ISO time (default: everything)")
    ap.add_argument("--actor", default="", help="a platform user id")
    ap.add_argument("--action", default="", help="a command name (/rootcause) or button action id")
    ap.add_argument("--platform", default="", choices=["", "slack", "feishu", "cli"])
    ap.add_argument("--limit", type=int, default=DEFAULT_LIMIT)
    ap.add_argument("--json", action="store_true", help="one JSON object per line on stdout")


def cli_main(services: Any, args: argparse.Namespace, write: Callable[[str], Any] | None = None) -> int:
    import sys

    out = write or sys.stdout.write
    since = parse_since(args.since) if args.since else None
    rows = query(services, since=since, actor=args.actor or None, action=args.action or None,
                 platform=args.platform or None, limit=args.limit)
    for row in rows:
        if args.json:
            out(json.dumps(row.as_dict(), ensure_ascii=False) + "\n")
        else:
            d = row.as_dict()
            out(f"{d['at']}  {d['platform']:<6} {d['actor']:<14} {d['role']:<8} {d['outcome']:<8} "
                f"{d['action']} {d['target']}\n")
    return 0

