"""/escalate: raise what a customer asked for to the managers; the same need is counted once per customer.

`/escalate <need> [customer id]` (aliases 升级, 需求). The need joins the request it matches (across
languages) or opens one; the agent is told "this is the Nth customer asking for X" with a link to the
managers' thread. The managers' buttons (Acknowledge, Planned, Declined with a reason, Need more info,
Merge) are handled here; only managers (the role settings) may use them. `cs-copilot escalate --batch FILE`
imports JSONL {id, text, customer_id, created_at} lines. The work is done by bot/escalation/.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot import messages
from bot.commands.base import CommandContext, CommandSpec, Option, ParsedArgs, Role
from bot.escalation import render
from bot.escalation.service import Agent, EscalationService, build_service
from bot.models import ActionEvent, Form, FormField, FormSubmission, IncomingMessage, Reply

NAME = "/escalate"
MAX_BATCH_LINES = 100_000
_CUSTOMER = re.compile(r"^(?:[A-Za-z]{1,3}[_#:]?\d+|\d{4,}|[^@\s]+@[^@\s]+\.\w+)$")  # C2, VIP_88, 10245


def split_customer(text: str, option: str = "") -> tuple[str, str]:
    """(need, customer id): `--customer ID`, else a last word that looks like an id (C1024, 88231, an e-mail)."""
    text = text.strip()
    if option.strip():
        return text, option.strip()
    words = text.split()
    if len(words) >= 2 and _CUSTOMER.match(words[-1].strip("[]()（）")):
        return " ".join(words[:-1]), words[-1].strip("[]()（）")
    return text, ""


def reply_to(msg: IncomingMessage) -> dict[str, str]:
    """Where to tell this agent about the request later: their thread, their message, else a direct message."""
    if msg.thread_key.count(":") >= 2:
        platform, channel, thread = msg.thread_key.split(":", 2)
        if channel and thread:
            return {"platform": platform, "channel_id": channel, "message_id": thread, "thread_id": thread}
    if msg.message_id and msg.channel_id:
        return {"platform": msg.platform, "channel_id": msg.channel_id, "message_id": msg.message_id, "thread_id": ""}
    target = msg.channel_id if msg.platform == "cli" else msg.user_id
    return {"platform": msg.platform, "channel_id": target}


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def service(ctx: CommandContext) -> EscalationService:
    return build_service(ctx.services)


def _error(key: str, lang: str, **params: Any) -> Reply:
    return Reply(text=messages.text(key, lang, **params), kind="error", language=lang)


def run(ctx: CommandContext, args: ParsedArgs) -> Reply:
    lang = ctx.language
    batch = args.get("batch")
    if batch:
        return run_batch(ctx, batch)
    need, customer = split_customer(args.text, args.get("customer"))
    if not need:
        return _error("escalation_usage", lang)
    msg = ctx.message
    svc = service(ctx)
    agent = Agent(msg.platform, msg.user_id, msg.channel_id, reply_to(msg))
    outcome = svc.escalate(need, customer, agent)
    req = outcome.request
    status = render.status_label(req.status, lang)
    if not outcome.counted:
        text = messages.text("escalation_repeat", lang, id=req.id, title=req.title, count=req.customers)
    elif outcome.new:
        text = messages.text("escalation_new", lang, id=req.id, title=req.title)
    else:
        text = messages.text("escalation_recorded", lang, ordinal=ordinal(req.customers), count=req.customers,
                             title=req.title, id=req.id, status=status)
    link = svc.link(req, msg.platform)
    if link:
        text += "\n" + messages.text("escalation_thread_link", lang, link=link)
    elif not svc._destination(msg.platform):
        text += "\n" + messages.text("escalation_no_channel", lang)
    return Reply(text=text, kind="info", language=lang, data=outcome.as_json())


def run_batch(ctx: CommandContext, path: str) -> Reply:
    """`cs-copilot escalate --batch FILE`: JSONL {id, text, customer_id, created_at}; counted, no threads."""
    lang = ctx.language
    if ctx.platform != "cli":  # never read server files for a chat user
        return _error("escalation_batch_cli_only", lang)
    try:
        lines = Path(path).expanduser().read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        return _error("escalation_batch_bad_file", lang, problem=exc.strerror or type(exc).__name__)
    svc = service(ctx)
    results: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    counts = {"new": 0, "joined": 0, "repeats": 0}
    agent = Agent("cli", ctx.user_id, ctx.message.channel_id, {})
    for number, line in enumerate(lines[:MAX_BATCH_LINES], 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
                raise ValueError("not a JSON object with a text field")
            created = _timestamp(item.get("created_at"))
        except ValueError as exc:
            errors.append({"line": number, "error": str(exc)[:200]})
            continue
        outcome = svc.escalate(item["text"], str(item.get("customer_id") or ""), agent, source="batch",
                               created_at=created, external_id=str(item.get("id", number)), open_thread=False)
        counts["new" if outcome.new else "joined" if outcome.counted else "repeats"] += 1
        results.append({"id": item.get("id", number), **outcome.as_json()})
    text = messages.text("escalation_batch_done", lang, lines=len(results) + len(errors), new=counts["new"],
                         joined=counts["joined"], repeats=counts["repeats"], errors=len(errors))
    return Reply(text=text, kind="info", language=lang,
                 data={"imported": len(results), "new_requests": counts["new"], "joined": counts["joined"],
                       "repeats": counts["repeats"], "errors": errors, "results": results})


def _timestamp(value: Any) -> float | None:
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"created_at {str(value)[:40]!r} is not an ISO date") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).timestamp()


# --- the managers' buttons and forms ------------------------------------------------------------------

def actor(ctx: CommandContext) -> str:
    """Who did it, as the thread shows it: the platform's user id (the renderers escape mention markup)."""
    return ctx.user_id


def refusal(ctx: CommandContext, lang: str) -> Reply | None:
    """None for a manager (or admin); else a polite refusal naming who can."""
    if ctx.role >= Role.MANAGER:
        return None
    settings = ctx.services.settings
    ids = [x.strip() for x in str(getattr(settings, f"{ctx.platform}_manager_ids", "") or "").split(",") if x.strip()]
    names = ", ".join(ids)
    who = messages.text("escalation_managers_are", lang, names=names) if names else ""
    _audit(ctx, "escalation_refused", "", {}, outcome="refused")
    return Reply(text=messages.text("escalation_only_managers", lang, who=who), kind="error", language=lang,
                 visibility="private")


def _audit(ctx: CommandContext, action: str, target: str, detail: dict[str, Any], outcome: str = "ok") -> None:
    try:
        from bot.audit import record

        record(ctx.services, ctx.user_id, ctx.platform, action, target, detail, role=ctx.role.name.lower(),
               outcome=outcome)
    except Exception:  # the escalation trail is the record of truth; the audit log is best effort
        import logging

        logging.getLogger(__name__).warning("could not write the audit log for %s", action)


def _request_id(value: str) -> int | None:
    try:
        return int(str(value).lstrip("#"))
    except ValueError:
        return None


def _set_status(status: str) -> Any:
    def handler(ctx: CommandContext, event: ActionEvent) -> Reply | None:
        lang = event.language or event.payload.get("lang") or ctx.language
        refused = refusal(ctx, lang)
        if refused is not None:
            return refused
        return apply_status(ctx, event.value, status, "", lang)
    return handler


def apply_status(ctx: CommandContext, value: str, status: str, note: str, lang: str) -> Reply:
    svc = service(ctx)
    rid = _request_id(value)
    current = svc.store.get(rid) if rid is not None else None
    if rid is None or current is None:
        return _error("escalation_unknown_request", lang, id=value)
    if current.merged_into is not None:
        return _error("escalation_is_merged", lang, id=rid, target=current.merged_into)
    request = svc.set_status(rid, status, actor(ctx), note)
    _audit(ctx, f"escalation_{status}", f"#{rid}", {"note": note})
    agents = len({m.agent for m in svc.store.members(rid) if m.agent})
    return Reply(text=messages.text("escalation_status_done", lang, id=rid,
                                    status=render.status_label(request.status, lang), agents=agents),
                 kind="info", language=lang, visibility="private")


def on_decline(ctx: CommandContext, event: ActionEvent) -> Reply | None:
    lang = event.language or event.payload.get("lang") or ctx.language
    refused = refusal(ctx, lang)
    if refused is not None:
        return refused
    form = Form(command=NAME, form_id="decline", title=messages.text("escalation_decline_title", lang, id=event.value),
                fields=(FormField("reason", messages.text("escalation_decline_reason", lang), "textarea",
                                  max_length=500),),
                submit_label=messages.text("escalation_button_decline", lang).rstrip("…"),
                context={"request_id": event.value, "lang": lang})
    return Reply(text=form.title, kind="form", language=lang, form=form, visibility="private")


def on_merge(ctx: CommandContext, event: ActionEvent) -> Reply | None:
    lang = event.language or event.payload.get("lang") or ctx.language
    refused = refusal(ctx, lang)
    if refused is not None:
        return refused
    rid = _request_id(event.value)
    others = [r for r in service(ctx).top(limit=50) if r.id != rid]
    if rid is None or not others:
        return _error("escalation_merge_self", lang, id=event.value)
    options = tuple((str(r.id), f"#{r.id} {r.title[:60]} ({r.customers})") for r in others[:50])
    form = Form(command=NAME, form_id="merge", title=messages.text("escalation_merge_title", lang, id=event.value),
                fields=(FormField("target", messages.text("escalation_merge_target", lang), "select",
                                  options=options),),
                submit_label=messages.text("escalation_button_merge", lang).rstrip("…"),
                context={"request_id": event.value, "lang": lang})
    return Reply(text=form.title, kind="form", language=lang, form=form, visibility="private")


def on_form(ctx: CommandContext, sub: FormSubmission) -> Reply:
    lang = sub.language or sub.context.get("lang") or ctx.language
    refused = refusal(ctx, lang)
    if refused is not None:
        return refused
    value = sub.context.get("request_id", "")
    if sub.form_id == "decline":
        reason = sub.values.get("reason", "").strip()
        if not reason:
            return _error("escalation_reason_required", lang)
        return apply_status(ctx, value, "declined", reason, lang)
    if sub.form_id == "merge":
        svc = service(ctx)
        source, target = _request_id(value), _request_id(sub.values.get("target", ""))
        if source is None or target is None or svc.store.get(source) is None or svc.store.get(target) is None:
            return _error("escalation_unknown_request", lang, id=sub.values.get("target", "") or value)
        if source == target:
            return _error("escalation_merge_self", lang, id=source)
        for rid in (source, target):
            row = svc.store.get(rid)
            if row is not None and row.merged_into is not None:
                return _error("escalation_is_merged", lang, id=rid, target=row.merged_into)
        src, dst = svc.merge(source, target, actor(ctx))
        _audit(ctx, "escalation_merge", f"#{source}", {"into": target})
        return Reply(text=messages.text("escalation_merged_done", lang, source=src.id, target=dst.id,
                                        customers=dst.customers), kind="info", language=lang, visibility="private")
    return _error("unknown_command", lang, command=f"{NAME} {sub.form_id}")


COMMAND = CommandSpec(
    name=NAME,
    aliases=("升级", "需求"),
    help={
        "en": "raise what a customer asked for to the managers (the same need is counted once per customer)",
        "zh": "把客户提出的需求升级给主管（同一需求按客户去重计数）",
    },
    usage={"en": "<what the customer asked for> [customer id]", "zh": "<客户的需求> [客户ID]"},
    options=(
        Option("--customer", "the customer's id (or put it last: `... C1024`)"),
        Option("--batch", "CLI: import a JSONL file of {id, text, customer_id, created_at}"),
    ),
    handler=run,
    slow=True,
    visibility="private",
    actions={
        "escalation_ack": _set_status("acknowledged"),
        "escalation_planned": _set_status("planned"),
        "escalation_need_info": _set_status("need_info"),
        "escalation_decline": on_decline,
        "escalation_merge": on_merge,
    },
    on_form=on_form,
)
