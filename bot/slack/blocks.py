"""Render the neutral `Reply` as Slack Block Kit (messages) and a `Form` as a modal, within Slack's limits.

Limits respected (docs.slack.dev/reference/block-kit, slack_sdk's models): at most 50 blocks per message,
section text at most 3,000 characters, header text 150, button text 75 and value 2,000, action_id/block_id
255, a top-level `text` fallback under 4,000 characters, and about 12,000 characters of text across all
blocks (above that Slack answers `msg_blocks_too_long`). Long bodies are split on paragraph, line,
sentence and word boundaries; when the message would still be too big the *body* is cut with a visible
note, never the sources or the similar past case (those only get shorter quotes). Modals: title and
button labels 24 characters, 100 blocks, `private_metadata` 3,000, static_select 100 options.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict
from typing import Any, Callable

from bot import messages
from bot.models import Form, FormField, Report, Table, encode_button_value
from bot.outbound.render import fit_lines, reply_buttons, rows_note, table_lines
from bot.router import Button, Citation, Reply, Section, SimilarCase

log = logging.getLogger(__name__)

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_CONTEXT_CHARS = 2000
MAX_HEADER_CHARS = 150
MAX_FALLBACK_CHARS = 4000
MAX_TOTAL_CHARS = 12_000
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTIONS = 25
MAX_ID = 255
MAX_QUOTE_CHARS = 300
MIN_BODY_CHARS = 600
ACTIONS_BLOCK_PREFIX = "cs_answer_actions"
# modals (views.open)
MAX_MODAL_TITLE = 24
MAX_MODAL_BLOCKS = 100
MAX_INPUT_CHARS = 3000
MAX_LABEL_CHARS = 2000
MAX_OPTIONS = 100
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_PLACEHOLDER = 150
MAX_METADATA = 3000

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
# (quote chars, citations kept, similar-case chars) tried in order until the sources leave room for a body
_TAIL_LEVELS: tuple[tuple[int, int | None, int], ...] = (
    (MAX_QUOTE_CHARS, None, 1500),
    (150, None, 800),
    (60, 20, 500),
    (0, 10, 300),
    (0, 5, 200),
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


def text_size(node: Any) -> int:
    """Characters of text in blocks (every `text` string, nested), what Slack's total limit counts."""
    if isinstance(node, list):
        return sum(text_size(n) for n in node)
    if isinstance(node, dict):
        return sum(
            len(v) if k == "text" and isinstance(v, str) else text_size(v) for k, v in node.items()
            if isinstance(v, (str, dict, list))
        )
    return 0


def plain(text: str, limit: int) -> Block:
    return {"type": "plain_text", "text": cut(text.strip(), limit) or " ", "emoji": True}


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(text, MAX_SECTION_CHARS) or " "}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": cut(text, MAX_CONTEXT_CHARS) or " "}]}


def header_block(text: str) -> Block:
    return {"type": "header", "text": plain(text, MAX_HEADER_CHARS)}


def sections(mrkdwn: str) -> list[Block]:
    return [section(chunk) for chunk in split_text(mrkdwn)]


# --- buttons -------------------------------------------------------------------------------------------
def button_value(b: Button) -> str:
    """`encode_button_value(value, payload)`, within Slack's 2,000 characters: payload entries that do
    not fit are left out (logged), the value itself is never cut into invalid JSON."""
    payload = dict(b.payload)
    encoded = encode_button_value(b.value, payload)
    while len(encoded) > MAX_BUTTON_VALUE and payload:
        dropped = list(payload)[-1]
        payload.pop(dropped)
        log.warning("button %s: payload field %r left out (value over %d chars)", b.action_id, dropped, MAX_BUTTON_VALUE)
        encoded = encode_button_value(b.value, payload)
    return encoded[:MAX_BUTTON_VALUE]


def button(b: Button, action_id: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "action_id": (action_id or b.action_id)[:MAX_ID],
        "text": {"type": "plain_text", "text": cut(b.label, MAX_BUTTON_TEXT), "emoji": True},
        "value": button_value(b),
    }
    if b.style in ("primary", "danger"):
        element["style"] = b.style
    return element


def unique_action_ids(buttons: list[Button]) -> list[str]:
    """Each button's action_id; a repeat within one message gets `~N` (N = 2, 3...). Adapters strip from `~`."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for b in buttons:
        base = b.action_id[: MAX_ID - 6]
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}~{seen[base]}")
    return out


def actions_blocks(buttons: list[Button], answer_id: str = "") -> list[Block]:
    """Actions blocks of at most 25 buttons each; the first one's block_id names the answer."""
    ids = unique_action_ids(buttons)
    elements = [button(b, i) for b, i in zip(buttons, ids)]
    first = f"{ACTIONS_BLOCK_PREFIX}:{answer_id}" if answer_id else "cs_actions"
    return [
        {"type": "actions", "block_id": (first if n == 0 else f"{first}:{n}")[:MAX_ID],
         "elements": elements[start : start + MAX_ACTIONS]}
        for n, start in enumerate(range(0, len(elements), MAX_ACTIONS))
    ]


def actions_block(buttons: list[Button], answer_id: str) -> Block:
    return actions_blocks(buttons, answer_id)[0]


# --- body, report and tail ---------------------------------------------------------------------------------
def citation_line(c: Citation, quote_chars: int = MAX_QUOTE_CHARS) -> str:
    title = escape(c.title or c.doc_id or "source").replace("|", "/")
    head = f"<{c.url}|{title}>" if c.url.startswith(("http://", "https://")) else f"*{title}*"
    line = f"[{c.index}] {head}"
    if c.source:
        line += f" — {escape(c.source)}"
    if c.quote and quote_chars > 0:
        line += f": “{escape(cut(' '.join(c.quote.split()), quote_chars))}”"
    return line


def _section_blocks(items: list[Section]) -> list[Block]:
    blocks: list[Block] = []
    for sec in items:
        title = f"*{escape(sec.title)}*\n" if sec.title else ""
        blocks.extend(sections(title + to_mrkdwn(sec.body)))
    return blocks


def _shown_text(reply: Reply) -> str:
    """The reply text, unless a report already shows it as its title or summary."""
    text = reply.text.strip()
    if reply.report is not None and text in (reply.report.title.strip(), reply.report.summary.strip()):
        return ""
    return text


def _body_blocks(reply: Reply) -> list[Block]:
    return sections(to_mrkdwn(_shown_text(reply))) + _section_blocks(reply.sections)


def table_blocks(table: Table, lang: str) -> list[Block]:
    """The table as an aligned preformatted text block (all rows that fit in one section, then a note)."""
    title = f"*{escape(table.title)}*\n" if table.title else ""
    lines = table_lines(table)
    if not lines:
        return []
    budget = MAX_SECTION_CHARS - len(title) - len("```\n\n```")
    kept = fit_lines(lines, budget, size=lambda line: len(escape(line)))
    blocks = [section(title + "```\n" + escape("\n".join(kept)) + "\n```")]
    note = rows_note(max(0, len(kept) - 2), len(table.rows), lang)
    if note:
        blocks.append(context(note))
    return blocks


def attachment_lines(report: Report, lang: str) -> list[Block]:
    """Context lines naming the report's images (uploaded separately, see bot/outbound) and files."""
    blocks: list[Block] = []
    for image in report.images[:10]:
        blocks.append(context(messages.text("report_chart_attached", lang, name=escape(image.title or image.filename))))
    if report.files:
        names = ", ".join(escape(f.title or f.filename) for f in report.files)
        blocks.append(context(messages.text("report_files_attached", lang, names=names)))
    return blocks


def report_blocks(report: Report, lang: str) -> list[Block]:
    blocks = [header_block(report.title)] if report.title.strip() else []
    blocks += sections(to_mrkdwn(report.summary))
    blocks += _section_blocks(report.sections)
    if report.table is not None:
        blocks += table_blocks(report.table, lang)
    return blocks + attachment_lines(report, lang)


def _tail_blocks(reply: Reply, level: int = 0) -> list[Block]:
    quote_chars, max_cites, case_chars = _TAIL_LEVELS[min(level, len(_TAIL_LEVELS) - 1)]
    lang = reply.language
    tail: list[Block] = []
    if reply.notice:
        tail.append(context(f":information_source: {escape(reply.notice)}"))
    if reply.citations:
        cites = sorted(reply.citations, key=lambda c: c.index)
        shown = cites[:max_cites] if max_cites else cites
        lines = "\n".join(citation_line(c, quote_chars) for c in shown)
        if len(shown) < len(cites):
            lines += f"\n(+{len(cites) - len(shown)})"
        tail.extend(sections(f"*{messages.text('sources_heading', lang)}*\n{lines}"))
    if reply.similar_case is not None:
        case = reply.similar_case
        line = messages.text(
            "similar_case_line", lang, subject=escape(case.subject), resolution=escape(cut(case.resolution, case_chars))
        )
        tail.extend(sections(f":bulb: {line}"))
    return tail


def render_reply(reply: Reply, answer_id: str = "", *, shareable: bool = False, header: str = "") -> list[Block]:
    """Blocks for `reply`: `header` (mrkdwn, a context line) first, then the report (title, summary,
    sections, table, attachments named), the text and sections, the notice, numbered sources and the
    similar past case, and the buttons (the reply's own; answers with an answer_id add the standard ones)."""
    head = [context(header)] if header else []
    body = (report_blocks(reply.report, reply.language) if reply.report else []) + _body_blocks(reply)
    actions = actions_blocks(reply_buttons(reply, answer_id, shareable=shareable), answer_id)
    key = "slack_truncated" if reply.kind == "answer" else "message_shortened"
    return _fit(head, body or [section("…")], lambda level: _tail_blocks(reply, level), actions, reply.language, key)


def _fit(
    head: list[Block], body: list[Block], tail_for: Callable[[int], list[Block]], actions: list[Block], lang: str,
    note_key: str = "slack_truncated",
) -> list[Block]:
    """Keep every block if the message fits; otherwise cut the body (visibly), keeping head, tail, actions."""
    actions = actions[: MAX_BLOCKS // 2]
    tail = tail_for(0)
    if len(head + body + tail + actions) <= MAX_BLOCKS and text_size(head + body + tail + actions) <= MAX_TOTAL_CHARS:
        return head + body + tail + actions
    note = context(messages.text(note_key, lang))
    for level in range(len(_TAIL_LEVELS)):
        tail = tail_for(level)
        fixed = head + tail + actions + [note]
        room_blocks = MAX_BLOCKS - len(fixed)
        room_chars = MAX_TOTAL_CHARS - text_size(fixed)
        if room_blocks >= 1 and room_chars >= MIN_BODY_CHARS:
            break
    else:  # even the shortest sources leave no room: keep as many source blocks as allowed
        tail = tail[: max(1, MAX_BLOCKS - len(head) - len(actions) - 2)]
        room_blocks, room_chars = 1, max(100, MAX_TOTAL_CHARS - text_size(head + tail + actions + [note]))
    kept: list[Block] = []
    for block in body:
        size = text_size(block)
        if len(kept) < room_blocks and size <= room_chars:
            kept.append(block)
            room_chars -= size
            continue
        text = block.get("text", {}).get("text", "") if block.get("type") == "section" else ""
        if len(kept) < room_blocks and room_chars >= 100 and text and "```" not in text:
            kept.append(section(split_text(text, room_chars - 1)[0] + "…"))
        break
    return head + (kept or [section("…")]) + [note] + tail + actions


def render_partial(text: str, lang: str = "en") -> list[Block]:
    """Blocks for an answer still being written (streaming); no buttons; within the same limits."""
    blocks = sections(to_mrkdwn(text) + " …") or [section(messages.text("thinking", lang))]
    return _fit([], blocks, lambda level: [], [], lang)


def compact_blocks(reply: Reply, answer_id: str = "", *, shareable: bool = False) -> list[Block]:
    """A minimal rendering for when Slack rejects the full one: the start of the text, the sources
    (titles, no quotes), the similar case, the buttons. Sources are never dropped."""
    lang = reply.language
    text = _shown_text(reply) or (reply.report.summary if reply.report else "") or reply.text
    blocks = [section(cut(to_mrkdwn(text), 1500))]
    if reply.report is not None and reply.report.title.strip():
        blocks.insert(0, header_block(reply.report.title))
    if reply.citations:
        lines = [citation_line(c, 0) for c in sorted(reply.citations, key=lambda c: c.index)]
        heading = f"*{messages.text('sources_heading', lang)}*"
        blocks.append(section("\n".join(fit_lines([heading, *lines], MAX_SECTION_CHARS - 10))))
    if reply.similar_case is not None:
        case = reply.similar_case
        line = messages.text(
            "similar_case_line", lang, subject=escape(case.subject), resolution=escape(cut(case.resolution, 300))
        )
        blocks.append(section(f":bulb: {line}"))
    return blocks + actions_blocks(reply_buttons(reply, answer_id, shareable=shareable), answer_id)[:1]


def fallback_text(reply: Reply | str) -> str:
    """The top-level `text` of a message (notifications, clients without blocks), at most 4,000 chars."""
    if isinstance(reply, str):
        raw = reply
    else:
        raw = reply.text or (reply.report.title if reply.report else "")
    return cut(to_mrkdwn(raw).strip() or "…", MAX_FALLBACK_CHARS)


# --- forms: modals ----------------------------------------------------------------------------------------
def _input_block(f: FormField) -> Block:
    element: Block
    if f.kind == "select":
        options = [{"text": plain(label, MAX_OPTION_TEXT), "value": value[:MAX_OPTION_VALUE]}
                   for value, label in f.options[:MAX_OPTIONS]]
        element = {"type": "static_select", "action_id": f.name[:MAX_ID],
                   "placeholder": plain(f.label, MAX_PLACEHOLDER), "options": options}
        initial = next((o for o in options if o["value"] == f.initial), None)
        if initial is not None:
            element["initial_option"] = initial
    else:
        element = {"type": "plain_text_input", "action_id": f.name[:MAX_ID], "multiline": f.kind == "textarea",
                   "max_length": max(1, min(f.max_length, MAX_INPUT_CHARS))}
        if f.initial:
            element["initial_value"] = f.initial[: element["max_length"]]
    return {"type": "input", "block_id": f.name[:MAX_ID], "label": plain(f.label, MAX_LABEL_CHARS),
            "optional": not f.required, "element": element}


def _metadata(context: dict[str, str]) -> str:
    kept = dict(context)
    raw = json.dumps(kept, ensure_ascii=False, separators=(",", ":"))
    while len(raw) > MAX_METADATA and kept:
        dropped = list(kept)[-1]
        kept.pop(dropped)
        log.warning("form context field %r left out (private_metadata over %d chars)", dropped, MAX_METADATA)
        raw = json.dumps(kept, ensure_ascii=False, separators=(",", ":"))
    return raw


def render_modal(form: Form, lang: str = "en") -> dict[str, Any]:
    """A views.open view: callback_id `form:{command}:{form_id}`, private_metadata = JSON of the form's
    context, one input block per field (block_id = action_id = the field name)."""
    submit = messages.text("form_submit", lang) if form.submit_label == "Submit" else form.submit_label
    return {
        "type": "modal",
        "callback_id": f"form:{form.command}:{form.form_id}"[:MAX_ID],
        "private_metadata": _metadata(form.context),
        "title": plain(form.title, MAX_MODAL_TITLE),
        "submit": plain(submit, MAX_MODAL_TITLE),
        "close": plain(messages.text("form_cancel", lang), MAX_MODAL_TITLE),
        "blocks": [_input_block(f) for f in form.fields[:MAX_MODAL_BLOCKS]],
    }


def form_values(state_values: dict[str, Any]) -> dict[str, str]:
    """A view_submission's `view.state.values` as {field name: value} (selects give the option value)."""
    out: dict[str, str] = {}
    for actions in (state_values or {}).values():
        for action_id, v in (actions or {}).items():
            if not isinstance(v, dict):
                continue
            selected = v.get("selected_option")
            value = selected.get("value") if isinstance(selected, dict) else v.get("value")
            out[str(action_id)] = "" if value is None else str(value)
    return out


# --- stored replies ---------------------------------------------------------------------------------------------
def reply_to_payload(reply: Reply) -> dict[str, Any]:
    """A JSON-able copy of a reply, stored with the answer so a button can re-render it later
    (attachment bytes are left out: only their names and types are kept)."""
    data = asdict(reply)
    data.pop("buttons", None)
    report = data.get("report")
    if isinstance(report, dict):
        for key in ("images", "files"):
            report[key] = [{k: v for k, v in a.items() if k != "content"} for a in report.get(key) or []]
    return data


def reply_from_payload(data: dict[str, Any]) -> Reply:
    case = data.get("similar_case")
    report = data.get("report")
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
        report=_report_from(report) if isinstance(report, dict) else None,
    )


def _report_from(data: dict[str, Any]) -> Report:
    table = data.get("table")
    return Report(
        title=str(data.get("title", "")),
        summary=str(data.get("summary", "")),
        sections=[Section(**s) for s in data.get("sections") or []],
        table=Table(list(table.get("columns") or []), [list(r) for r in table.get("rows") or []],
                    str(table.get("title", ""))) if isinstance(table, dict) else None,
    )
