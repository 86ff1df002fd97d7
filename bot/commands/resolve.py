"""/resolve [note]: record how a question was resolved with the bot's help, as a past case the next /ask finds.

- `/resolve [what you did]` in the thread of an answer (or after it in the channel): the question and the
  sources come from that answer; what was done is the note, else the answer itself.
- `/resolve --question "..." what you did`: when there is no answer to refer to (CLI, a new channel).
- `/resolve --edit R-1A2B3C4D new text`, `/resolve --undo R-1A2B3C4D` (the author or a manager).
- Buttons: "Mark resolved" under answers (`resolve_mark`, value = answer id), and under the confirmation
  "Edit" (a form) and "Undo".
`cs-copilot resolve ... --json` prints {"id", "status", "created", "question", "note", "answer", "sources",
"agent", "platform", ...} (the stored record).
"""

from __future__ import annotations

from typing import Callable

from bot import messages
from bot.assist import resolve as core
from bot.commands.base import CommandContext, CommandSpec, Option, ParsedArgs, Role
from bot.models import ActionEvent, Button, Form, FormField, FormSubmission, Reply, Section
from bot.storage.resolutions import ACTIVE, ResolutionRow

NAME = "/resolve"


def _error(key: str, lang: str, **params: object) -> Reply:
    return Reply(text=messages.text(key, lang, **params), kind="error", language=lang)


def _confirmation(row: ResolutionRow, key: str, lang: str, gaps_closed: int = 0) -> Reply:
    t = messages.text
    text = t(key, lang, id=row.id)
    if gaps_closed:
        text += " " + t("resolve_gaps_closed", lang, count=gaps_closed)
    sections = [Section(title=t("resolve_question", lang), body=row.question),
                Section(title=t("resolve_done", lang), body=row.note)]
    if row.sources:
        sections.append(Section(title=t("resolve_sources", lang), body="\n".join(
            f"- {s.get('title') or s.get('doc_id')} ({s.get('doc_id')})" for s in row.sources)))
    buttons = []
    if row.status == ACTIVE:
        payload = {"lang": lang}
        buttons = [Button("resolve_edit", t("button_resolve_edit", lang), row.id, payload=payload),
                   Button("resolve_undo", t("button_resolve_undo", lang), row.id, style="danger", payload=payload)]
    return Reply(text=text, kind="info", language=lang, sections=sections, buttons=buttons, visibility="private",
                 data=row.as_json())


def _owned(ctx: CommandContext, raw: str) -> ResolutionRow | Reply:
    """The resolution `raw` names, if the asker may change it; else the friendly refusal."""
    lang = ctx.language
    resolution_id = core.normalize_id(raw)
    if not resolution_id:
        return _error("resolve_bad_id", lang, value=raw)
    row = core.repo(ctx.services).get(resolution_id)
    if row is None:
        return _error("resolve_not_found", lang, id=resolution_id)
    if not core.may_change(row, ctx.user_id, ctx.platform, ctx.role >= Role.MANAGER):
        return _error("resolve_not_yours", lang, id=resolution_id)
    return row


def _guard(ctx: CommandContext, work: Callable[[], Reply]) -> Reply:
    try:
        return work()
    except core.ResolveError as exc:
        return _error(exc.key, ctx.language, **exc.params)


def run(ctx: CommandContext, args: ParsedArgs) -> Reply:
    lang = ctx.language
    if args.get("edit"):
        return _edit(ctx, args.get("edit"), args.text)
    if args.get("undo"):
        return _undo(ctx, args.get("undo"))
    context = core.find_context(ctx.services, ctx.message, args.get("question").strip())
    if context is None:
        return _error("resolve_no_context", lang)
    return _create(ctx, context, args.text)


def _create(ctx: CommandContext, context: core.ResolveContext, note: str) -> Reply:
    def work() -> Reply:
        outcome = core.create(ctx.services, context, note, agent=ctx.user_id, platform=ctx.platform,
                              channel_id=ctx.message.channel_id)
        key = "resolve_saved" if outcome.created else ("resolve_updated" if outcome.edited else "resolve_already")
        reply = _confirmation(outcome.row, key, ctx.language, outcome.gaps_closed)
        reply.data = {**reply.data, "created": outcome.created}
        return reply

    return _guard(ctx, work)


def _edit(ctx: CommandContext, raw_id: str, note: str) -> Reply:
    owned = _owned(ctx, raw_id)
    if isinstance(owned, Reply):
        return owned
    row = owned
    return _guard(ctx, lambda: _confirmation(core.edit(ctx.services, row.id, note), "resolve_updated", ctx.language))


def _undo(ctx: CommandContext, raw_id: str) -> Reply:
    owned = _owned(ctx, raw_id)
    if isinstance(owned, Reply):
        return owned
    row = owned
    return _guard(ctx, lambda: _confirmation(core.undo(ctx.services, row.id), "resolve_undone", ctx.language))


# --- buttons and the edit form -----------------------------------------------------------------------

def on_mark(ctx: CommandContext, event: ActionEvent) -> Reply:
    """"Mark resolved" under an answer: that answer's question, answer and sources become a resolution."""
    record = ctx.services.conversation().get_answer(event.value)
    lang = event.payload.get("lang") or (record.reply.language if record is not None else ctx.language)
    ctx.language = lang
    if record is None or not (record.question or record.reply.question):
        return _error("resolve_no_context", lang)
    return _create(ctx, core.context_from_record(record), "")


def on_undo(ctx: CommandContext, event: ActionEvent) -> Reply:
    return _undo(ctx, event.value)


def on_edit(ctx: CommandContext, event: ActionEvent) -> Reply:
    owned = _owned(ctx, event.value)
    if isinstance(owned, Reply):
        return owned
    lang = ctx.language
    t = messages.text
    form = Form(command=NAME, form_id="edit", title=t("resolve_form_title", lang, id=owned.id),
                fields=(FormField("note", t("resolve_form_note", lang), kind="textarea", initial=owned.note,
                                  max_length=core.MAX_NOTE),),
                submit_label=t("form_submit", lang), context={"id": owned.id, "lang": lang})
    return Reply(text=owned.question, kind="form", language=lang, form=form, visibility="private")


def on_form(ctx: CommandContext, sub: FormSubmission) -> Reply:
    return _edit(ctx, sub.context.get("id", ""), sub.values.get("note", ""))


COMMAND = CommandSpec(
    name=NAME,
    aliases=("/cs-resolve", "已解决", "解决"),
    help={
        "en": "record how you resolved the question of this thread (your note, else my answer) as a past case",
        "zh": "把本话题问题的解决方法（你的说明，或我的回答）记录为历史案例，之后提问即可找到",
    },
    usage={"en": "[what you did] | --edit ID <text> | --undo ID", "zh": "[处理方法] | --edit 编号 <内容> | --undo 编号"},
    options=(
        Option("--question", "the question resolved, when there is no answer of mine to refer to"),
        Option("--edit", "replace the note of resolution ID"),
        Option("--undo", "take resolution ID out of the index"),
    ),
    handler=run,
    slow=True,
    visibility="private",
    actions={"resolve_mark": on_mark, "resolve_undo": on_undo, "resolve_edit": on_edit},
    on_form=on_form,
)
