"""Interactive cards, JSON 2.0: answers with numbered sources, reports, forms, buttons with typed payloads.

Limits respected here: at most 200 components per card, element_id `[A-Za-z][A-Za-z0-9_]{0,19}`,
button text at most 100 characters, at most 5 tables, input `max_length` at most 1,000, and the whole
message body under 30 KB (the card travels as a JSON string inside the request JSON, so it is measured
that way). Long answers, reports and sources are shortened with a visible note rather than rejected by
Feishu (error 230025). `config.summary` (the chat list preview) is plain text.
Texts from the knowledge base and users are escaped so they cannot inject `<at>` mentions or tags.

Buttons carry their callback value `{"action", "value", "payload", "answer_id"}` and are identified by
`element_id` (JSON 2.0 rejects `name` on a button outside a form container); only the fields of a
`form` container and its submit button carry `name`.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any, Callable, Mapping

from bot import messages
from bot.models import Form, FormField, Report
from bot.outbound.render import reply_buttons
from bot.router import Button, Citation, Reply, Section, SimilarCase

MAX_ELEMENTS = 200
MAX_BODY_BYTES = 30 * 1024
MAX_CARD_BYTES = 28 * 1024  # headroom for the rest of the request body (msg_type, uuid...)
MAX_BUTTON_TEXT = 100
MAX_INPUT_CHARS = 1000
MAX_TABLE_COLUMNS = 50
MAX_CELL_CHARS = 200
MAX_SUMMARY_CHARS = 100
ACTIONS_ID = "actions"
VOTES_ID = "vote_counts"
FORM_NAME = "cs_form"
SUBMIT_NAME = "cs_form_submit"
FEEDBACK_ACTIONS = ("feedback_up", "feedback_down")
ELEMENT_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,19}$")

Card = dict[str, Any]

# (answer chars, quote chars, citations) tried in order until the card fits.
_BUDGETS: tuple[tuple[int | None, int, int], ...] = (
    (None, 300, 20),
    (8000, 200, 10),
    (4000, 120, 8),
    (2000, 80, 5),
    (800, 60, 3),
)
# (chars per section, table rows, chars of all sections, chars per cell) tried in order until a report card fits.
_REPORT_BUDGETS: tuple[tuple[int | None, int, int | None, int], ...] = (
    (None, 200, None, MAX_CELL_CHARS),
    (4000, 100, 16000, 120),
    (2000, 50, 8000, 80),
    (1000, 20, 3000, 40),
    (400, 10, 1200, 20),
)
_TEMPLATES = {"answer": "blue", "ungrounded": "orange", "help": "indigo", "info": "wathet", "error": "red",
              "report": "turquoise", "form": "wathet"}
_SLACK_BOLD = re.compile(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])")
_CODE_SPAN = re.compile(r"(`[^`\n]+`)")
_TAG_START = re.compile(r"<(?=\s*/?\s*(?:at|a|font|link|person|img|br|hr|text_tag|number_tag|local_datetime)\b)", re.I)
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_TAG = re.compile(r"<[^<>\n]*>")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.M)


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


def plain_summary(text: str, limit: int = MAX_SUMMARY_CHARS) -> str:
    """Markdown-ish text as one plain line for `config.summary`: links keep their text; `**`, `__`,
    `*bold*`, `#` headings, backticks and `<...>` tags are removed."""
    out = _MD_LINK.sub(r"\1", text)
    out = _TAG.sub("", out)
    out = _HEADING.sub("", out)
    out = out.replace("**", "").replace("__", "").replace("`", "")
    out = _SLACK_BOLD.sub(r"\1", out)
    out = " ".join(out.split())
    clipped, _ = _clip(out, limit)
    return clipped


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


def card_size(card: Card) -> int:
    """Bytes the card takes inside a request body (JSON string within JSON, UTF-8)."""
    content = json.dumps(card, ensure_ascii=False)
    return len(json.dumps(content, ensure_ascii=False).encode("utf-8"))


def count_elements(card: Card) -> int:
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


def _card(title: str, template: str, elements: list[dict[str, Any]], summary: str) -> Card:
    return {
        "schema": "2.0",
        "config": {"update_multi": True, "width_mode": "fill", "summary": {"content": plain_summary(summary)}},
        "header": _header(title, template),
        "body": {"direction": "vertical", "elements": elements[:MAX_ELEMENTS]},
    }


def _markdown(element_id: str, content: str) -> dict[str, Any]:
    return {"tag": "markdown", "element_id": element_id, "content": content}


def _element_id(prefix: str, raw: str, taken: set[str]) -> str:
    base = (prefix + re.sub(r"[^A-Za-z0-9_]", "_", raw))[:20]
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base[: 20 - len(str(n)) - 1]}_{n}"
    taken.add(candidate)
    return candidate


# --- buttons ------------------------------------------------------------------------------------------
def callback_value(button: Button) -> dict[str, Any]:
    """The callback value of a button: what comes back in `event.action.value` on a click."""
    return {"action": button.action_id, "value": button.value, "payload": dict(button.payload),
            "answer_id": button.value}


def button_element(button: Button, element_id: str = "") -> dict[str, Any]:
    kind = {"primary": "primary", "danger": "danger"}.get(button.style, "default")
    return {
        "tag": "button",
        "element_id": element_id or _element_id("btn_", button.action_id, set()),
        "type": kind,
        "text": {"tag": "plain_text", "content": button.label[:MAX_BUTTON_TEXT]},
        "behaviors": [{"type": "callback", "value": callback_value(button)}],
    }


def button_elements(buttons: list[Button]) -> list[dict[str, Any]]:
    """Button elements with element_ids unique within the card."""
    taken: set[str] = set()
    return [button_element(b, _element_id("btn_", b.action_id, taken)) for b in buttons]


def button_action(element: dict[str, Any]) -> str:
    """The action of a button element: its callback value's `action` (older cards: its `name`)."""
    for behavior in element.get("behaviors") or []:
        value = behavior.get("value") if isinstance(behavior, dict) else None
        if isinstance(value, dict) and value.get("action"):
            return str(value["action"])
    return str(element.get("name") or "")


def _actions(elements: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "tag": "column_set",
        "element_id": ACTIONS_ID,
        "flex_mode": "flow",
        "horizontal_spacing": "8px",
        "columns": [{"tag": "column", "width": "auto", "elements": [e]} for e in elements],
    }


# --- answers --------------------------------------------------------------------------------------------------
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


def _section_elements(
    items: list[Section], chars: int | None, prefix: str = "sec", total: int | None = None
) -> tuple[list[dict[str, Any]], bool]:
    """Markdown elements for sections: each body at most `chars`, all of them at most `total` (then cut)."""
    out: list[dict[str, Any]] = []
    cut_any = False
    left = total
    for i, sec in enumerate(items[:40]):
        if left is not None and left <= 0:
            return out, True
        limit = chars if left is None else min(chars or left, left)
        body, cut = _clip(sec.body.strip(), limit)
        if left is not None:
            left -= len(body) + len(sec.title)
        cut_any = cut_any or cut
        title = f"**{escape_md(sec.title)}**\n" if sec.title else ""
        out.append(_markdown(f"{prefix}_{i}", title + escape_md(_SLACK_BOLD.sub(r"**\1**", body))))
    return out, cut_any or len(items) > 40


def _tail_elements(reply: Reply, quote_chars: int, cites: int) -> list[dict[str, Any]]:
    lang = reply.language
    out: list[dict[str, Any]] = []
    if reply.notice:
        out.append(_markdown("notice", f"*{escape_md(reply.notice)}*"))
    citations = reply.citations[:cites]
    if citations:
        lines = [f"**{messages.text('sources_heading', lang)}**"]
        lines.extend(_citation_line(c, quote_chars) for c in citations)
        out.append(_markdown("sources", "\n".join(lines)))
    if reply.similar_case is not None:
        out.append(_markdown("similar", _similar_text(reply.similar_case, lang, quote_chars * 2)))
    return out


def _answer_card(reply: Reply, answer_id: str, answer_chars: int | None, quote_chars: int, cites: int) -> Card:
    lang = reply.language
    text, truncated = _clip(reply.text.strip(), answer_chars)
    elements = [_markdown("answer", escape_md(text) or "…")]
    extra, sections_cut = _section_elements(reply.sections, answer_chars, total=answer_chars)
    elements += extra
    if truncated or sections_cut or len(reply.citations) > cites:
        elements.append(_markdown("truncated", f"*{messages.text('feishu_truncated', lang)}*"))
    elements += _tail_elements(reply, quote_chars, cites)
    buttons = reply_buttons(reply, answer_id)
    if buttons:
        elements.append(_actions(button_elements(buttons)))
    template = _TEMPLATES["answer" if reply.grounded is not False else "ungrounded"]
    return _card(messages.text("answer_heading", lang), template, elements, text)


def render_card(reply: Reply, answer_id: str = "", *, image_keys: Mapping[str, str] | None = None) -> Card:
    """The card for any reply: answers get sources, similar case and buttons; a report its own layout
    (`image_keys` maps an image's filename to an uploaded image_key to show it inline); a reply with a
    form the form card; others a simple card (plus their sections, sources and buttons if any)."""
    if reply.report is not None:
        keys = image_keys or {}
        return _fit(lambda level: _report_card(reply, answer_id, _REPORT_BUDGETS[level], keys), len(_REPORT_BUDGETS),
                    reply, answer_id)
    if reply.kind == "answer":
        return _fit(lambda level: _answer_card(reply, answer_id, *_BUDGETS[level]), len(_BUDGETS), reply, answer_id)
    if reply.form is not None:
        return render_form_card(reply.form, reply.language, intro=reply.text)
    buttons = reply_buttons(reply, answer_id)
    if not (reply.sections or reply.citations or reply.notice or reply.similar_case or buttons):
        return simple_card(reply.text, reply.language, kind=reply.kind)
    return _fit(lambda level: _generic_card(reply, buttons, *_BUDGETS[level]), len(_BUDGETS), reply, answer_id)


def _fits(card: Card) -> bool:
    return card_size(card) <= MAX_CARD_BYTES and count_elements(card) <= MAX_ELEMENTS


def _fit(make: Callable[[int], Card], levels: int, reply: Reply, answer_id: str) -> Card:
    """The first card, from the most to the least generous budget level, within the size and count limits;
    if none fits, a minimal card (the start of the text, the note, the buttons) rather than a refusal."""
    for level in range(levels):
        card = make(level)
        if _fits(card):
            return card
    lang = reply.language
    text = reply.text.strip() or (reply.report.summary if reply.report else "")
    elements = [_markdown("text", escape_md(_clip(text, 800)[0]) or "…"),
                _markdown("truncated", f"*{messages.text('feishu_truncated', lang)}*")]
    buttons = reply_buttons(reply, answer_id)[:20]
    if buttons:
        elements.append(_actions(button_elements(buttons)))
    title = reply.report.title if reply.report else messages.text("answer_heading", lang)
    return _card(title or "cs-copilot", _TEMPLATES.get(reply.kind, "wathet"), elements, text)


def _generic_card(reply: Reply, buttons: list[Button], chars: int | None, quote_chars: int, cites: int) -> Card:
    text, truncated = _clip(reply.text.strip(), chars if chars is None else max(chars, 2000))
    elements = [_markdown("text", escape_md(_SLACK_BOLD.sub(r"**\1**", text)) or "…")]
    extra, cut = _section_elements(reply.sections, chars, total=chars)
    elements += extra
    if truncated or cut or len(reply.citations) > cites:
        elements.append(_markdown("truncated", f"*{messages.text('feishu_truncated', reply.language)}*"))
    elements += _tail_elements(reply, quote_chars, cites)
    if buttons:
        elements.append(_actions(button_elements(buttons)))
    return _card("cs-copilot", _TEMPLATES.get(reply.kind, "wathet"), elements, text)


# --- reports ----------------------------------------------------------------------------------------------------
def table_element(report: Report, rows: int, lang: str, cell_chars: int = MAX_CELL_CHARS) -> list[dict[str, Any]]:
    """The report's table as a `table` component (all cells as text), plus a note when rows are left out."""
    table = report.table
    if table is None:
        return []
    ncols = min(MAX_TABLE_COLUMNS, max([len(table.columns)] + [len(r) for r in table.rows]))
    if ncols == 0:
        return []
    names = [f"c{i}" for i in range(ncols)]
    headers = list(table.columns[:ncols]) + [""] * (ncols - len(table.columns[:ncols]))
    columns = [{"name": n, "display_name": _clip(h, 50)[0], "data_type": "text", "width": "auto"}
               for n, h in zip(names, headers)]
    data = [{n: _clip(" ".join(str(c).split()), cell_chars)[0] for n, c in zip(names, row)}
            for row in table.rows[:rows]]
    out: list[dict[str, Any]] = []
    if table.title:
        out.append(_markdown("table_title", f"**{escape_md(table.title)}**"))
    out.append({"tag": "table", "element_id": "table", "page_size": 10, "row_height": "low",
                "header_style": {"bold": True, "background_style": "grey"}, "columns": columns, "rows": data})
    if len(data) < len(table.rows):
        note = messages.text("table_rows_shown", lang, shown=len(data), total=len(table.rows))
        out.append(_markdown("table_note", f"*{note}*"))
    return out


def _report_card(
    reply: Reply, answer_id: str, budget: tuple[int | None, int, int | None, int], image_keys: Mapping[str, str]
) -> Card:
    report = reply.report
    assert report is not None
    lang = reply.language
    chars, rows, total, cell_chars = budget
    summary, cut = _clip(report.summary.strip(), chars)
    elements = [_markdown("summary", escape_md(summary))] if summary else []
    extra, sections_cut = _section_elements(report.sections, chars, total=total)
    elements += extra
    elements += table_element(report, rows, lang, cell_chars)
    for i, image in enumerate(report.images[:20]):
        key = image_keys.get(image.filename, "")
        name = image.title or image.filename
        if key:
            elements.append({"tag": "img", "element_id": f"img_{i}", "img_key": key, "scale_type": "fit_horizontal",
                             "alt": {"tag": "plain_text", "content": (image.alt_text or name)[:100]}})
        else:
            elements.append(_markdown(f"img_{i}", escape_md(messages.text("report_chart_attached", lang, name=name))))
    if report.files:
        names, _ = _clip(", ".join(f.title or f.filename for f in report.files), 1000)
        elements.append(_markdown("files", escape_md(messages.text("report_files_attached", lang, names=names))))
    text = reply.text.strip()
    if text and text not in (report.title.strip(), report.summary.strip()):
        clipped, text_cut = _clip(text, chars)
        cut = cut or text_cut
        elements.append(_markdown("text", escape_md(_SLACK_BOLD.sub(r"**\1**", clipped))))
    more, more_cut = _section_elements(reply.sections, chars, prefix="rsec", total=total)
    elements += more
    if cut or sections_cut or more_cut:
        elements.append(_markdown("truncated", f"*{messages.text('feishu_truncated', lang)}*"))
    elements += _tail_elements(reply, 200 if chars is None else 80, 10)
    buttons = reply_buttons(reply, answer_id)
    if buttons:
        elements.append(_actions(button_elements(buttons)))
    return _card(report.title or "cs-copilot", _TEMPLATES["report"], elements, report.summary or report.title)


# --- forms -------------------------------------------------------------------------------------------------------
def _field_elements(f: FormField, taken: set[str]) -> list[dict[str, Any]]:
    element_id = _element_id("f_", f.name, taken)
    label = {"tag": "plain_text", "content": f.label[:100]}
    if f.kind == "select":
        options = [{"text": {"tag": "plain_text", "content": lbl[:100]}, "value": value} for value, lbl in f.options]
        select: dict[str, Any] = {"tag": "select_static", "element_id": element_id, "name": f.name,
                                  "required": f.required, "placeholder": label, "options": options, "width": "fill"}
        if f.initial and any(o["value"] == f.initial for o in options):
            select["initial_option"] = f.initial
        return [_markdown(_element_id("l_", f.name, taken), f"**{escape_md(f.label)}**"), select]
    element: dict[str, Any] = {"tag": "input", "element_id": element_id, "name": f.name, "required": f.required,
                               "label": label, "label_position": "top", "width": "fill",
                               "max_length": max(1, min(f.max_length, MAX_INPUT_CHARS))}
    if f.kind == "textarea":
        element.update({"input_type": "multiline_text", "rows": 4})
    if f.initial:
        element["default_value"] = f.initial[: element["max_length"]]
    return [element]


def render_form_card(form: Form, lang: str, *, intro: str = "") -> Card:
    """A card with a `form` container: one input / select_static per field (each with `name` = the
    field name) and a submit button (`form_action_type: submit`) whose callback value is
    `{"action": "form_submit", "command", "form_id", "context"}`; the values arrive in `action.form_value`."""
    taken = {"intro", "form", "form_submit"}
    fields: list[dict[str, Any]] = []
    for f in form.fields[:60]:
        fields.extend(_field_elements(f, taken))
    submit = messages.text("form_submit", lang) if form.submit_label == "Submit" else form.submit_label
    fields.append({
        "tag": "button", "element_id": "form_submit", "name": SUBMIT_NAME, "type": "primary",
        "text": {"tag": "plain_text", "content": submit[:MAX_BUTTON_TEXT]}, "form_action_type": "submit",
        "behaviors": [{"type": "callback", "value": {
            "action": "form_submit", "command": form.command, "form_id": form.form_id, "context": dict(form.context)}}],
    })
    elements: list[dict[str, Any]] = []
    if intro.strip():
        elements.append(_markdown("intro", escape_md(_SLACK_BOLD.sub(r"**\1**", _clip(intro.strip(), 4000)[0]))))
    elements.append({"tag": "form", "element_id": "form", "name": FORM_NAME, "elements": fields})
    return _card(form.title or "cs-copilot", _TEMPLATES["form"], elements, intro or form.title)


# --- other cards ------------------------------------------------------------------------------------------------
def simple_card(text: str, lang: str, *, kind: str = "info", title: str = "cs-copilot") -> Card:
    """Help, info and error replies: one markdown block (Slack-style *bold* rewritten as **bold**)."""
    clipped, _ = _clip(text.strip(), 6000)
    body = escape_md(_SLACK_BOLD.sub(r"**\1**", clipped))
    return _card(title, _TEMPLATES.get(kind, "wathet"), [_markdown("text", body or "…")], text)


def processing_card(lang: str) -> Card:
    text = messages.text("thinking", lang)
    return _card(messages.text("answer_heading", lang), "grey", [_markdown("status", f"*{text}*")], text)


def streaming_card(partial: str, lang: str) -> Card:
    """The card while a generative model is still writing: the text so far, no buttons yet."""
    text, _ = _clip(partial.strip(), 6000)
    elements = [_markdown("answer", escape_md(text) or "…"), _markdown("status", f"*{messages.text('thinking', lang)}*")]
    return _card(messages.text("answer_heading", lang), "blue", elements, text)


def with_feedback_done(card: Card, lang: str) -> Card:
    """The answer card after a 👍/👎: the feedback buttons replaced by a thank-you, the others kept."""
    updated = copy.deepcopy(card)
    elements = updated.get("body", {}).get("elements", [])
    for i, element in enumerate(elements):
        if element.get("element_id") != ACTIONS_ID:
            continue
        kept = [
            col["elements"][0]
            for col in element.get("columns", [])
            if col.get("elements") and button_action(col["elements"][0]) not in FEEDBACK_ACTIONS
        ]
        thanks = _markdown("feedback_done", f"✅ {messages.text('feedback_thanks', lang)}")
        elements[i] = _actions(kept) if kept else thanks
        if kept:
            elements.insert(i, thanks)
        break
    return updated


def with_vote_counts(card: Card, up: int, down: int, lang: str) -> Card:
    """The shared card after a vote: a "👍 n · 👎 m" line (replaced on each vote) above the buttons,
    which all stay, so everyone in the chat can still vote or change their vote."""
    updated = copy.deepcopy(card)
    elements: list[dict[str, Any]] = updated.setdefault("body", {}).setdefault("elements", [])
    line = _markdown(VOTES_ID, messages.text("vote_counts", lang, up=up, down=down))
    ids = [e.get("element_id") for e in elements]
    if VOTES_ID in ids:
        elements[ids.index(VOTES_ID)] = line
    elif ACTIONS_ID in ids:
        elements.insert(ids.index(ACTIONS_ID), line)
    else:
        elements.append(line)
    return updated


def toast(key: str, lang: str, kind: str = "info", **params: object) -> dict[str, Any]:
    """A callback toast in the asker's language, with both languages for Feishu's client locale."""
    return {
        "type": kind,
        "content": messages.text(key, lang, **params),
        "i18n": {"zh_cn": messages.text(key, "zh", **params), "en_us": messages.text(key, "en", **params)},
    }
