"""/scripts: the reply scripts (话术) saved by /rootcause reports, for a manager to review, edit or delete.

`/scripts` lists them (id, reason, language, text); `/scripts --edit ID new text` replaces one's text;
`/scripts --delete ID` removes it. /ask offers a script when a question matches its reason
(bot.analytics.scripts.offer_script). Role: manager (agents see the scripts through /ask).
"""

from __future__ import annotations

from bot import messages
from bot.commands.base import CommandContext, CommandSpec, Option, ParsedArgs, Role
from bot.models import Reply, Report, Table

MAX_LISTED = 50


def _id(raw: str) -> int | None:
    key = raw.strip().lstrip("#")
    return int(key) if key.isdigit() else None


def run(ctx: CommandContext, args: ParsedArgs) -> Reply:
    from bot.analytics.scripts import repository

    lang = ctx.language
    repo = repository(ctx.services.state())
    if args.get("delete"):
        sid = _id(args.get("delete"))
        if sid is None:
            return Reply(text=messages.text("scripts_bad_id", lang), kind="error", language=lang)
        if not repo.delete(sid):
            return Reply(text=messages.text("scripts_not_found", lang, id=sid), kind="error", language=lang)
        return Reply(text=messages.text("scripts_deleted", lang, id=sid), language=lang, data={"deleted": sid})
    if args.get("edit"):
        sid = _id(args.get("edit"))
        if sid is None:
            return Reply(text=messages.text("scripts_bad_id", lang), kind="error", language=lang)
        if not args.text.strip():
            return Reply(text=messages.text("scripts_empty_text", lang, id=sid), kind="error", language=lang)
        if not repo.edit(sid, args.text, f"{ctx.platform}:{ctx.user_id}"):
            return Reply(text=messages.text("scripts_not_found", lang, id=sid), kind="error", language=lang)
        return Reply(text=messages.text("scripts_edited", lang, id=sid), language=lang,
                     data={"edited": sid, "script": args.text.strip()})
    rows = repo.list_scripts()
    if not rows:
        return Reply(text=messages.text("scripts_none", lang), language=lang, data={"scripts": []})
    shown = rows[-MAX_LISTED:]
    table = Table(columns=messages.text("scripts_columns", lang).split("|"),
                  rows=[[str(s.id), s.label, s.language, s.script, s.generated_by] for s in shown])
    title = messages.text("scripts_title", lang)
    summary = f"{title}: {len(rows)}"
    return Reply(text=summary, kind="report", language=lang, report=Report(title=title, summary=summary, table=table),
                 data={"scripts": [s.as_json() for s in rows]})


COMMAND = CommandSpec(
    name="/scripts",
    aliases=("话术",),
    help={"en": "review, edit or delete the reply scripts saved by /rootcause",
          "zh": "查看、修改或删除 /rootcause 保存的话术"},
    usage={"en": "[--edit ID new text | --delete ID]", "zh": "[--edit 编号 新内容 | --delete 编号]"},
    options=(
        Option("--edit", "the id of the script to replace with the text that follows"),
        Option("--delete", "the id of the script to delete"),
    ),
    handler=run,
    visibility="private",
    role=Role.MANAGER,
)
