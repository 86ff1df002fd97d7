"""/gaps (managers): the knowledge-gap queue, grouped by topic, so someone can write the missing articles.

Questions answered "I don't know", answers rated 👎 and "Need a human" clicks are grouped by topic (a Chinese
and an English question on one missing topic are one gap); each topic shows how many questions, which
signals, example questions, and whether new knowledge has closed it since (bot/assist/gaps.py).
`cs-copilot gaps --json` prints {"window_days", "open", "closed", "groups": [{"topic", "count", "status",
"kinds", "languages", "examples", "closed_by", "gap_ids", "first_seen", "last_seen"}]} (docs/assist.md).
"""

from __future__ import annotations

import re

from bot import messages
from bot.assist.gaps import CLOSED_WINDOW_DAYS, KINDS, collect
from bot.commands.base import CommandContext, CommandSpec, Option, ParsedArgs, Role
from bot.models import Reply, Report, Section, Table

SHOWN = 10  # topics detailed in the reply (all of them are in --json)
_DAYS = re.compile(r"^\s*(\d{1,4})\s*(?:d|days?|天)?\s*$", re.IGNORECASE)


def run(ctx: CommandContext, args: ParsedArgs) -> Reply:
    lang = ctx.language
    t = messages.text
    raw = args.get("since").strip()
    days: int | None = None
    if raw:
        match = _DAYS.match(raw)
        if match is None or int(match.group(1)) == 0:
            return Reply(text=t("gaps_bad_since", lang, value=raw), kind="error", language=lang)
        days = int(match.group(1))
    groups = collect(ctx.services, since_days=days, lang=lang)
    window = t("gaps_window", lang, days=days) if days else ""
    open_groups = [g for g in groups if g.open]
    closed_groups = [g for g in groups if not g.open]
    data = {"window_days": days, "closed_window_days": days or CLOSED_WINDOW_DAYS, "open": len(open_groups),
            "closed": len(closed_groups), "groups": [g.as_json() for g in groups]}
    if not groups:
        return Reply(text=t("gaps_none", lang, window=window), kind="info", language=lang, visibility="private",
                     data=data)
    summary = t("gaps_summary", lang, open=len(open_groups), signals=sum(g.count for g in open_groups),
                window=window, closed=len(closed_groups))
    rows: list[list[str]] = []
    sections: list[Section] = []
    for number, group in enumerate(groups, 1):
        kinds = ", ".join(f"{t('gaps_kind_' + k, lang)} {group.kinds[k]}" for k in KINDS if group.kinds.get(k))
        status = (t("gaps_status_open", lang) if group.open
                  else t("gaps_status_closed", lang, doc=", ".join(group.closed_by) or "-"))
        rows.append([str(number), group.label, str(group.count), kinds, "/".join(group.languages), status])
        if number <= SHOWN:
            examples = t("gaps_examples", lang, examples=" | ".join(group.examples()))
            sections.append(Section(title=f"{number}. {group.label}",
                                    body=f"{group.count} · {kinds} · {status}\n{examples}"))
    if len(groups) > SHOWN:
        sections.append(Section(body=t("gaps_more", lang, count=len(groups) - SHOWN)))
    report = Report(title=t("gaps_title", lang), summary=summary, sections=sections,
                    table=Table(columns=t("gaps_columns", lang).split("|"), rows=rows))
    return Reply(text=summary, kind="report", language=lang, report=report, visibility="private", data=data)


COMMAND = CommandSpec(
    name="/gaps",
    aliases=("/cs-gaps", "知识缺口", "缺口"),
    help={
        "en": "knowledge gaps: unanswered, 👎 and need-a-human questions grouped by topic, to write the missing articles",
        "zh": "知识缺口：未答出、被点踩和转人工的问题按主题归类，便于补写缺失的文章",
    },
    usage={"en": "[--since 30d]", "zh": "[--since 30d]"},
    options=(Option("--since", "only gaps of the last N days (e.g. 30d)"),),
    handler=run,
    slow=True,
    visibility="private",
    role=Role.MANAGER,
)
