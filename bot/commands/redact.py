"""/redact: the text with personal data replaced by typed placeholders ([PHONE_1], [EMAIL_1], ...)."""

from __future__ import annotations

from bot import messages
from bot.commands.base import CommandContext, CommandSpec, ParsedArgs
from bot.models import Reply
from bot.privacy import Redactor


def redactor_for(services: object) -> Redactor:
    settings = getattr(services, "settings", None)
    return Redactor(getattr(settings, "redact_types", None) or None)


def run(ctx: CommandContext, args: ParsedArgs) -> Reply:
    lang = ctx.language
    text = ctx.message.text.strip()  # the whole text: redaction must not eat `--words` of the message
    if not text:
        return Reply(text=messages.text("redact_empty", lang), kind="error", language=lang)
    red = redactor_for(ctx.services).redact(text)
    found = ", ".join(sorted({e.type for e in red.entities})) or "-"
    return Reply(
        text=red.text, kind="info", language=lang, visibility="private", data=red.as_json(),
        notice=messages.text("redact_found", lang, count=len(red.entities), types=found),
    )


COMMAND = CommandSpec(
    name="/redact",
    aliases=("脱敏",),
    help={
        "en": "the text with personal data (phones, emails, IDs, cards, names, addresses) replaced by placeholders",
        "zh": "把文本中的个人信息（电话、邮箱、身份证、银行卡、姓名、地址）替换为占位符",
    },
    usage={"en": "<text>", "zh": "<文本>"},
    handler=run,
    visibility="private",
    needs_text=True,
    cli_batch=True,
)
