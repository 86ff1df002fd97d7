"""The /rootcause report as the neutral `Report`: summary, one section per reason, a table, a bar chart PNG
(matplotlib, imported when drawn), the CSV of ticket -> reason and a Markdown export. Also the before/after
section of reasons whose intervention shipped (bot.analytics.scripts.Trend)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from bot import messages
from bot.models import Attachment, Report, Section, Table

if TYPE_CHECKING:
    from bot.analytics.rootcause import RootCauseResult
    from bot.analytics.scripts import Trend


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if (moment.hour, moment.minute) != (0, 0) else moment.strftime("%Y-%m-%d")


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _change(count: int, previous: int) -> str:
    if previous == 0:
        return "new" if count else "0"
    return f"{100 * (count - previous) / previous:+.0f}%"


def build_report(result: "RootCauseResult", lang: str, keyword: str = "", trends: Sequence["Trend"] = ()) -> Report:
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
        sections.append(Section(title=f"{n}. {display_label(r.label, r.label_language, lang)}", body="\n".join(lines)))
        rows.append([str(n), r.label, str(r.count), _pct(r.share), str(r.previous_count),
                     _change(r.count, r.previous_count), "▲" if r.spike else "", dim])
    if result.other_ids:
        rows.append(["", t("rootcause_other", lang), str(len(result.other_ids)),
                     _pct(len(result.other_ids) / result.total) if result.total else "0%", "", "", "", ""])
    table = Table(columns=t("rootcause_columns", lang).split("|"), rows=rows)
    title = t("rootcause_title", lang) + (f": {keyword}" if keyword else "")
    sections += [trend_section(tr, lang) for tr in trends]
    report = Report(title=title, summary=summary, sections=sections, table=table)
    if result.reasons:
        report.images.append(Attachment("rootcause.png", bar_chart(result, lang), "image/png",
                                        title=t("rootcause_chart_title", lang), alt_text=summary))
    report.files.append(Attachment("rootcause.csv", csv_export(result), "text/csv", title="ticket_id → reason"))
    report.files.append(Attachment("rootcause.md", markdown_export(report).encode("utf-8"), "text/markdown",
                                   title=title))
    return report


def display_label(label: str, label_language: str, lang: str) -> str:
    """The label, with a note when it is not in the asker's language (nothing is translated)."""
    if not label_language or label_language == lang:
        return label
    note = messages.text("rootcause_label_language", lang, language=messages.text(f"rootcause_lang_{label_language}", lang))
    return f"{label} {note}"


def trend_section(trend: "Trend", lang: str) -> Section:
    t = messages.text
    before, after = trend.before, trend.after
    change = f"{100 * (after - before) / before:+.0f}%" if before else ("new" if after else "0")
    lines = [t("rootcause_trend_line", lang, day=trend.shipped_on.date().isoformat(), before=before, after=after,
               change=change)]
    lines += [t("rootcause_trend_week", lang, week=w, count=c, after=t("rootcause_trend_after", lang) if a else "")
              for w, c, a in trend.weeks]
    return Section(title=t("rootcause_trend_title", lang, label=trend.label), body="\n".join(lines))


def csv_export(result: "RootCauseResult") -> bytes:
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


def bar_chart(result: "RootCauseResult", lang: str) -> bytes:
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


