"""Interactive cards, JSON 2.0: answers with numbered sources, the similar past case and buttons.

Limits respected here: at most 200 components per card, element_id `[A-Za-z][A-Za-z0-9_]{0,19}`,
button text at most 100 characters, and the whole message body under 30 KB (the card travels as a
JSON string inside the request JSON, so it is measured that way). Long answers and sources are
shortened with a visible note rather than rejected by Feishu (error 230025).
Texts from the knowledge base and users are escaped so they cannot inject `<at>` mentions or tags.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from bot import messages
from bot.router import Button, Citation, Reply, SimilarCase, answer_buttons

MAX_ELEMENTS = 200
MAX_BODY_BYTES = 30 * 1024
MAX_CARD_BYTES = 28 * 1024  # headroom for the rest of the request body (msg_type, uuid...)
MAX_BUTTON_TEXT = 100
ACTIONS_ID = "actions"
ELEMENT_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,19}$")

# (answer chars, quote chars, citations) tried in order until the card fits.
_BUDGETS: tuple[tuple[int | None, int, int], ...] = (
    (None, 300, 20),
    (8000, 200, 10),
    (4000, 120, 8),
    (2000, 80, 5),
    (800, 60, 3),
)
_TEMPLATES = {"answer": "blue", "ungrounded": "orange", "help": "indigo", "info": "wathet", "error": "red"}
_SLACK_BOLD = re.compile(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])")
_CODE_SPAN = re.compile(r"(`[^`\n]+`)")
_TAG_START = re.compile(r"<(?=\s*/?\s*(?:at|a|font|link|person|img|br|hr|text_tag|number_tag|local_datetime)\b)", re.I)


def escape_md(text: str) -> str:
    """Neutralise markup that card markdown would interpret as tags (`<at id=all>`, `<font>`...).

    Outside code spans `<` becomes the entity `&#60;`; inside code spans (shown verbatim, where an
    entity would show literally, e.g. "`/ask <question>`") only tag-like `<at`, `<font`... are defused.
    """
    parts = _CODE_SPAN.split(text)
    for i, part in enumerate(parts):
        if i % 2:  # a code span, backticks included
            parts[i] = _TAG_START.sub("＜", part)
        else:
            parts[i] = part.replace("<", "&#60;")
    return "".join(parts)


def _md_link_text(text: str) -> str:
    return escape_md(text).replace("[", "(").replace("]", ")")


def _safe_url(url: str) -> str:
    url = url.strip()
    if re.match(r"^https?://[^\s()<>]+$", url):
        return url
    return ""


def _clip(text: str, limit: int | None) -> tuple[str, bool]:
    if limit is None or len(text) <= limit:
        return text, False
    return text[: max(0, limit - 1)].rstrip() + "…", True


def card_size(card: dict[str, Any]) -> int:
    """Bytes the card takes inside a request body (JSON string within JSON, UTF-8)."""
    content = json.dumps(card, ensure_ascii=False)
    return len(json.dumps(content, ensure_ascii=False).encode("utf-8"))


def count_elements(card: dict[str, Any]) -> int:
    def walk(nodes: list[Any]) -> int:
        total = 0
        for node in nodes:
            if not isinstance(node, dict):
                continue
            total += 1
            for key in ("elements", "columns"):
                children = node.get(key)
                if isinstance(children, list):
                    total += walk(children)
        return total

    return walk(card.get("body", {}).get("elements", []))


def _header(title: str, template: str) -> dict[str, Any]:
    return {"title": {"tag": "plain_text", "content": title[:100]}, "template": template}


def _card(title: str, template: str, elements: list[dict[str, Any]], summary: str) -> dict[str, Any]:
    return {
        "schema": "2.0",
        "config": {"update_multi": True, "width_mode": "fill", "summary": {"content": summary[:100]}},
        "header": _header(title, template),
        "body": {"direction": "vertical", "elements": elements[:MAX_ELEMENTS]},
    }


def _markdown(element_id: str, content: str) -> dict[str, Any]:
    return {"tag": "markdown", "element_id": element_id, "content": content}


def button_element(button: Button) -> dict[str, Any]:
    kind = {"primary": "primary", "danger": "danger"}.get(button.style, "default")
    element_id = re.sub(r"[^A-Za-z0-9_]", "_", f"btn_{button.action_id}")[:20]
    return {
        "tag": "button",
        "element_id": element_id,
        "name": button.action_id,
        "type": kind,
        "text": {"tag": "plain_text", "content": button.label[:MAX_BUTTON_TEXT]},
        "behaviors": [{"type": "callback", "value": {"action": button.action_id, "answer_id": button.value}}],
    }


def _actions(elements: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "tag": "column_set",
        "element_id": ACTIONS_ID,
        "flex_mode": "flow",
        "horizontal_spacing": "8px",
        "columns": [{"tag": "column", "width": "auto", "elements": [e]} for e in elements],
    }


def _citation_line(c: Citation, quote_chars: int) -> str:
    title = _md_link_text(c.title or c.doc_id or c.source or "?")
    url = _safe_url(c.url)
    head = f"[{title}]({url})" if url else f"**{title}**"
    if c.source and c.source != c.title and not url:
        head += f" · {escape_md(c.source)}"
    quote, _ = _clip(" ".join(c.quote.split()), quote_chars)
    return f"{c.index}. {head}" + (f"\n{escape_md(quote)}" if quote else "")


def _similar_text(case: SimilarCase, lang: str, chars: int) -> str:
    resolution, _ = _clip(case.resolution.strip(), chars)
    heading = messages.text("similar_case_heading", lang)
    return f"**{heading}**（{escape_md(case.subject)}）\n{escape_md(resolution)}" if lang == "zh" else (
        f"**{heading}** ({escape_md(case.subject)})\n{escape_md(resolution)}")


def _answer_card(reply: Reply, answer_id: str, answer_chars: int | None, quote_chars: int, cites: int) -> dict[str, Any]:
    lang = reply.language
    text, truncated = _clip(reply.text.strip(), answer_chars)
    elements = [_markdown("answer", escape_md(text) or "…")]
    citations = reply.citations[:cites]
    if truncated or len(reply.citations) > cites:
        elements.append(_markdown("truncated", f"*{messages.text('feishu_truncated', lang)}*"))
    if reply.notice:
        elements.append(_markdown("notice", f"*{escape_md(reply.notice)}*"))
    if citations:
        lines = [f"**{messages.text('sources_heading', lang)}**"]
        lines.extend(_citation_line(c, quote_chars) for c in citations)
        elements.append(_markdown("sources", "\n".join(lines)))
    if reply.similar_case is not None:
        elements.append(_markdown("similar", _similar_text(reply.similar_case, lang, quote_chars * 2)))
    if answer_id:
        elements.append(_actions([button_element(b) for b in answer_buttons(lang, answer_id)]))
    template = _TEMPLATES["answer" if reply.grounded is not False else "ungrounded"]
    return _card(messages.text("answer_heading", lang), template, elements, text)


def render_card(reply: Reply, answer_id: str = "") -> dict[str, Any]:
    """The card for any reply: answers get sources, similar case and buttons; others a simple card."""
    if reply.kind != "answer":
        return simple_card(reply.text, reply.language, kind=reply.kind)
    card: dict[str, Any] = {}
    for answer_chars, quote_chars, cites in _BUDGETS:
        card = _answer_card(reply, answer_id, answer_chars, quote_chars, cites)
        if card_size(card) <= MAX_CARD_BYTES:
            return card
    return card


def simple_card(text: str, lang: str, *, kind: str = "info", title: str = "cs-copilot") -> dict[str, Any]:
    """Help, info and error replies: one markdown block (Slack-style *bold* rewritten as **bold**)."""
    clipped, _ = _clip(text.strip(), 6000)
    body = escape_md(_SLACK_BOLD.sub(r"**\1**", clipped))
    return _card(title, _TEMPLATES.get(kind, "wathet"), [_markdown("text", body or "…")], text)


def processing_card(lang: str) -> dict[str, Any]:
    text = messages.text("thinking", lang)
    return _card(messages.text("answer_heading", lang), "grey", [_markdown("status", f"*{text}*")], text)


def streaming_card(partial: str, lang: str) -> dict[str, Any]:
    """The card while a generative model is still writing: the text so far, no buttons yet."""
    text, _ = _clip(partial.strip(), 6000)
    elements = [_markdown("answer", escape_md(text) or "…"), _markdown("status", f"*{messages.text('thinking', lang)}*")]
    return _card(messages.text("answer_heading", lang), "blue", elements, text)


def with_feedback_done(card: dict[str, Any], lang: str) -> dict[str, Any]:
    """The answer card after a 👍/👎: the feedback buttons replaced by a thank-you, "Need a human" kept."""
    updated = copy.deepcopy(card)
    elements = updated.get("body", {}).get("elements", [])
    for i, element in enumerate(elements):
        if element.get("element_id") != ACTIONS_ID:
            continue
        kept = [
            col["elements"][0]
            for col in element.get("columns", [])
            if col.get("elements") and col["elements"][0].get("name") not in ("feedback_up", "feedback_down")
        ]
        thanks = _markdown("feedback_done", f"✅ {messages.text('feedback_thanks', lang)}")
        elements[i] = _actions(kept) if kept else thanks
        if kept:
            elements.insert(i, thanks)
        break
    return updated


def toast(key: str, lang: str, kind: str = "info", **params: object) -> dict[str, Any]:
    """A callback toast in the asker's language, with both languages for Feishu's client locale."""
    return {
        "type": kind,
        "content": messages.text(key, lang, **params),
        "i18n": {"zh_cn": messages.text(key, "zh", **params), "en_us": messages.text(key, "en", **params)},
    }
