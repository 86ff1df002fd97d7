"""/help: the commands the asker may run, from the registry's help lines, in the asker's language."""

from __future__ import annotations

from bot import messages
from bot.commands.base import CommandContext, CommandSpec, ParsedArgs
from bot.models import Reply


def help_text(ctx: CommandContext) -> str:
    registry = ctx.registry
    lang = ctx.language
    lines = [messages.text("help_header", lang)]
    specs = registry.visible_to(ctx.role) if registry is not None else [COMMAND]
    for spec in specs:
        usage = spec.usage.get(lang) or spec.usage.get("en", "")
        head = f"`{spec.name}{' ' + usage if usage else ''}`"
        aliases = ", ".join(spec.aliases)
        line = f"• {head}: {spec.help.get(lang) or spec.help.get('en', '')}"
        if aliases:
            line += " " + messages.text("help_aliases", lang, aliases=aliases)
        lines.append(line)
    return "\n".join(lines)


def run(ctx: CommandContext, args: ParsedArgs) -> Reply:
    return Reply(text=help_text(ctx), kind="help", language=ctx.language,
                 data={"commands": [s.name for s in (ctx.registry.visible_to(ctx.role) if ctx.registry else [])]})


COMMAND = CommandSpec(
    name="/help",
    aliases=("/cs-help", "帮助"),
    help={"en": "this list of commands", "zh": "显示本帮助"},
    handler=run,
    visibility="private",  # only the asker sees the list (Slack: an ephemeral reply)
)
