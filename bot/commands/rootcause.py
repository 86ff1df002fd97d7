"""/rootcause: why customers complain, from the complaint texts of a time window.

`/rootcause [keyword or phrase] [--since 7d|YYYY-MM-DD] [--until ...] [--top N]`
`/rootcause --intervention REASON --shipped YYYY-MM-DD` (REASON: a report's label or its reason number #id)

Reads the tickets of the window and of the window before it (same length) from the state store, their
stored vectors from the vector store (nothing is embedded again, except the keyword itself for the semantic
match), runs bot.analytics.rootcause.analyze and returns a report: summary, one section per top reason, a
table, a bar chart (current vs previous counts), a CSV (ticket id -> reason), a Markdown export, and the
JSON contract in `Reply.data`.

Each report saves its reasons (per-language centroids of their stored vectors) and reply scripts
(bot.analytics.scripts; reviewed with /scripts, offered by /ask). A reason whose intervention was marked
shipped (the option above, or the report's button and its date form) gets a before/after section in later
reports: its weekly volume, matched by meaning to the complaints of those weeks.

Role: manager. The report aggregates every customer's complaints (with quotes) and proposes changes to
products, processes and policies: a team lead's decision, not an agent's. Heavy libraries (the analysis,
numpy, langchain, matplotlib) are imported by the handlers, never when the registry loads this module.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable

from bot import messages
from bot.commands.base import CommandContext, CommandSpec, Option, ParsedArgs, Role
from bot.models import ActionEvent, Button, Form, FormField, FormSubmission, Reply, Section

if TYPE_CHECKING:
    from bot.analytics.rootcause import RootCauseResult

DEFAULT_WINDOW = timedelta(days=7)
MAX_TOP = 20
DEFAULT_TOP = 5
_RELATIVE = re.compile(r"^(\d{1,4})\s*([hdwm])$", re.I)
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1), "m": timedelta(days=30)}


class _BadInput(ValueError):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def parse_when(value: str, now: datetime, option: str, upper: bool = False) -> datetime:
    """'7d' / '24h' / '4w' / '2m' (before now), or an ISO date/datetime -> naive UTC. A date-only upper
    bound covers that whole day."""
    text = value.strip()
    match = _RELATIVE.match(text)
    if match:
        return now - int(match.group(1)) * _UNITS[match.group(2).lower()]
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _BadInput("rootcause_bad_date", value=value, option=option) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    if upper and len(text) <= 10:
        parsed += timedelta(days=1)
    return parsed


def parse_window(args: ParsedArgs, now: datetime) -> tuple[datetime, datetime, int]:
    until = parse_when(args.get("until"), now, "--until", upper=True) if args.get("until") else now
    since = parse_when(args.get("since"), now, "--since") if args.get("since") else until - DEFAULT_WINDOW
    if since >= until:
        raise _BadInput("rootcause_bad_range", since=since.isoformat(sep=" "), until=until.isoformat(sep=" "))
    raw_top = args.get("top", str(DEFAULT_TOP)).strip() or str(DEFAULT_TOP)
    if not raw_top.isdigit() or not 1 <= int(raw_top) <= MAX_TOP:
        raise _BadInput("rootcause_bad_top", value=raw_top, limit=MAX_TOP)
    return since, until, int(raw_top)


def _day(moment: datetime) -> str:
    from bot.analytics.report import _day as day

    return day(moment)


def run(ctx: CommandContext, args: ParsedArgs, now: datetime | None = None) -> Reply:
    import numpy as np

    from bot.analytics.report import build_report
    from bot.analytics.rootcause import Complaint, analyze, match_keyword
    from bot.analytics.scripts import save_report

    lang = ctx.language
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    if args.get("intervention") or args.get("shipped"):
        return record_intervention(ctx, args.get("intervention") or args.text, args.get("shipped"), now)
    try:
        since, until, top = parse_window(args, now)
    except _BadInput as bad:
        return Reply(text=messages.text(bad.key, lang, **bad.params), kind="error", language=lang)
    keyword = args.text.strip()
    start = since - (until - since)
    state = ctx.services.state()
    rows = [r for r in state.tickets.query(since=start, until=until) if r.created_at is None or r.created_at < until]
    kw = messages.text("rootcause_keyword", lang, keyword=keyword) if keyword else ""

    def empty() -> Reply:
        return Reply(text=messages.text("rootcause_no_tickets", lang, keyword=kw, since=_day(since), until=_day(until)),
                     kind="info", language=lang)

    if not rows:
        return empty()
    found = ctx.services.store().get_embeddings([r.id for r in rows])
    indexed = [r for r in rows if r.id in found]
    if not indexed:
        return Reply(text=messages.text("rootcause_no_vectors", lang, count=len(rows)), kind="info", language=lang)
    complaints = [Complaint(id=r.id, text="\n".join(p for p in (r.subject, r.text) if p), created_at=r.created_at,
                            lang=r.language if r.language in ("zh", "en") else "", category=r.category,
                            resolution=r.resolution) for r in indexed]
    vectors = np.stack([found[r.id] for r in indexed]).astype(np.float32)
    if keyword:
        query = ctx.services.embedder().embed_query(keyword)
        mask = match_keyword(complaints, vectors, keyword, query)
        complaints = [c for c, m in zip(complaints, mask) if m]
        vectors = vectors[mask]
    if not any(c.created_at is None or c.created_at >= since for c in complaints):
        return empty()
    resolved = [c for c in complaints if c.resolution.strip()]
    res_vectors = vectors[[i for i, c in enumerate(complaints) if c.resolution.strip()]] if resolved else None
    settings = ctx.services.settings
    result = analyze(
        complaints, vectors, since=since, until=until, top=top, language=lang, resolved=resolved,
        resolved_vectors=res_vectors, chat_model=_gateway_model(ctx), redact=_redactor(ctx.services),
        timeout_seconds=float(getattr(settings, "llm_timeout_seconds", 20.0)),
    )
    from bot.analytics.rootcause import _lang

    by_id = {c.id: vectors[i] for i, c in enumerate(complaints)}
    reason_ids = save_report(state, result, by_id, {c.id: _lang(c) for c in complaints})
    trends = _trends(ctx, until)
    report = build_report(result, lang, keyword, trends)
    notices = []
    if len(indexed) < len(rows):
        notices.append(messages.text("rootcause_partial_vectors", lang, missing=len(rows) - len(indexed)))
    if result.notice:
        notices.append(messages.text("rootcause_model_fallback", lang, labels=result.notice))
    data = result.to_json()
    for reason in data["reasons"]:
        reason["reason_id"] = reason_ids.get(reason["label"])
    data["interventions"] = [t.to_json() for t in trends]
    return Reply(text=report.summary, kind="report", language=lang, report=report, data=data,
                 notice=" ".join(notices), buttons=_buttons(result, reason_ids, lang))


def _buttons(result: "RootCauseResult", reason_ids: dict[str, int], lang: str) -> list[Button]:
    """Per reason: expand it, and mark its intervention shipped (a form asks for the date)."""
    out: list[Button] = []
    for n, r in enumerate(result.reasons, 1):
        rid = str(reason_ids.get(r.label, ""))
        payload = {"lang": lang, "n": str(n)}
        out.append(Button(EXPAND, messages.text("rootcause_expand", lang, n=n), rid, payload=payload))
        out.append(Button(SHIPPED, messages.text("rootcause_mark_shipped", lang, n=n), rid, payload=payload))
    return out


def _trends(ctx: CommandContext, until: datetime) -> list[Any]:
    """Before/after weekly volumes of the reasons whose intervention shipped, from stored vectors."""
    import numpy as np

    from bot.analytics.rootcause import Complaint, _lang
    from bot.analytics.scripts import WEEK, WEEKS_SHOWN, repository, trends

    reasons = repository(ctx.services.state()).reasons()
    shipped = [r.shipped_on for r in reasons if r.shipped_on is not None]
    if not shipped:
        return []
    first = datetime.fromtimestamp(min(shipped), tz=timezone.utc).replace(tzinfo=None) - WEEK * WEEKS_SHOWN
    rows = list(ctx.services.state().tickets.query(since=first, until=until))
    found = ctx.services.store().get_embeddings([r.id for r in rows]) if rows else {}
    rows = [r for r in rows if r.id in found]
    if not rows:
        return []
    x = np.stack([found[r.id] for r in rows]).astype(np.float32)
    langs = [_lang(Complaint(id=r.id, text=r.text, lang=r.language if r.language in ("zh", "en") else ""))
             for r in rows]
    return trends(reasons, [r.created_at for r in rows], x, langs, until)


def _find_reason(ctx: CommandContext, ref: str) -> Any:
    """A saved reason by id ("12" or "#12") or by label (exact, then case-insensitive)."""
    from bot.analytics.scripts import repository

    reasons = repository(ctx.services.state()).reasons()
    key = ref.strip().lstrip("#")
    if key.isdigit():
        return next((r for r in reasons if r.id == int(key)), None)
    exact = [r for r in reasons if r.label == ref.strip()] or [r for r in reasons if r.label.lower() == ref.strip().lower()]
    return exact[-1] if exact else None


def record_intervention(ctx: CommandContext, ref: str, shipped: str, now: datetime) -> Reply:
    from bot.analytics.scripts import repository

    lang = ctx.language
    if not ref.strip() or not shipped.strip():
        return Reply(text=messages.text("rootcause_intervention_usage", lang), kind="error", language=lang)
    reason = _find_reason(ctx, ref)
    if reason is None:
        return Reply(text=messages.text("rootcause_unknown_reason", lang, reason=ref), kind="error", language=lang)
    try:
        day = parse_when(shipped, now, "--shipped")
    except _BadInput as bad:
        return Reply(text=messages.text(bad.key, lang, **bad.params), kind="error", language=lang)
    repository(ctx.services.state()).mark_shipped(reason.id, day.replace(tzinfo=timezone.utc).timestamp(),
                                                  f"{ctx.platform}:{ctx.user_id}")
    return Reply(text=messages.text("rootcause_shipped_saved", lang, reason=reason.label, day=_day(day)), kind="info",
                 language=lang, data={"reason_id": reason.id, "label": reason.label, "shipped_on": _day(day)})


def on_expand(ctx: CommandContext, event: ActionEvent) -> Reply:
    """A reason's detail: label, dimension, example complaints (from the ticket rows), its saved scripts."""
    from bot.analytics.scripts import repository

    lang = ctx.language
    reason = _find_reason(ctx, event.value)
    if reason is None:
        return Reply(text=messages.text("rootcause_unknown_reason", lang, reason=event.value), kind="error",
                     language=lang)
    repo = repository(ctx.services.state())
    redact = _redactor(ctx.services) or (lambda s: s)
    tickets = ctx.services.state().tickets.get(reason.ticket_ids[:3])
    lines = [f"*{messages.text('rootcause_dimension', lang)}:* {messages.text(f'rootcause_dim_{reason.dimension}', lang)}"
             if reason.dimension else "", f"*{messages.text('rootcause_examples', lang)}:*"]
    lines += [f"> [{t.id}] {redact(' '.join(t.text.split()))[:180]}" for t in tickets]
    scripts = [s for s in repo.list_scripts() if s.reason_id == reason.id]
    if scripts:
        lines.append(f"*{messages.text('rootcause_scripts', lang)}:*")
        lines += [f"#{s.id} ({s.language}) {s.script}" for s in scripts]
    more = f" (+{len(reason.ticket_ids) - 20})" if len(reason.ticket_ids) > 20 else ""
    lines.append(f"*{messages.text('rootcause_tickets', lang)}:* {', '.join(reason.ticket_ids[:20])}{more}")
    section = Section(title=f"#{reason.id} {reason.label}", body="\n".join(x for x in lines if x))
    return Reply(text=section.title, kind="info", language=lang, sections=[section],
                 data={"reason_id": reason.id, "label": reason.label, "ticket_ids": reason.ticket_ids})


def on_shipped_button(ctx: CommandContext, event: ActionEvent) -> Reply:
    lang = ctx.language
    reason = _find_reason(ctx, event.value)
    if reason is None:
        return Reply(text=messages.text("rootcause_unknown_reason", lang, reason=event.value), kind="error",
                     language=lang)
    today = datetime.now(timezone.utc).date().isoformat()
    form = Form(command=NAME, form_id="shipped", title=messages.text("rootcause_shipped_title", lang)[:24],
                fields=(FormField("shipped", messages.text("rootcause_shipped_field", lang, reason=reason.label)[:150],
                                  initial=today, max_length=10),),
                submit_label=messages.text("rootcause_shipped_submit", lang),
                context={"reason_id": str(reason.id), "lang": lang})
    return Reply(text=form.title, kind="form", language=lang, form=form, visibility="private")


def on_form(ctx: CommandContext, sub: FormSubmission) -> Reply:
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    return record_intervention(ctx, sub.context.get("reason_id", ""), sub.values.get("shipped", ""), now)


def _redactor(services: Any) -> Callable[[str], str] | None:
    """The privacy redaction function when the container offers one (bot/privacy, another engineer's)."""
    redact = getattr(services, "redact", None)
    return redact if callable(redact) else None


def script_records(result: "RootCauseResult") -> list[dict[str, Any]]:
    """The reply scripts of a report as records {label, dimension, language, script, ticket_ids}."""
    return [{"label": r.label, "dimension": r.dimension, "language": result.language, "script": s,
             "ticket_ids": r.ticket_ids[:20], "generated_by": r.generated_by}
            for r in result.reasons for s in r.scripts]


NAME = "/rootcause"
EXPAND = "rootcause_expand"
SHIPPED = "rootcause_shipped"

COMMAND = CommandSpec(
    name=NAME,
    aliases=("根因", "投诉分析"),
    help={
        "en": "why customers complain: top reasons of a time window, trend, likely cause, fixes and reply scripts",
        "zh": "投诉根因分析：时间窗口内的主要投诉原因、趋势、可能原因、改进建议和参考话术",
    },
    usage={"en": "[keyword] [--since 7d|YYYY-MM-DD] [--until ...] [--top N] | --intervention REASON --shipped DATE",
           "zh": "[关键词] [--since 7d|YYYY-MM-DD] [--until ...] [--top N] | --intervention 原因 --shipped 日期"},
    options=(
        Option("--since", "start of the window: 7d, 24h, 4w or a date (default: 7 days before --until)"),
        Option("--until", "end of the window: a date or 1d ... (default: now)"),
        Option("--top", "how many reasons to show (1-20, default 5)", default=str(DEFAULT_TOP)),
        Option("--intervention", "a reason (its label or #id in a report) whose fix shipped; with --shipped"),
        Option("--shipped", "the date the intervention shipped (YYYY-MM-DD)"),
    ),
    handler=run,
    slow=True,
    visibility="channel",
    role=Role.MANAGER,
    actions={EXPAND: on_expand, SHIPPED: on_shipped_button},
    on_form=on_form,
)


class _GatewayModel:
    """The chat model seen through the model gateway (redaction, timeout, per-user rate limit), with the
    `invoke(messages)` shape the analytics core calls."""

    def __init__(self, gateway: Any, user_key: str) -> None:
        self._gateway = gateway
        self._user_key = user_key

    def invoke(self, messages: Any) -> str:
        return str(self._gateway.invoke(messages, user_key=self._user_key))


def _gateway_model(ctx: CommandContext) -> "_GatewayModel | None":
    from bot.llm.gateway import gateway_for

    gateway = gateway_for(ctx.services)
    return None if gateway is None else _GatewayModel(gateway, f"{ctx.platform}:{ctx.user_id}")
