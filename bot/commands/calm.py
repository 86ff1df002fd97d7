"""/calm: the customer's message in neutral wording, its core issue, emotion level and threat flags
(for the agent only)."""

from __future__ import annotations

from bot import messages
from bot.assist.calm import calm
from bot.commands.base import CommandContext, CommandSpec, ParsedArgs
from bot.llm.ratelimit import RateLimited
from bot.models import Reply, Section


def run(ctx: CommandContext, args: ParsedArgs) -> Reply:
    lang = ctx.language
    text = ctx.message.text.strip()
    if not text:
        return Reply(text=messages.text("calm_empty", lang), kind="error", language=lang)
    from bot.llm.gateway import gateway_for

    try:
        result = calm(text, gateway=gateway_for(ctx.services), user_key=f"{ctx.platform}:{ctx.user_id}")
    except RateLimited as exc:
        return Reply(text=exc.user_message(lang), kind="error", language=lang)
    t = messages.text
    flags = []
    if result.threat:
        flags.append(t("calm_threat", lang))
    if result.legal:
        flags.append(t("calm_legal", lang))
    sections = [
        Section(title=t("calm_core_issue", lang), body=result.core_issue or "-"),
        Section(title=t("calm_level", lang), body=t(f"calm_level_{result.level}", lang)),
    ]
    if flags:
        sections.append(Section(title=t("calm_escalate", lang), body=" ".join(flags)))
    notice = t("calm_model_fallback", lang) if result.notice else ""
    return Reply(text=result.text or "-", kind="info", language=lang, sections=sections, visibility="private",
                 notice=notice, data=result.as_json())


COMMAND = CommandSpec(
    name="/calm",
    aliases=("安抚", "降噪"),
    help={
        "en": "a customer's message in neutral wording (insults, threats removed; facts kept), core issue, emotion",
        "zh": "把客户消息改写为中性措辞（去掉辱骂和威胁、保留事实），给出核心诉求和情绪等级",
    },
    usage={"en": "<customer message>", "zh": "<客户消息>"},
    handler=run,
    visibility="private",
    needs_text=True,
    cli_batch=True,
)
