"""Terminal rendering of neutral replies, and the local chat loop (same router as Slack and Feishu)."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from bot import messages
from bot.router import CommandRouter, IncomingMessage, Reply

EXIT_WORDS = {"/quit", "/exit", "quit", "exit", "退出"}


def render_reply(reply: Reply) -> str:
    lines: list[str] = []
    if reply.notice:
        lines.append(f"({reply.notice})")
    lines.append(reply.text.replace("*", "") if reply.kind == "help" else reply.full_text())
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


def reply_json(reply: Reply) -> dict[str, Any]:
    return {
        "answer": reply.full_text(),
        "citations": [
            {"doc_id": c.doc_id, "title": c.title, "source": c.source, "quote": c.quote} for c in reply.citations
        ],
        "grounded": bool(reply.grounded),
    }


def chat_loop(router: CommandRouter, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    interactive = stdin.isatty()
    history: list[str] = []
    stdout.write("cs-copilot local chat. Type a question, /help for commands, /quit to leave.\n")
    stdout.flush()
    while True:
        if interactive:
            stdout.write("\nyou> ")
            stdout.flush()
        line = stdin.readline()
        if not line:
            return 0
        text = line.strip()
        if text.lower() in EXIT_WORDS:
            return 0
        reply = router.handle(
            IncomingMessage(text=text, platform="cli", user_id="local", channel_id="terminal",
                            thread_history=tuple(history))
        )
        if reply.kind == "answer" and text and not text.startswith("/help"):
            history.append(text if not text.startswith("/ask") else text[4:].strip())
            history[:] = history[-3:]
        stdout.write(("bot> " if interactive else "") + render_reply(reply) + "\n")
        if not interactive:
            stdout.write("\n")
        stdout.flush()
