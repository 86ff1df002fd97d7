"""What the managers and the agents see: the managers' thread header, batch notes, status notes, links.

Everything is a neutral `Reply`; the Slack and Feishu renderers (and the terminal) draw it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Sequence

from bot import messages
from bot.escalation.store import EventRow, MemberRow, RequestRow
from bot.models import Button, PostedMessage, Reply, Section

SAMPLES = 3
HISTORY = 5
ACTIONS = {  # action_id -> the status it sets ("" = opens a form)
    "escalation_ack": "acknowledged",
    "escalation_planned": "planned",
    "escalation_decline": "",
    "escalation_need_info": "need_info",
    "escalation_merge": "",
}


def when(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def status_label(status: str, lang: str) -> str:
    return messages.text(f"escalation_status_{status}", lang)


def samples(members: Sequence[MemberRow], limit: int = SAMPLES) -> list[str]:
    """Distinct wordings, languages alternating so both show when both exist."""
    seen: set[str] = set()
    by_lang: dict[str, list[str]] = {}
    for m in members:
        key = " ".join(m.text.split()).casefold()
        if key in seen:
            continue
        seen.add(key)
        by_lang.setdefault(m.language, []).append(m.text)
    out: list[str] = []
    while len(out) < limit and any(by_lang.values()):
        for lang in sorted(by_lang):
            if by_lang[lang] and len(out) < limit:
                out.append(by_lang[lang].pop(0))
    return out


def header(request: RequestRow, members: Sequence[MemberRow], events: Sequence[EventRow], lang: str) -> Reply:
    """The managers' thread root: the need, counts, sample wordings, first/last seen, history, buttons."""
    status = status_label(request.status, lang)
    if request.status_note:
        status += f" ({request.status_note})"
    lines = [
        messages.text("escalation_header", lang, id=request.id, title=request.title),
        messages.text("escalation_header_counts", lang, customers=request.customers, agents=request.agents,
                      status=status),
        messages.text("escalation_header_seen", lang, first=when(request.first_seen), last=when(request.last_seen)),
    ]
    sections = []
    quotes = samples(members)
    if quotes:
        sections.append(Section("\n".join(f"> {q}" for q in quotes), messages.text("escalation_samples", lang)))
    history = [history_line(e, lang) for e in events if e.action in ("status", "merged", "merged_in", "threshold")]
    if history:
        sections.append(Section("\n".join(history[-HISTORY:]), messages.text("escalation_history", lang)))
    buttons = [] if request.status == "merged" else manager_buttons(request.id, lang)
    return Reply(text="\n".join(lines), kind="info", language=lang, sections=sections, buttons=buttons,
                 visibility="channel")


def manager_buttons(request_id: int, lang: str) -> list[Button]:
    value = str(request_id)
    payload = {"lang": lang}
    return [
        Button("escalation_ack", messages.text("escalation_button_ack", lang), value, payload=payload),
        Button("escalation_planned", messages.text("escalation_button_planned", lang), value, "primary", payload),
        Button("escalation_decline", messages.text("escalation_button_decline", lang), value, "danger", payload),
        Button("escalation_need_info", messages.text("escalation_button_need_info", lang), value, payload=payload),
        Button("escalation_merge", messages.text("escalation_button_merge", lang), value, payload=payload),
    ]


def history_line(event: EventRow, lang: str) -> str:
    actor = event.actor or messages.text("escalation_actor_system", lang)
    if event.action == "status":
        text = messages.text("escalation_event_status", lang, actor=actor, status=status_label(event.new_status, lang),
                             old=status_label(event.old_status, lang) if event.old_status else "-")
        if event.note:
            text += f": {event.note}"
    elif event.action == "merged":
        text = messages.text("escalation_event_merged", lang, actor=actor, target=event.note)
    elif event.action == "merged_in":
        text = messages.text("escalation_event_merged_in", lang, actor=actor, source=event.note)
    elif event.action == "threshold":
        text = messages.text("escalation_event_threshold", lang, count=event.note)
    else:
        text = f"{actor}: {event.action}"
    return f"{when(event.created_at)} · {text}"


def batch_note(request: RequestRow, members: Sequence[MemberRow], lang: str) -> Reply:
    customers = sorted({m.customer_id or m.customer_key for m in members})
    shown = ", ".join(customers[:10]) + (" …" if len(customers) > 10 else "")
    text = messages.text("escalation_batch", lang, count=len(customers), total=request.customers, customers=shown)
    quotes = samples(members, 2)
    if quotes:
        text += "\n" + "\n".join(f"> {q}" for q in quotes)
    return Reply(text=text, kind="info", language=lang)


def link(posted: dict[str, str], feishu_host: str = "") -> str:
    """A link to a managers' thread an agent can open (Slack archive URL, Feishu chat applink)."""
    platform, channel, ts = posted.get("platform", ""), posted.get("channel_id", ""), posted.get("message_id", "")
    if platform == "slack" and channel and ts:
        return f"https://slack.com/archives/{channel}/p{ts.replace('.', '')}"
    if platform == "feishu" and channel:
        host = "applink.larksuite.com" if "larksuite" in feishu_host else "applink.feishu.cn"
        return f"https://{host}/client/chat/open?openChatId={channel}"
    if platform == "cli" and ts:
        return f"#{ts}"
    return ""


def posted_dict(posted: PostedMessage) -> dict[str, str]:
    return {"platform": posted.platform, "channel_id": posted.channel_id, "message_id": posted.message_id,
            "thread_id": posted.thread_id}


def posted_of(data: dict[str, str]) -> PostedMessage | None:
    if not data.get("channel_id") or not data.get("message_id"):
        return None
    return PostedMessage(data.get("platform", ""), data["channel_id"], data["message_id"], data.get("thread_id", ""))
