"""Turn an `im.message.receive_v1` event into what the bot needs: who, where, and the cleaned text.

Works on lark-oapi's event objects duck-typed (attribute access only), so it is tested with
plain objects too. Message `content` is a JSON string: `{"text": "@_user_1 /ask ..."}` for text,
`{"title": ..., "content": [[{"tag": "text", "text": ...}, ...]]}` for post (rich text), possibly
wrapped in a locale key (`{"zh_cn": {...}}`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable

from bot.router import parse_command

TEXT_TYPES = ("text", "post")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


@dataclass(frozen=True)
class Mention:
    key: str  # "@_user_1"
    open_id: str
    name: str


@dataclass(frozen=True)
class InboundMessage:
    message_id: str
    chat_id: str
    chat_type: str  # "p2p" | "group" (topic groups arrive as "group" too)
    user_open_id: str
    message_type: str
    text: str  # mention placeholders removed; "" for unsupported types
    root_id: str = ""
    thread_id: str = ""
    mentions: tuple[Mention, ...] = ()

    @property
    def is_p2p(self) -> bool:
        return self.chat_type == "p2p"

    @property
    def supported(self) -> bool:
        return self.message_type in TEXT_TYPES

    @property
    def thread_key(self) -> str:
        """The conversation a message belongs to: its thread root, or itself."""
        return f"feishu:{self.chat_id}:{self.root_id or self.message_id}"


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def mentions_of(message: Any) -> tuple[Mention, ...]:
    out = []
    for m in getattr(message, "mentions", None) or []:
        ident = getattr(m, "id", None)
        out.append(Mention(_str(getattr(m, "key", "")), _str(getattr(ident, "open_id", "")), _str(getattr(m, "name", ""))))
    return tuple(out)


def extract_text(message_type: str, content: str) -> str:
    """The plain text of a text or post message ("" when there is none or it is malformed)."""
    try:
        data = json.loads(content or "{}")
    except (ValueError, TypeError):
        return ""
    if not isinstance(data, dict):
        return ""
    if message_type == "text":
        return _str(data.get("text"))
    if message_type == "post":
        return _post_text(data)
    return ""


def _post_text(data: dict[str, Any]) -> str:
    if "content" not in data:  # locale-wrapped: {"zh_cn": {"title":..., "content": [...]}}
        for value in data.values():
            if isinstance(value, dict) and "content" in value:
                data = value
                break
    lines: list[str] = []
    title = _str(data.get("title")).strip()
    if title:
        lines.append(title)
    for paragraph in data.get("content") or []:
        if not isinstance(paragraph, list):
            continue
        parts: list[str] = []
        for node in paragraph:
            if not isinstance(node, dict):
                continue
            tag = node.get("tag")
            if tag in ("text", "a", "code_block"):
                parts.append(_str(node.get("text")))
            elif tag == "at":
                parts.append(_str(node.get("user_id")))  # the "@_user_N" key, cleaned like text mentions
            elif tag == "emotion":
                parts.append("")
        lines.append("".join(parts))
    return "\n".join(line for line in lines if line.strip())


def clean_text(text: str, mentions: tuple[Mention, ...], bot_open_id: str | None) -> str:
    """Drop the bot's mention placeholders, spell other mentions as @Name, tidy whitespace."""
    for m in sorted(mentions, key=lambda x: len(x.key), reverse=True):  # @_user_10 before @_user_1
        if not m.key:
            continue
        is_bot = bot_open_id is None or m.open_id == bot_open_id
        text = text.replace(m.key, "" if is_bot else f"@{m.name or 'user'}")
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def mentions_bot(mentions: tuple[Mention, ...], bot_open_id: str | None) -> bool:
    """Is the bot mentioned? When its open_id is unknown, any mention counts (see docs/feishu.md)."""
    if not mentions:
        return False
    if bot_open_id is None:
        return True
    return any(m.open_id == bot_open_id for m in mentions)


def parse_message(event: Any, bot_open_id: str | None) -> InboundMessage | None:
    """The message, or None when it is not for the bot (no sender, an app, a group without @bot)."""
    message = getattr(event, "message", None)
    sender = getattr(event, "sender", None)
    if message is None or not _str(getattr(message, "message_id", "")):
        return None
    if _str(getattr(sender, "sender_type", "user")) not in ("", "user"):
        return None
    sender_id = getattr(sender, "sender_id", None)
    mentions = mentions_of(message)
    chat_type = _str(getattr(message, "chat_type", ""))
    if chat_type != "p2p" and not mentions_bot(mentions, bot_open_id):
        return None
    message_type = _str(getattr(message, "message_type", ""))
    raw = extract_text(message_type, _str(getattr(message, "content", "")))
    return InboundMessage(
        message_id=_str(message.message_id),
        chat_id=_str(getattr(message, "chat_id", "")),
        chat_type=chat_type,
        user_open_id=_str(getattr(sender_id, "open_id", "")),
        message_type=message_type,
        text=clean_text(raw, mentions, bot_open_id),  # unknown bot id: every placeholder dropped
        root_id=_str(getattr(message, "root_id", "")),
        thread_id=_str(getattr(message, "thread_id", "")),
        mentions=mentions,
    )


def command_argument(text: str, alias_word: Callable[[str], bool] = lambda word: False) -> str:
    """What a message asks its command to work on: the text after `/cmd` or after a Chinese alias
    used as the first word (`提问 退货运费谁出？`), else the whole text."""
    command, rest = parse_command(text)
    if command is not None:
        return rest
    parts = text.split(maxsplit=1)
    if parts and alias_word(parts[0].rstrip(":：,，")):
        return parts[1].strip() if len(parts) > 1 else ""
    return text.strip()
