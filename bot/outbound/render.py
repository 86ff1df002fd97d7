"""Plain-text views shared by the renderers: an aligned monospace table and the text of a report.

Core code (no platform import): Slack shows the table lines in a preformatted block, the terminal and
LocalOutbound print them. Widths are display widths, so Chinese cells (two columns each) stay aligned.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Callable

from bot import messages
from bot.models import Button, Reply, Report, Table

MAX_CELL_WIDTH = 32
_SPACE = re.compile(r"\s+")


def display_width(text: str) -> int:
    """Terminal/monospace columns `text` takes (East Asian wide and full-width characters count 2)."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def clip_width(text: str, width: int) -> str:
    """`text` on one line, cut to at most `width` display columns with a visible ellipsis."""
    text = _SPACE.sub(" ", text).strip()
    if display_width(text) <= width:
        return text
    out, used = "", 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out += ch
        used += w
    return out.rstrip() + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def table_lines(table: Table, max_cell: int = MAX_CELL_WIDTH) -> list[str]:
    """Header, a rule and one line per row, columns aligned; cells longer than `max_cell` are cut (…)."""
    ncols = max([len(table.columns)] + [len(r) for r in table.rows]) if (table.columns or table.rows) else 0
    if ncols == 0:
        return []
    header = [clip_width(c, max_cell) for c in table.columns] + [""] * (ncols - len(table.columns))
    rows = [[clip_width(str(c), max_cell) for c in r] + [""] * (ncols - len(r)) for r in table.rows]
    widths = [max(display_width(line[i]) for line in [header, *rows]) for i in range(ncols)]
    widths = [max(w, 1) for w in widths]

    def join(cells: list[str]) -> str:
        return "  ".join(_pad(c, w) for c, w in zip(cells, widths)).rstrip()

    return [join(header), "  ".join("-" * w for w in widths), *(join(r) for r in rows)]


def fit_lines(lines: list[str], budget: int, size: Callable[[str], int] = len) -> list[str]:
    """The leading `lines` whose joined size (newline-separated) stays within `budget`."""
    kept: list[str] = []
    used = 0
    for line in lines:
        cost = size(line) + (1 if kept else 0)
        if used + cost > budget:
            break
        kept.append(line)
        used += cost
    return kept


def rows_note(shown: int, total: int, lang: str) -> str:
    """"Showing the first N of M rows" when a renderer had to leave rows out ("" when all are shown)."""
    return messages.text("table_rows_shown", lang, shown=shown, total=total) if shown < total else ""


def report_text(report: Report, lang: str, *, max_rows: int = 50) -> str:
    """A report as plain text (terminal, LocalOutbound): title, summary, sections, the table, attachments."""
    parts: list[str] = [report.title, "=" * min(60, max(3, display_width(report.title)))]
    if report.summary:
        parts += [report.summary, ""]
    for section in report.sections:
        if section.title:
            parts.append(section.title)
        parts += [section.body, ""]
    if report.table is not None:
        if report.table.title:
            parts.append(report.table.title)
        lines = table_lines(report.table)
        shown = min(len(report.table.rows), max_rows)
        parts += lines[: 2 + shown]
        note = rows_note(shown, len(report.table.rows), lang)
        parts += [note, ""] if note else [""]
    return "\n".join(parts).rstrip()


def reply_text(reply: Reply) -> str:
    """The whole reply as plain text: the report (if any), the text, sections and numbered sources."""
    from bot.terminal import render_reply

    if reply.report is None:
        return render_reply(reply)
    head = report_text(reply.report, reply.language)
    if reply.text.strip() in (reply.report.summary.strip(), reply.report.title.strip()):
        reply = replace(reply, text="")  # already shown as the report's summary or title
    base = render_reply(reply).strip()
    return (head + ("\n\n" + base if base else "")).rstrip()


def reply_buttons(reply: Reply, answer_id: str = "", *, shareable: bool = False) -> list[Button]:
    """The buttons a reply shows: its own, then (answers with an answer id) the standard answer buttons
    whose action is not already there."""
    from bot.router import answer_buttons

    buttons = list(reply.buttons)
    if reply.kind == "answer" and answer_id:
        present = {b.action_id for b in buttons}
        buttons += [b for b in answer_buttons(reply.language, answer_id, shareable=shareable,
                                                   grounded=reply.grounded is True)
                    if b.action_id not in present]
    return buttons
