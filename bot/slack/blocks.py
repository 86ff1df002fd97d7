"""Render the router's neutral `Reply` as Slack Block Kit, within Slack's limits.

Limits respected (docs.slack.dev/reference/block-kit): at most 50 blocks per message, section text
at most 3,000 characters, button text at most 75, action_id/block_id at most 255, and a top-level
`text` fallback (notifications, screen readers) kept under 4,000 characters. Long answers are split
on paragraph, line, sentence and word boundaries into several sections rather than rejected; beyond
50 blocks the answer is cut with a short note.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any, Callable

from bot import messages
from bot.router import Button, Citation, Reply, Section, SimilarCase, answer_buttons

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_CONTEXT_CHARS = 2000
MAX_FALLBACK_CHARS = 4000
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ID = 255
MAX_QUOTE_CHARS = 300
ACTIONS_BLOCK_PREFIX = "cs_answer_actions"

Block = dict[str, Any]

_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", re.S)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
_SPLITTERS: tuple[Callable[[str], list[str]], ...] = (
    lambda s: re.split(r"(?<=\n\n)", s),
    lambda s: re.split(r"(?<=\n)", s),
    lambda s: re.split(r"(?<=[.!?。！？；;])", s),
    lambda s: re.split(r"(?<=[ ，,、])", s),
)


def escape(text: str) -> str:
    """Escape Slack's three control characters (&, <, >) in user or model text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(text: str) -> str:
    """Markdown-ish model output -> Slack mrkdwn (minimal: links, **bold**, # headings)."""
    out = escape(text)
    out = _LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1).replace('|', '/')}>", out)
    out = _BOLD.sub(lambda m: f"*{m.group(2)}*", out)
    return _HEADING.sub(lambda m: f"*{m.group(1)}*", out)


def cut(text: str, limit: int, ellipsis: str = "…") -> str:
    return text if len(text) <= limit else text[: max(0, limit - len(ellipsis))].rstrip() + ellipsis


def split_text(text: str, limit: int = MAX_SECTION_CHARS) -> list[str]:
    """Split `text` into chunks of at most `limit` chars on the most natural boundary available."""
    text = text.strip()
    if not text:
        return []
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for atom in _atoms(text, limit, 0):
        if current and len(current) + len(atom) > limit:
            chunks.append(current)
            current = ""
        current += atom
    if current:
        chunks.append(current)
    return [c.strip() for c in chunks if c.strip()]


def _atoms(text: str, limit: int, level: int) -> list[str]:
    if len(text) <= limit:
        return [text]
    if level >= len(_SPLITTERS):
        return [text[i : i + limit] for i in range(0, len(text), limit)]
    parts = [p for p in _SPLITTERS[level](text) if p]
    out: list[str] = []
    for part in parts:
        out.extend(_atoms(part, limit, level + 1))
    return out


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(text, MAX_SECTION_CHARS) or " "}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": cut(text, MAX_CONTEXT_CHARS) or " "}]}


def sections(mrkdwn: str) -> list[Block]:
    return [section(chunk) for chunk in split_text(mrkdwn)]


def button(b: Button) -> Block:
    element: Block = {
        "type": "button",
        "action_id": b.action_id[:MAX_ID],
        "text": {"type": "plain_text", "text": cut(b.label, MAX_BUTTON_TEXT), "emoji": True},
        "value": b.value[:MAX_BUTTON_VALUE],
    }
    if b.style in ("primary", "danger"):
        element["style"] = b.style
    return element


def actions_block(buttons: list[Button], answer_id: str) -> Block:
    return {
        "type": "actions",
        "block_id": f"{ACTIONS_BLOCK_PREFIX}:{answer_id}"[:MAX_ID],
        "elements": [button(b) for b in buttons[:25]],
    }


def citation_line(c: Citation) -> str:
    title = escape(c.title or c.doc_id or "source").replace("|", "/")
    head = f"<{c.url}|{title}>" if c.url.startswith(("http://", "https://")) else f"*{title}*"
    line = f"[{c.index}] {head}"
    if c.source:
        line += f" — {escape(c.source)}"
    if c.quote:
        line += f": “{escape(cut(' '.join(c.quote.split()), MAX_QUOTE_CHARS))}”"
    return line


def _body_blocks(reply: Reply) -> list[Block]:
    blocks = sections(to_mrkdwn(reply.text))
    for sec in reply.sections:
        title = f"*{escape(sec.title)}*\n" if sec.title else ""
        blocks.extend(sections(title + to_mrkdwn(sec.body)))
    return blocks


def _tail_blocks(reply: Reply) -> list[Block]:
    lang = reply.language
    tail: list[Block] = []
    if reply.notice:
        tail.append(context(f":information_source: {escape(reply.notice)}"))
    if reply.citations:
        lines = "\n".join(citation_line(c) for c in sorted(reply.citations, key=lambda c: c.index))
        tail.extend(sections(f"*{messages.text('sources_heading', lang)}*\n{lines}"))
    if reply.similar_case is not None:
        case = reply.similar_case
        line = messages.text(
            "similar_case_line", lang, subject=escape(case.subject), resolution=escape(case.resolution)
        )
        tail.extend(sections(f":bulb: {line}"))
    return tail


def render_reply(reply: Reply, answer_id: str, *, shareable: bool = False, header: str = "") -> list[Block]:
    """Blocks for `reply`. Answers get citations, the past case and buttons (only with an answer_id);
    help/info/error replies are plain sections. `header` (mrkdwn) is put first as a context line."""
    head = [context(header)] if header else []
    body = _body_blocks(reply) or [section("…")]
    if reply.kind != "answer":
        return _fit(head + body, [], [], reply.language)
    buttons = answer_buttons(reply.language, answer_id, shareable=shareable) if answer_id else []
    actions = [actions_block(buttons, answer_id)] if buttons else []
    return _fit(head + body, _tail_blocks(reply), actions, reply.language)


def _fit(body: list[Block], tail: list[Block], actions: list[Block], lang: str) -> list[Block]:
    budget = MAX_BLOCKS - len(actions)
    if len(body) + len(tail) <= budget:
        return body + tail + actions
    tail = tail[: budget // 2]
    body = body[: budget - len(tail) - 1] + [context(messages.text("slack_truncated", lang))]
    return body + tail + actions


def render_partial(text: str, lang: str = "en") -> list[Block]:
    """Blocks for an answer still being written (streaming); no buttons."""
    blocks = sections(to_mrkdwn(text) + " …") or [section(messages.text("thinking", lang))]
    if len(blocks) > MAX_BLOCKS:
        blocks = blocks[: MAX_BLOCKS - 1] + [context(messages.text("slack_truncated", lang))]
    return blocks


def compact_blocks(reply: Reply, answer_id: str, *, shareable: bool = False) -> list[Block]:
    """A minimal rendering (first part of the text + buttons) for when Slack rejects the full one."""
    blocks = [section(cut(to_mrkdwn(reply.text), MAX_SECTION_CHARS - 100))]
    if reply.kind == "answer" and answer_id:
        blocks.append(
            actions_block(answer_buttons(reply.language, answer_id, shareable=shareable), answer_id)
        )
    return blocks


def fallback_text(reply: Reply | str) -> str:
    """The top-level `text` of a message (notifications, clients without blocks), at most 4,000 chars."""
    raw = reply if isinstance(reply, str) else reply.text
    return cut(to_mrkdwn(raw).strip() or "…", MAX_FALLBACK_CHARS)


def reply_to_payload(reply: Reply) -> dict[str, Any]:
    """A JSON-able copy of a reply, stored with the answer so a button can re-render it later."""
    data = asdict(reply)
    data.pop("buttons", None)
    return data


def reply_from_payload(data: dict[str, Any]) -> Reply:
    case = data.get("similar_case")
    return Reply(
        text=str(data.get("text", "")),
        kind=str(data.get("kind", "answer")),
        language=str(data.get("language", "en")),
        sections=[Section(**s) for s in data.get("sections") or []],
        citations=[Citation(**c) for c in data.get("citations") or []],
        similar_case=SimilarCase(**case) if isinstance(case, dict) else None,
        grounded=data.get("grounded"),
        notice=str(data.get("notice", "")),
        question=str(data.get("question", "")),
    )
