"""Terminal rendering of neutral replies, and the local chat loop (same router as Slack and Feishu).

Every Reply kind is shown: the text, sections and numbered sources of an answer; a report's title,
summary, sections and table (aligned text); its images and files saved to disk and shown as paths;
buttons as numbered choices; a form as its fields.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path
from typing import Any, TextIO

from bot import messages
from bot.models import Attachment, IncomingMessage, Reply
from bot.router import CommandRouter

EXIT_WORDS = {"/quit", "/exit", "quit", "exit", "退出"}
HISTORY_TURNS = 3

_UNSAFE_NAME = re.compile(r"[^\w.\-]+")


def render_reply(reply: Reply) -> str:
    """The text part of a reply: notice, text (with a similar case), sections, numbered sources."""
    lines: list[str] = []
    if reply.notice:
        lines.append(f"({reply.notice})")
    body = reply.text.replace("*", "") if reply.kind == "help" else reply.full_text()
    if body:
        lines.append(body)
    for section in reply.sections:
        lines.append("")
        if section.title:
            lines.append(section.title)
        lines.append(section.body)
    if reply.citations:
        lines.append("")
        lines.append(messages.text("sources_heading", reply.language) + ":")
        for c in reply.citations:
            where = c.url or c.source
            lines.append(f"  [{c.index}] {c.title} ({where})")
    return "\n".join(lines)


def save_attachment(attachment: Attachment, out_dir: Path) -> Path:
    """Write an image/file of a reply under `out_dir` (never overwriting) and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    name = _UNSAFE_NAME.sub("_", Path(attachment.filename).name).strip("._") or "attachment"
    path = out_dir / name
    stem, suffix, n = path.stem, path.suffix, 1
    while path.exists():
        n += 1
        path = out_dir / f"{stem}-{n}{suffix}"
    path.write_bytes(attachment.content)
    return path


def render_full(reply: Reply, out_dir: Path | None = None) -> str:
    """Every part of a reply as terminal text; attachments are saved under `out_dir` (shown as paths)."""
    parts: list[str] = []
    if reply.report is not None:
        from bot.outbound.render import report_text

        parts.append(report_text(reply.report, reply.language))
        if reply.text.strip() in (reply.report.summary.strip(), reply.report.title.strip()):
            reply_text_part = render_reply(dataclasses.replace(reply, text=""))
        else:
            reply_text_part = render_reply(reply)
        if reply_text_part.strip():
            parts.append(reply_text_part)
        attachments = [*reply.report.images, *reply.report.files]
        if attachments:
            if out_dir is None:
                parts.append("\n".join(f"  {a.filename} ({len(a.content)} bytes, not saved)" for a in attachments))
            else:
                parts.append("\n".join(f"  {a.title or a.filename}: {save_attachment(a, out_dir)}"
                                       for a in attachments))
    else:
        parts.append(render_reply(reply))
    if reply.form is not None:
        form_lines = [reply.form.title]
        for f in reply.form.fields:
            choices = f" [{' | '.join(label for _, label in f.options)}]" if f.options else ""
            form_lines.append(f"  - {f.label}{choices}")
        parts.append("\n".join(form_lines))
    if reply.buttons:
        parts.append("\n".join(f"  ({i}) {b.label}" for i, b in enumerate(reply.buttons, 1)))
    return "\n\n".join(p for p in parts if p)


def reply_json(reply: Reply) -> dict[str, Any]:
    """The `ask --json` shape (kept for older imports; bot.commands.ask.answer_json is the source)."""
    from bot.commands.ask import answer_json

    return answer_json(reply)


def chat_loop(router: CommandRouter, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
              out_dir: Path | None = None) -> int:
    interactive = stdin.isatty()
    history: list[str] = []
    stdout.write("cs-copilot local chat. Type a question, /help for commands, /quit to leave.\n")
    stdout.flush()
    while True:
        if interactive:
            stdout.write("\nyou> ")
            stdout.flush()
        try:
            line = stdin.readline()
        except UnicodeDecodeError:  # a stream we could not make tolerant: skip the bad line, stay up
            stdout.write(messages.text("empty_input", "en") + "\n")
            continue
        if not line:
            return 0
        text = line.strip()
        if text.lower() in EXIT_WORDS:
            return 0
        msg = IncomingMessage(text=text, platform="cli", user_id="local", channel_id="terminal",
                              thread_history=tuple(history))
        reply = router.handle(msg)
        if reply.kind == "answer":
            from bot.conversation import question_of

            turn = question_of(text)
            if turn:
                history.append(turn)
                history[:] = history[-HISTORY_TURNS:]
        stdout.write(("bot> " if interactive else "") + render_full(reply, out_dir) + "\n")
        if not interactive:
            stdout.write("\n")
        stdout.flush()


__all__ = ["EXIT_WORDS", "chat_loop", "render_full", "render_reply", "reply_json",
           "save_attachment"]
