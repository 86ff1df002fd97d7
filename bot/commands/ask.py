"""/ask: a cited answer from the knowledge base and past resolutions (plain text is /ask too)."""

from __future__ import annotations

import re
from typing import Any

from bot import messages
from bot.commands.base import CommandContext, CommandSpec, Option, ParsedArgs
from bot.models import Reply

HISTORY_TURNS = 3  # earlier user turns of the thread given to the answerer as context

_FLAG_WORDS = r"(?:--private|-p|only\s+me)"
_PRIVATE_START = re.compile(rf"^\s*(?:{_FLAG_WORDS}(?=$|[\s:：,，])|仅自己)[\s:：,，]*", re.I)
_PRIVATE_END = re.compile(rf"(?:(?:^|(?<=\s)){_FLAG_WORDS}|仅自己)[\s。.!！]*$", re.I)


def split_private_flag(text: str) -> tuple[str, bool]:
    """('question', private?) for a text that starts or ends with `--private`, `-p`, `only me` or `仅自己`."""
    private = False
    match = _PRIVATE_START.match(text)
    if match:
        text, private = text[match.end():], True
    match = _PRIVATE_END.search(text)
    if match:
        text, private = text[: match.start()], True
    return text.strip(" \t\r\n:：,，"), private


def answer_json(reply: Reply) -> dict[str, Any]:
    """The `cs-copilot ask --json` contract: {"answer", "citations": [{doc_id, title, source, quote}], "grounded"}."""
    return {
        "answer": reply.full_text(),
        "citations": [
            {"doc_id": c.doc_id, "title": c.title, "source": c.source, "quote": c.quote} for c in reply.citations
        ],
        "grounded": bool(reply.grounded),
    }


def run(ctx: CommandContext, args: ParsedArgs) -> Reply:
    question, private = split_private_flag(args.text)
    private = private or args.flag("private")
    lang = ctx.language
    if not question:
        return Reply(text=messages.text("empty_input", lang), kind="error", language=lang)
    context = tuple(t for t in ctx.message.thread_history if t.strip())[-HISTORY_TURNS:]
    reply = ctx.services.answerer().answer(question, language=lang, context=context, on_partial=ctx.on_partial,
                                           user_key=f"{ctx.platform}:{ctx.user_id}")
    if reply.grounded is False:  # the knowledge-gap queue (/gaps): "I don't know" is a signal
        from bot.assist.gaps import note_unanswered

        note_unanswered(ctx.services, reply, question=question, platform=ctx.platform, user_id=ctx.user_id,
                        channel_id=ctx.message.channel_id, message_id=ctx.message.message_id)
    if private:
        reply.visibility = "private"
    if not reply.data and reply.kind != "error":
        reply.data = answer_json(reply)
    from bot.analytics.scripts import offer_script  # a saved /rootcause reply script matching the question

    offer_script(ctx.services, reply, question, lang)
    return reply


COMMAND = CommandSpec(
    name="/ask",
    aliases=("提问", "问"),
    help={
        "en": "a cited answer from the knowledge base and past resolutions (plain text works too)",
        "zh": "基于知识库和历史工单给出带引用的回答（直接输入问题也可以）",
    },
    usage={"en": "<question> [--private]", "zh": "<问题> [--private]"},
    options=(Option("--private", "only you see the answer (also: -p, only me, 仅自己)", takes_value=False),),
    handler=run,
    slow=True,
    visibility="channel",
    needs_text=True,  # an empty /ask gets the question prompt at once, not a "Looking that up…" placeholder
    cli_batch=True,
)
