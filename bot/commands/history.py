"""/history <customer id>: a customer's past tickets (counts, recurring issue, latest resolutions, promises).

`cs-copilot history C120559 --json` prints (docs/assist.md):
{"customer_id", "found", "total", "open", "resolved",
 "recurring_issue": {"label", "count", "ticket_ids", "terms", "category"} | null,
 "tickets": [{"id", "created_at", "status", "state", "subject", "category", "channel", "resolution",
              "promises"}] (newest first, the latest 5),
 "promises": [{"ticket_id", "created_at", "text"}] (newest first)}
Quotes are redacted with the deployment's personal-data redactor (REDACT_TYPES).
"""

from __future__ import annotations

import re

from bot import messages
from bot.assist.history import RECENT, customer_history, is_resolved
from bot.commands.base import CommandContext, CommandSpec, ParsedArgs
from bot.models import Reply, Section

MAX_RESOLUTION = 200
_ID_EDGE = re.compile(r"^[\s:：,，。.#＃\"'“”]+|[\s:：,，。.\"'“”?？!！]+$")


def _clip(text: str, limit: int = MAX_RESOLUTION) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def run(ctx: CommandContext, args: ParsedArgs) -> Reply:
    lang = ctx.language
    t = messages.text
    words = args.text.split()
    customer = _ID_EDGE.sub("", words[0]) if words else ""
    if not customer:
        return Reply(text=t("history_empty", lang), kind="error", language=lang)
    history = customer_history(ctx.services, customer)
    if not history.tickets and customer.upper() != customer:
        history = customer_history(ctx.services, customer.upper())
    redact = ctx.services.redact
    data = history.as_json(redact)
    if not history.tickets:
        return Reply(text=t("history_none", lang, customer=customer), kind="info", language=lang,
                     visibility="private", data=data)
    customer = history.customer_id
    summary = t("history_summary", lang, total=history.total, open=history.open, resolved=history.resolved)
    rec = history.recurring
    if rec is None:
        recurring = t("history_no_recurring", lang)
    else:
        detail = t("history_recurring_terms", lang, terms=", ".join(rec.terms)) if rec.terms else ""
        recurring = t("history_recurring", lang, count=len(rec.ticket_ids), label=redact(rec.label), detail=detail,
                      ids=", ".join(rec.ticket_ids))
    lines = []
    for ticket in history.tickets[:RECENT]:
        date = ticket.created_at.date().isoformat() if ticket.created_at else "-"
        state = t("history_state_resolved" if is_resolved(ticket) else "history_state_open", lang)
        lines.append(t("history_ticket_line", lang, id=ticket.id, date=date, state=state,
                       subject=redact(ticket.subject or _clip(ticket.text, 60))))
        if ticket.resolution.strip():
            lines.append(t("history_resolution_line", lang, text=redact(_clip(ticket.resolution))))
    if history.total > RECENT:
        lines.append(t("history_more", lang, count=history.total - RECENT))
    promises = [t("history_promise_line", lang, id=p.ticket_id, date=p.created_at or "-", text=redact(_clip(p.text)))
                for p in history.promises[:6]]
    sections = [
        Section(title=t("history_recurring_heading", lang), body=recurring),
        Section(title=t("history_recent_heading", lang), body="\n".join(lines)),
        Section(title=t("history_promises_heading", lang), body="\n".join(promises) or t("history_no_promises", lang)),
    ]
    text = f"{t('history_title', lang, customer=customer)}\n{summary}"
    return Reply(text=text, kind="info", language=lang, sections=sections, visibility="private", data=data)


COMMAND = CommandSpec(
    name="/history",
    aliases=("/cs-history", "历史", "客户历史"),
    help={
        "en": "a customer's past tickets: how many, open vs resolved, the recurring issue, latest resolutions, promises",
        "zh": "客户的历史工单：数量、未解决与已解决、反复出现的问题、最近的处理结果和承诺",
    },
    usage={"en": "<customer id>", "zh": "<客户编号>"},
    handler=run,
    slow=True,
    visibility="private",
    needs_text=True,
)
