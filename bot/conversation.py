"""One set of conversation rules for every platform (core; no slack_bolt or lark_oapi).

- An answer is recorded once, in one format: the stored payload holds the neutral `Reply` as JSON
  (`reply_to_json` / `reply_from_json`), so any adapter can re-render it (share, update a card).
- One vote per user per answer; a second click changes it (`vote`). Counts come back with every vote.
- Thread memory: the user turns of a thread, the same text on every platform (`remember_turn`).
- "Need a human" is recorded once per answer, across replicas (`request_human`); the question posted to the
  on-call people goes through the deployment's redactor first (`question_for_escalation`).
"""

from __future__ import annotations

import base64
import dataclasses
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from bot.logs import correlation_id
from bot.models import (
    Attachment,
    Button,
    Citation,
    Form,
    FormField,
    Reply,
    Report,
    Section,
    SimilarCase,
    Table,
)

if TYPE_CHECKING:
    from bot.storage.db import StateStore

log = logging.getLogger(__name__)

PAYLOAD_FORMAT = 1  # version of the stored answer payload


# --- the neutral reply as JSON ---------------------------------------------------------------------

def _attachment_json(a: Attachment) -> dict[str, Any]:
    return {"filename": a.filename, "mime": a.mime, "title": a.title, "alt_text": a.alt_text,
            "content_b64": base64.b64encode(a.content).decode("ascii")}


def reply_to_json(reply: Reply) -> dict[str, Any]:
    """A JSON-able copy of a reply (every field, attachments base64), the inverse of `reply_from_json`."""
    data: dict[str, Any] = {}
    for f in dataclasses.fields(Reply):
        value = getattr(reply, f.name)
        if f.name == "report" and value is not None:
            rep: Report = value
            data["report"] = {
                "title": rep.title, "summary": rep.summary,
                "sections": [dataclasses.asdict(s) for s in rep.sections],
                "table": dataclasses.asdict(rep.table) if rep.table is not None else None,
                "images": [_attachment_json(a) for a in rep.images],
                "files": [_attachment_json(a) for a in rep.files],
            }
        elif dataclasses.is_dataclass(value) or isinstance(value, list):
            data[f.name] = _plain(value)
        else:
            data[f.name] = value
    return data


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in ((f.name, getattr(value, f.name)) for f in dataclasses.fields(value))}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _attachment(d: dict[str, Any]) -> Attachment:
    return Attachment(filename=str(d.get("filename", "")), content=base64.b64decode(d.get("content_b64") or b""),
                      mime=str(d.get("mime") or "application/octet-stream"), title=str(d.get("title", "")),
                      alt_text=str(d.get("alt_text", "")))


def _str_dict(d: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in d.items()} if isinstance(d, dict) else {}


def reply_from_json(data: dict[str, Any]) -> Reply:
    """Rebuild a `Reply` from `reply_to_json` output (also reads the older `asdict(reply)` payloads)."""
    case = data.get("similar_case")
    report = data.get("report")
    form = data.get("form")
    visibility = data.get("visibility")
    return Reply(
        text=str(data.get("text", "")),
        kind=str(data.get("kind", "answer")),
        language=str(data.get("language") or "en"),
        sections=[Section(**s) for s in data.get("sections") or []],
        citations=[Citation(**c) for c in data.get("citations") or []],
        similar_case=SimilarCase(**case) if isinstance(case, dict) else None,
        buttons=[Button(action_id=str(b.get("action_id", "")), label=str(b.get("label", "")),
                        value=str(b.get("value", "")), style=str(b.get("style", "")),
                        payload=_str_dict(b.get("payload"))) for b in data.get("buttons") or []],
        grounded=data.get("grounded"),
        notice=str(data.get("notice", "")),
        question=str(data.get("question", "")),
        report=Report(
            title=str(report.get("title", "")), summary=str(report.get("summary", "")),
            sections=[Section(**s) for s in report.get("sections") or []],
            table=Table(**report["table"]) if isinstance(report.get("table"), dict) else None,
            images=[_attachment(a) for a in report.get("images") or []],
            files=[_attachment(a) for a in report.get("files") or []],
        ) if isinstance(report, dict) else None,
        form=Form(
            command=str(form.get("command", "")), form_id=str(form.get("form_id", "")),
            title=str(form.get("title", "")),
            fields=tuple(FormField(**{**f, "options": tuple(tuple(o) for o in f.get("options") or ())})
                         for f in form.get("fields") or []),
            submit_label=str(form.get("submit_label") or "Submit"), context=_str_dict(form.get("context")),
        ) if isinstance(form, dict) else None,
        visibility=visibility if visibility in ("channel", "private") else None,
        data=dict(data.get("data") or {}),
    )


# --- records -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AnswerRecord:
    answer_id: str
    platform: str
    user_id: str  # who asked
    channel_id: str
    question: str
    reply: Reply
    extra: dict[str, Any] = field(default_factory=dict)  # what the adapter stored with it (message ids...)
    thread_key: str = ""


@dataclass(frozen=True)
class VoteResult:
    rating: int  # +1 or -1: the user's vote now
    changed: bool  # True when this click replaced an opposite vote of the same user
    up: int
    down: int


class ConversationService:
    def __init__(self, state: "StateStore", clock: Callable[[], float] = time.time,
                 redact: Callable[[str], str] | None = None) -> None:
        self.state = state
        self.clock = clock
        self._redact = redact  # the deployment's redactor (bot.container); every type when not given

    # --- thread memory -------------------------------------------------------------------------------

    def thread_turns(self, thread_key: str, limit: int = 5) -> list[str]:
        """The last `limit` user turns of a thread, oldest first ([] outside a thread)."""
        if not thread_key:
            return []
        return self.state.thread_turns(thread_key, limit)

    def remember_turn(self, thread_key: str, text: str) -> None:
        """Remember what the user asked in a thread: the question itself (a leading /ask and the
        private flag removed, text normalised), the same on every platform; other commands are not turns."""
        turn = question_of(text)
        if thread_key and turn:
            self.state.append_turn(thread_key, turn)

    # --- answers -------------------------------------------------------------------------------------

    def record_answer(
        self, reply: Reply, *, platform: str, user_id: str, channel_id: str, thread_key: str = "",
        extra: dict[str, Any] | None = None, answer_id: str = "",
    ) -> str:
        """Store an answer so its buttons can find it later; returns its id ("" if the database failed:
        show the answer without buttons). `answer_id` may be given to make redeliveries idempotent."""
        answer_id = answer_id or uuid.uuid4().hex
        payload = {"format": PAYLOAD_FORMAT, "reply": reply_to_json(reply), "thread_key": thread_key,
                   "extra": dict(extra or {}), "recorded_at": self.clock()}
        try:
            self.state.record_answer(answer_id, platform, user_id, channel_id, reply.question, reply.text,
                                     payload=payload)
        except Exception as exc:
            log.warning("could not record answer %s (ref %s): %s", answer_id, correlation_id() or "-",
                        type(exc).__name__)
            return ""
        return answer_id

    def get_answer(self, answer_id: str) -> AnswerRecord | None:
        if not answer_id:
            return None
        row = self.state.get_answer(answer_id)
        if row is None:
            return None
        payload: dict[str, Any] = dict(row.get("payload") or {})
        if isinstance(payload.get("reply"), dict):
            reply = reply_from_json(payload["reply"])
            extra = payload.get("extra") if payload.get("format") == PAYLOAD_FORMAT else {
                k: v for k, v in payload.items() if k != "reply"}
        else:  # an older record without the reply: rebuild what it kept
            reply = Reply(text=str(row.get("answer", "")), kind="answer", language=str(payload.get("language") or "en"),
                          grounded=payload.get("grounded"), question=str(row.get("question", "")))
            extra = payload
        if not reply.question:
            reply.question = str(row.get("question", ""))
        return AnswerRecord(
            answer_id=answer_id, platform=str(row.get("platform", "")), user_id=str(row.get("user_id", "")),
            channel_id=str(row.get("channel_id", "")), question=str(row.get("question", "")), reply=reply,
            extra=dict(extra or {}), thread_key=str(payload.get("thread_key", "")),
        )

    # --- votes and escalation --------------------------------------------------------------------------

    def vote(self, answer_id: str, user_id: str, platform: str, rating: int, *, channel_id: str = "") -> VoteResult:
        """One vote per user per answer: a first click counts, the same click again changes nothing,
        the opposite click replaces the vote. Every click is also kept in the feedback log."""
        rating = 1 if rating > 0 else -1
        previous = self.state.votes.vote_of(answer_id, user_id)
        up, down = self.state.upsert_vote(answer_id, user_id, platform, rating)
        record = self.state.get_answer(answer_id) or {}
        self.state.record_feedback(
            platform, user_id, channel_id or str(record.get("channel_id", "")), str(record.get("question", "")),
            str(record.get("answer", "")), rating,
            extra={"answer_id": answer_id, "known_answer": bool(record), "previous": previous},
        )
        from bot.assist.gaps import note_vote  # the knowledge-gap queue (/gaps): a 👎 is a signal

        note_vote(self.state, answer_id, user_id, platform, rating, record or None)
        return VoteResult(rating=rating, changed=previous is not None and previous != rating, up=up, down=down)

    def vote_counts(self, answer_id: str) -> tuple[int, int]:
        up, down = self.state.vote_counts(answer_id)
        return int(up), int(down)

    def question_for_escalation(self, record: AnswerRecord | None) -> str:
        """The asker's question as posted to the escalation group by "Need a human": personal data replaced
        by placeholders ([PHONE_1] ...), as for a model provider ("" without a record)."""
        question = record.question if record is not None else ""
        if not question:
            return ""
        if self._redact is None:
            from bot.privacy.redactor import Redactor

            self._redact = Redactor()
        return self._redact(question)

    def request_human(self, answer_id: str, user_id: str, platform: str) -> bool:
        """True the first time a human is requested for this answer (any user, any replica)."""
        first = self.state.claim_event(f"need_human:{answer_id}")
        if first:  # the knowledge-gap queue (/gaps): "Need a human" is a signal
            from bot.assist.gaps import note_need_human

            note_need_human(self.state, answer_id, user_id, platform, self.state.get_answer(answer_id))
        log.info("need-a-human on answer %s by %s:%s (%s)", answer_id, platform, user_id,
                 "first request" if first else "already requested")
        return first


def question_of(text: str) -> str:
    """The question in a user's message: normalised, without a leading /ask (or its aliases) and
    without the private flag; "" for any other command."""
    from bot.commands.ask import COMMAND as ASK
    from bot.commands.ask import split_private_flag
    from bot.router import normalize_text, parse_command

    clean = normalize_text(text)
    command, rest = parse_command(clean)
    if command is not None:
        if command not in (ASK.name, *ASK.aliases):
            return ""
        clean = rest
    else:
        word, _, after = clean.partition(" ")
        if word in ASK.aliases:
            clean = after.strip()
    return split_private_flag(clean)[0]
