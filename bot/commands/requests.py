"""/requests: the customer requests raised with /escalate, most demanded first (aliases 需求列表).

`--status open|acknowledged|planned|declined|need_info|merged` filters (several: comma-separated);
`--limit N` (default 20). `cs-copilot requests --json` prints
`[{"request_id", "title", "customers", "status", "member_ids"}]`.
"""

from __future__ import annotations

from bot import messages
from bot.commands.base import CommandContext, CommandSpec, Option, ParsedArgs
from bot.escalation import render
from bot.escalation.service import build_service
from bot.escalation.store import STATUSES
from bot.models import Reply, Report, Table

DEFAULT_LIMIT = 20
MAX_LIMIT = 200
JSON_LIST_KEY = "$list"  # bot/cli.py prints this value itself: the contract of `requests --json` is a list


def run(ctx: CommandContext, args: ParsedArgs) -> Reply:
    lang = ctx.language
    raw = args.get("status").strip().lower()
    statuses = tuple(s.strip() for s in raw.replace("，", ",").split(",") if s.strip())
    bad = [s for s in statuses if s not in STATUSES]
    if bad:
        return Reply(text=messages.text("requests_bad_status", lang, value=bad[0], choices=", ".join(STATUSES)),
                     kind="error", language=lang)
    try:
        limit = int(args.get("limit") or DEFAULT_LIMIT)
    except ValueError:
        limit = DEFAULT_LIMIT
    limit = max(1, min(MAX_LIMIT, limit))
    svc = build_service(ctx.services)
    svc.flush_due()  # batches that became due while nobody escalated
    rows = svc.top(statuses, limit)
    items = []
    for r in rows:
        members = svc.store.members(r.id)
        items.append({"request_id": r.id, "title": r.title, "customers": r.customers, "status": r.status,
                      "member_ids": sorted({m.customer_id or m.customer_key for m in members})})
    if not rows:
        status = messages.text("requests_status_filter", lang, status=", ".join(statuses)) if statuses else ""
        return Reply(text=messages.text("requests_none", lang, status=status), kind="info", language=lang,
                     data={JSON_LIST_KEY: []})
    columns = messages.text("requests_columns", lang).split("|")
    table = Table(columns=columns, rows=[
        [f"#{r.id}", r.title[:80], str(r.customers), str(r.agents), render.status_label(r.status, lang),
         render.when(r.last_seen)] for r in rows])
    title = messages.text("requests_title", lang)
    report = Report(title=title, table=table)
    return Reply(text=title, kind="report", language=lang, report=report,
                 data={JSON_LIST_KEY: items})


COMMAND = CommandSpec(
    name="/requests",
    aliases=("需求列表",),
    help={"en": "the customer requests raised with /escalate, most demanded first",
          "zh": "查看用 /escalate 提出的客户需求，按客户数排序"},
    usage={"en": "[--status planned] [--limit 20]", "zh": "[--status planned] [--limit 20]"},
    options=(
        Option("--status", "only these statuses (comma-separated): " + ", ".join(STATUSES)),
        Option("--limit", "how many (default 20)", default=str(DEFAULT_LIMIT)),
    ),
    handler=run,
    visibility="private",
)
