"""The neutral message model shared by the core, the commands and every front end.

An adapter (Slack, Feishu, CLI, local chat) turns what a user did into an `IncomingMessage` (a command
or a question), an `ActionEvent` (a button click) or a `FormSubmission` (a Slack modal / Feishu form),
and renders the `Reply` it gets back. Nothing here imports slack_bolt or lark_oapi.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

PartialCallback = Callable[[str], None]

Platform = Literal["cli", "slack", "feishu"]
Visibility = Literal["channel", "private"]


@dataclass(frozen=True)
class IncomingMessage:
    """What a user said, wherever they said it."""

    text: str
    user_id: str = "local"
    channel_id: str = "local"
    platform: str = "cli"  # "cli" | "slack" | "feishu"
    thread_history: tuple[str, ...] = ()  # earlier user turns in the same thread, oldest first
    command: str | None = None  # set by adapters whose platform parses commands (Slack slash commands)
    language: str | None = None  # force a reply language; default: detected from the text
    thread_key: str = ""  # "<platform>:<channel>:<thread>" when the message belongs to a thread
    message_id: str = ""  # the platform's id of the message (Feishu message_id, Slack ts)


@dataclass(frozen=True)
class Citation:
    index: int
    doc_id: str
    title: str
    source: str
    quote: str
    url: str = ""
    kind: str = "kb"


@dataclass(frozen=True)
class SimilarCase:
    doc_id: str
    subject: str
    resolution: str
    source: str = ""


@dataclass(frozen=True)
class Button:
    """A button. `action_id` names what it does ("feedback_up", "rootcause_expand", ...); `value` is a
    short string id (an answer id, a request id); `payload` carries typed extra fields (str -> str) that
    come back unchanged in the `ActionEvent` of a click."""

    action_id: str
    label: str
    value: str = ""
    style: str = ""  # "" | "primary" | "danger"
    payload: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    body: str
    title: str = ""


@dataclass(frozen=True)
class Table:
    """Rows of plain-text cells under a header; renderers may show only the first rows, visibly."""

    columns: list[str]
    rows: list[list[str]]
    title: str = ""


@dataclass(frozen=True)
class Attachment:
    """A file or an image sent with a reply (a chart PNG, a CSV export, a Markdown report)."""

    filename: str
    content: bytes
    mime: str = "application/octet-stream"
    title: str = ""
    alt_text: str = ""

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


@dataclass
class Report:
    """A structured result (e.g. /rootcause): title, summary, sections, a table, images and files."""

    title: str
    summary: str = ""
    sections: list[Section] = field(default_factory=list)
    table: Table | None = None
    images: list[Attachment] = field(default_factory=list)
    files: list[Attachment] = field(default_factory=list)


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: Literal["text", "textarea", "select"] = "text"
    required: bool = True
    options: tuple[tuple[str, str], ...] = ()  # (value, label) for "select"
    initial: str = ""
    max_length: int = 2000


@dataclass(frozen=True)
class Form:
    """A simple form (Slack modal / Feishu form card). `command` and `form_id` route the submission
    back to the command that opened it; `context` travels with it unchanged (str -> str)."""

    command: str
    form_id: str
    title: str
    fields: tuple[FormField, ...]
    submit_label: str = "Submit"
    context: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionEvent:
    """A button click, in neutral form."""

    action_id: str
    value: str
    user_id: str
    channel_id: str
    platform: str
    payload: dict[str, str] = field(default_factory=dict)
    message_id: str = ""  # the message that carried the button
    thread_key: str = ""
    language: str | None = None


@dataclass(frozen=True)
class FormSubmission:
    command: str
    form_id: str
    values: dict[str, str]
    user_id: str
    platform: str
    channel_id: str = ""
    context: dict[str, str] = field(default_factory=dict)
    language: str | None = None


ReplyKind = str  # "answer" | "help" | "info" | "error" | "report" | "form"


@dataclass
class Reply:
    text: str
    kind: ReplyKind = "info"
    language: str = "en"
    sections: list[Section] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    similar_case: SimilarCase | None = None
    buttons: list[Button] = field(default_factory=list)
    grounded: bool | None = None
    notice: str = ""  # e.g. "the model timed out; extractive answer"
    question: str = ""  # the question this reply answers (for feedback records)
    report: Report | None = None
    form: Form | None = None
    visibility: Visibility | None = None  # None: the command's default
    data: dict[str, Any] = field(default_factory=dict)  # the command's JSON result (CLI --json)

    def full_text(self) -> str:
        """The answer with the similar past case appended, for plain-text outputs (terminal, --json).
        Slack and Feishu render `similar_case` as a block of their own instead."""
        from bot import messages

        case = self.similar_case
        if case is None:
            return self.text
        line = messages.text("similar_case_line", self.language, subject=case.subject, resolution=case.resolution)
        number = next((c.index for c in self.citations if c.doc_id == case.doc_id), None)
        return f"{self.text}\n\n{line}" + (f" [{number}]" if number is not None else "")


@dataclass(frozen=True)
class PostedMessage:
    """Where the outbound port put a message: enough to reply in its thread or update it later."""

    platform: str
    channel_id: str
    message_id: str  # Slack ts, Feishu message_id, a local sequence number
    thread_id: str = ""  # the thread root (Slack thread_ts, Feishu root message_id); "" at top level


def encode_button_value(value: str, payload: dict[str, str] | None = None) -> str:
    """A button's value as one string (Slack `value`): the plain value when there is no payload,
    else compact JSON {"v": value, "p": payload}. Renderers keep it within platform limits."""
    if not payload:
        return value
    return json.dumps({"v": value, "p": payload}, ensure_ascii=False, separators=(",", ":"))


def decode_button_value(raw: str) -> tuple[str, dict[str, str]]:
    """The inverse of `encode_button_value`; a plain string (older buttons) is a value without payload."""
    if raw.startswith("{"):
        try:
            data = json.loads(raw)
        except ValueError:
            return raw, {}
        if isinstance(data, dict) and "v" in data:
            payload = data.get("p") if isinstance(data.get("p"), dict) else {}
            return str(data["v"]), {str(k): str(v) for k, v in (payload or {}).items()}
    return raw, {}
