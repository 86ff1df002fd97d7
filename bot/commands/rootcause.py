"""/rootcause: why customers complain, from the complaint texts of a time window.

`/rootcause [keyword or phrase] [--since 7d|YYYY-MM-DD] [--until ...] [--top N]`

Reads the tickets of the window and of the window before it (same length) from the state store, their
stored vectors from the vector store (nothing is embedded again, except the keyword itself for the semantic
match), runs bot.analytics.rootcause.analyze and returns a report: summary, one section per top reason, a
table, a bar chart (current vs previous counts), a CSV (ticket id -> reason), a Markdown export, and the
JSON contract in `Reply.data`.

Role: manager. The report aggregates every customer's complaints (with quotes) and proposes changes to
products, processes and policies: a team lead's decision, not an agent's. Agents get the reply scripts once
a later step stores them (`save_scripts`).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import numpy as np

from bot import messages
from bot.analytics.rootcause import Complaint, RootCauseResult, analyze, match_keyword
from bot.commands.base import CommandContext, CommandSpec, Option, ParsedArgs, Role
from bot.models import Attachment, Reply, Report, Section, Table

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
    return moment.strftime("%Y-%m-%d %H:%M") if (moment.hour, moment.minute) != (0, 0) else moment.strftime("%Y-%m-%d")


def run(ctx: CommandContext, args: ParsedArgs, now: datetime | None = None) -> Reply:
    lang = ctx.language
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
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
        resolved_vectors=res_vectors, chat_model=ctx.services.chat_model(), redact=_redactor(ctx.services),
        timeout_seconds=float(getattr(settings, "llm_timeout_seconds", 20.0)),
    )
    report = build_report(result, lang, keyword)
    notices = []
    if len(indexed) < len(rows):
        notices.append(messages.text("rootcause_partial_vectors", lang, missing=len(rows) - len(indexed)))
    if result.notice:
        notices.append(messages.text("rootcause_model_fallback", lang, labels=result.notice))
    return Reply(text=report.summary, kind="report", language=lang, report=report, data=result.to_json(),
                 notice=" ".join(notices))


def _redactor(services: Any) -> Callable[[str], str] | None:
    """The privacy redaction function when the container offers one (bot/privacy, another engineer's)."""
    redact = getattr(services, "redact", None)
    return redact if callable(redact) else None


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _change(count: int, previous: int) -> str:
    if previous == 0:
        return "new" if count else "0"
    return f"{100 * (count - previous) / previous:+.0f}%"


def build_report(result: RootCauseResult, lang: str, keyword: str = "") -> Report:
    t = messages.text
    kw = t("rootcause_keyword", lang, keyword=keyword) if keyword else ""
    since = _day(result.since) if result.since else "-"
    until = _day(result.until) if result.until else "-"
    covered = sum(r.count for r in result.reasons)
    summary = t("rootcause_summary", lang, total=result.total, keyword=kw, since=since, until=until,
                previous=result.previous_total, shown=len(result.reasons),
                covered=_pct(covered / result.total) if result.total else "0%", other=len(result.other_ids))
    spikes = [r.label for r in result.reasons if r.spike]
    if spikes:
        summary += " " + t("rootcause_spikes", lang, labels=", ".join(spikes))
    sep = "、" if lang == "zh" else ", "
    sections = []
    rows = []
    for n, r in enumerate(result.reasons, 1):
        dim = t(f"rootcause_dim_{r.dimension}", lang)
        spike = (" " + t("rootcause_spike_mark", lang)) if r.spike else ""
        lines = [t("rootcause_reason_head", lang, count=r.count, share=_pct(r.share), previous=r.previous_count,
                   spike=spike, dimension=dim)]
        if r.evidence:
            ev = sep.join(f"\"{e['phrase']}\" ({', '.join(e['ticket_ids'][:3])})" for e in r.evidence)
            lines.append(f"*{t('rootcause_evidence', lang)}:* {ev}")
        lines.append(f"*{t('rootcause_examples', lang)}:*")
        lines += [f"> [{e['ticket_id']}] {e['text']}" for e in r.examples]
        lines.append(f"*{t('rootcause_interventions', lang)}:*")
        lines += [f"• {i}" for i in r.interventions]
        lines.append(f"*{t('rootcause_scripts', lang)}:*")
        lines += [f"{k}. {s}" for k, s in enumerate(r.scripts, 1)]
        if r.categories:
            cats = sep.join(f"{c} ({k})" for c, k in r.categories.items())
            lines.append(f"*{t('rootcause_categories', lang)}:* {cats}")
        more = f" (+{len(r.ticket_ids) - 10})" if len(r.ticket_ids) > 10 else ""
        lines.append(f"*{t('rootcause_tickets', lang)}:* {', '.join(r.ticket_ids[:10])}{more}")
        sections.append(Section(title=f"{n}. {r.label}", body="\n".join(lines)))
        rows.append([str(n), r.label, str(r.count), _pct(r.share), str(r.previous_count),
                     _change(r.count, r.previous_count), "▲" if r.spike else "", dim])
    if result.other_ids:
        rows.append(["", t("rootcause_other", lang), str(len(result.other_ids)),
                     _pct(len(result.other_ids) / result.total) if result.total else "0%", "", "", "", ""])
    table = Table(columns=t("rootcause_columns", lang).split("|"), rows=rows)
    title = t("rootcause_title", lang) + (f": {keyword}" if keyword else "")
    report = Report(title=title, summary=summary, sections=sections, table=table)
    if result.reasons:
        report.images.append(Attachment("rootcause.png", bar_chart(result, lang), "image/png",
                                        title=t("rootcause_chart_title", lang), alt_text=summary))
    report.files.append(Attachment("rootcause.csv", csv_export(result), "text/csv", title="ticket_id → reason"))
    report.files.append(Attachment("rootcause.md", markdown_export(report).encode("utf-8"), "text/markdown",
                                   title=title))
    return report


def csv_export(result: RootCauseResult) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["ticket_id", "reason", "rank", "dimension"])
    for n, r in enumerate(result.reasons, 1):
        for tid in r.ticket_ids:
            writer.writerow([tid, r.label, n, r.dimension])
    for tid in result.other_ids:
        writer.writerow([tid, "other", "", ""])
    return buf.getvalue().encode("utf-8-sig")  # BOM: Excel opens Chinese CSV correctly


def markdown_export(report: Report) -> str:
    out = [f"# {report.title}", "", report.summary, ""]
    if report.table is not None:
        out.append("| " + " | ".join(report.table.columns) + " |")
        out.append("|" + "---|" * len(report.table.columns))
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in report.table.rows]
        out.append("")
    for s in report.sections:
        out += [f"## {s.title}", "", s.body.replace("*", "**").replace("****", "**"), ""]
    return "\n".join(out)


def _cjk_font() -> str | None:
    from matplotlib import font_manager

    for font in font_manager.fontManager.ttflist:
        if any(k in font.name for k in ("CJK", "WenQuanYi", "SimHei", "Source Han", "Hiragino", "PingFang", "YaHei")):
            return str(font.name)
    return None


def bar_chart(result: RootCauseResult, lang: str) -> bytes:
    """Current vs previous counts of the top reasons (matplotlib, Agg). Without a CJK font installed, the
    bars are named #1, #2 ... (the table gives the labels) and the chart's words are English."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = _cjk_font()
    has_cjk = any(re.search(r"[\u3400-\u9fff]", r.label) for r in result.reasons) or lang == "zh"
    chart_lang = lang if (font or not has_cjk) else "en"
    names = [f"#{n} {r.label}" if (font or not has_cjk) else f"#{n}" for n, r in enumerate(result.reasons, 1)]
    names = [n if len(n) <= 28 else n[:27] + "…" for n in names]
    y = np.arange(len(names))
    rc: dict[str, Any] = {"font.family": [font, "DejaVu Sans"]} if font else {}
    with plt.rc_context(rc):  # type: ignore[arg-type]
        fig, ax = plt.subplots(figsize=(8, 0.6 * len(names) + 1.6), dpi=100)
        ax.barh(y - 0.2, [r.count for r in result.reasons], 0.4, label=messages.text("rootcause_chart_current", chart_lang))
        ax.barh(y + 0.2, [r.previous_count for r in result.reasons], 0.4, color="#bbbbbb",
                label=messages.text("rootcause_chart_previous", chart_lang))
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.set_title(messages.text("rootcause_chart_title", chart_lang))
        ax.legend(loc="lower right")
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
    return buf.getvalue()


def script_records(result: RootCauseResult) -> list[dict[str, Any]]:
    """The reply scripts of a report as records {label, dimension, language, script, ticket_ids}."""
    return [{"label": r.label, "dimension": r.dimension, "language": result.language, "script": s,
             "ticket_ids": r.ticket_ids[:20], "generated_by": r.generated_by}
            for r in result.reasons for s in r.scripts]


def save_scripts(state: Any, result: RootCauseResult) -> int:
    """Boundary for the later step that stores reply scripts (a scripts table): hands the records to
    `state.scripts.add_many(records)` when that repository exists and returns how many were saved;
    until then nothing is stored and it returns 0."""
    repo = getattr(state, "scripts", None)
    if repo is None or not hasattr(repo, "add_many"):
        return 0
    return int(repo.add_many(script_records(result)))


COMMAND = CommandSpec(
    name="/rootcause",
    aliases=("根因", "投诉分析"),
    help={
        "en": "why customers complain: top reasons of a time window, trend, likely cause, fixes and reply scripts",
        "zh": "投诉根因分析：时间窗口内的主要投诉原因、趋势、可能原因、改进建议和参考话术",
    },
    usage={"en": "[keyword] [--since 7d|YYYY-MM-DD] [--until ...] [--top N]",
           "zh": "[关键词] [--since 7d|YYYY-MM-DD] [--until ...] [--top N]"},
    options=(
        Option("--since", "start of the window: 7d, 24h, 4w or a date (default: 7 days before --until)"),
        Option("--until", "end of the window: a date or 1d ... (default: now)"),
        Option("--top", "how many reasons to show (1-20, default 5)", default=str(DEFAULT_TOP)),
    ),
    handler=run,
    slow=True,
    visibility="channel",
    role=Role.MANAGER,
)
