"""The platform-neutral command router, built on the command registry (bot/commands/).

Adapters (CLI chat, Slack, Feishu) translate their events into an `IncomingMessage`, an `ActionEvent`
or a `FormSubmission`, call the router, and render the neutral `Reply`. The router normalises the text
once, finds the command (`/cmd rest`, a Chinese alias as the first word on message platforms, plain
text = /ask), checks the asker's role and calls the command's handler. It never raises and never
imports slack_bolt or lark_oapi.
"""

from __future__ import annotations

import dataclasses
import logging
import unicodedata
from typing import TYPE_CHECKING, Callable, Protocol, TypeVar

from bot import messages
from bot.commands.base import CommandContext, CommandSpec, Role, parse_args
from bot.errors import CsCopilotError
from bot.llm.ratelimit import RateLimited
from bot.logs import correlation_id, new_correlation_id
from bot.models import (  # noqa: F401  (re-exported: older imports use bot.router)
    ActionEvent,
    Button,
    Citation,
    FormSubmission,
    IncomingMessage,
    PartialCallback,
    Reply,
    Section,
    SimilarCase,
)

if TYPE_CHECKING:
    from bot.commands.registry import Registry
    from bot.config import Settings

log = logging.getLogger(__name__)

DEFAULT_COMMAND = "/ask"  # what plain text runs
MESSAGE_PLATFORMS = ("cli", "feishu")  # where a Chinese alias as the first word is a command
DEFAULT_MAX_CHARS = 2000
_R = TypeVar("_R")


class Answerer(Protocol):
    """What /ask needs from the answering service (see bot.answer.service)."""

    def answer(
        self, question: str, *, language: str, context: tuple[str, ...] = (), on_partial: PartialCallback | None = None,
        user_key: str = "",
    ) -> Reply: ...


class Services(Protocol):
    """What the router needs from the composition root (bot.container.Container)."""

    settings: "Settings"


# --- text normalisation ------------------------------------------------------------------------------

_DROP_CATEGORIES = {"Cc", "Cf", "Cs", "Co"}  # control, format (zero-width, bidi), lone surrogates, private use
_KEEP = {"\n", "\t"}


def normalize_text(text: str) -> str:
    """NFC, newlines unified, control/zero-width/surrogate characters and U+FFFD (undecodable bytes) removed,
    ends stripped. Done once, here, for every message."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = "".join(
        ch for ch in text
        if ch in _KEEP or (unicodedata.category(ch) not in _DROP_CATEGORIES and ch != "\ufffd")
    )
    return unicodedata.normalize("NFC", cleaned).strip()


def parse_command(text: str) -> tuple[str | None, str]:
    """Split '/cmd rest' into ('/cmd', 'rest'); plain text gives (None, text)."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return None, stripped
    head, _, rest = stripped.partition(" ")
    if "\n" in head:
        head, _, more = head.partition("\n")
        rest = (more + " " + rest).strip()
    return head.lower(), rest.strip()


def _first_word(text: str) -> tuple[str, str]:
    parts = text.split(maxsplit=1)
    if not parts:
        return "", ""
    word = parts[0].rstrip(":：,，")
    return word, parts[1].strip() if len(parts) > 1 else ""


def _csv_ids(raw: str) -> frozenset[str]:
    return frozenset(x.strip() for x in raw.split(",") if x.strip())


@dataclasses.dataclass(frozen=True)
class _Resolved:
    spec: CommandSpec | None
    command: str | None  # what the user typed as the command (for "unknown command")
    rest: str
    language: str


class CommandRouter:
    def __init__(self, registry: "Registry", services: Services | None = None, *, max_chars: int | None = None) -> None:
        self.registry = registry
        self.services = services
        settings = getattr(services, "settings", None)
        self._max_chars = max_chars or int(getattr(settings, "max_question_chars", DEFAULT_MAX_CHARS))

    # --- roles -----------------------------------------------------------------------------------------

    def role_of(self, platform: str, user_id: str) -> Role:
        """ADMIN/MANAGER from the settings' id lists; the local CLI/chat user is ADMIN; anyone else AGENT."""
        if platform == "cli":
            return Role.ADMIN
        settings = getattr(self.services, "settings", None)
        if settings is None or platform not in ("slack", "feishu"):
            return Role.AGENT
        if user_id in _csv_ids(str(getattr(settings, f"{platform}_admin_ids", "") or "")):
            return Role.ADMIN
        if user_id in _csv_ids(str(getattr(settings, f"{platform}_manager_ids", "") or "")):
            return Role.MANAGER
        return Role.AGENT

    # --- messages --------------------------------------------------------------------------------------

    def _resolve(self, msg: IncomingMessage) -> _Resolved:
        text = normalize_text(msg.text)
        if msg.command:
            command: str | None = msg.command.strip().lower()
            spec = self.registry.get(command or "")
            rest = text
            # `cs-copilot ask /ask ...`, Slack `/ask /ask ...`: the command repeated is not part of the question
            head, again = parse_command(rest)
            if head is not None and spec is not None and self.registry.get(head) is spec:
                rest = again
        else:
            command, rest = parse_command(text)
            if command is not None:
                spec = self.registry.get(command)
            else:
                word, after = _first_word(text)
                if msg.platform in MESSAGE_PLATFORMS and word and self.registry.is_alias_word(word):
                    command, spec, rest = word, self.registry.get(word), after
                else:
                    spec = self.registry.get(DEFAULT_COMMAND)
        # a Chinese alias word ("历史 C120559") says the asker's language when the rest (an id) cannot
        basis = text if command is not None and not command.startswith("/") else (rest or text)
        lang = msg.language or messages.detect_language(basis, default="en")
        return _Resolved(spec, command, rest, lang)

    def spec_for(self, msg: IncomingMessage) -> CommandSpec | None:
        """The command `msg` will run (None: unknown command or nothing to run), without running it."""
        try:
            resolved = self._resolve(msg)
        except Exception:
            log.exception("could not resolve the command of a %s message", msg.platform)
            return None
        if resolved.spec is None or (resolved.command is None and not resolved.rest):
            return None
        return resolved.spec

    def handle(self, msg: IncomingMessage, on_partial: PartialCallback | None = None) -> Reply:
        """Route one message. Never raises: failures become a friendly error reply."""
        if not correlation_id():
            new_correlation_id()
        lang = msg.language or "en"
        try:
            resolved = self._resolve(msg)
            lang = resolved.language
            return self._dispatch(resolved, msg, on_partial)
        except CsCopilotError as exc:
            log.warning("request failed: %s (%s)", type(exc).__name__, exc)
            return self.failure_reply(exc, lang)
        except Exception:  # the edge: never show a raw exception
            log.exception("unexpected failure while handling a %s message", msg.platform)
            return self.error_reply("internal_error", lang)

    def _dispatch(self, r: _Resolved, msg: IncomingMessage, on_partial: PartialCallback | None) -> Reply:
        lang = r.language
        if r.spec is None:
            return self._error("unknown_command", lang, command=r.command or "")
        if r.command is None and not r.rest:
            return self._error("empty_input", lang)
        if len(r.rest) > self._max_chars:
            return self._error("too_long", lang, length=len(r.rest), limit=self._max_chars)
        role = self.role_of(msg.platform, msg.user_id)
        spec = r.spec

        def run() -> Reply:
            refused = self._refuse(spec, role, lang)
            if refused is not None:
                return refused
            args = parse_args(spec, r.rest)
            if spec.needs_text and not args.text:
                if spec.name == DEFAULT_COMMAND:  # the question prompt, as for an empty plain message
                    return self._error("empty_input", lang)
                usage = spec.usage.get(lang) or spec.usage.get("en", "")
                return self._error("command_usage", lang, command=spec.name, usage=usage)
            ctx = self._context(dataclasses.replace(msg, text=r.rest), lang, role, on_partial)
            return spec.handler(ctx, args)

        return self._audited(spec, msg.platform, msg.user_id, msg.channel_id, role, spec.name, r.rest, run)

    # --- buttons and forms -----------------------------------------------------------------------------

    def handle_action(self, event: ActionEvent) -> Reply | None:
        """Run the command that owns the clicked button; None when no command owns it. Never raises."""
        lang = event.language or event.payload.get("lang") or "en"
        spec = self.registry.for_action(event.action_id)
        if spec is None:
            log.info("no command handles action %r", event.action_id)
            return None
        handler = spec.actions.get(event.action_id.split("~", 1)[0])
        if handler is None:
            return None
        return self._guarded(lang, event.platform, lambda: self._run_action(spec, event, lang, handler))

    def _run_action(self, spec: CommandSpec, event: ActionEvent, lang: str, handler: Callable[..., Reply | None]
                    ) -> Reply | None:
        role = self.role_of(event.platform, event.user_id)

        def run() -> Reply | None:
            refused = self._refuse(spec, role, lang)
            if refused is not None:
                return refused
            msg = IncomingMessage(text="", user_id=event.user_id, channel_id=event.channel_id,
                                  platform=event.platform, command=spec.name, language=lang,
                                  thread_key=event.thread_key, message_id=event.message_id)
            return handler(self._context(msg, lang, role, None), event)

        action = event.action_id.split("~", 1)[0]
        return self._audited(spec, event.platform, event.user_id, event.channel_id, role, action, event.value, run)

    def handle_form(self, sub: FormSubmission) -> Reply:
        """Run the `on_form` of the command that opened the form. Never raises."""
        lang = sub.language or sub.context.get("lang") or "en"
        spec = self.registry.get(sub.command)
        if spec is None or spec.on_form is None:
            return self._error("unknown_command", lang, command=sub.command)
        on_form = spec.on_form

        role = self.role_of(sub.platform, sub.user_id)

        def form() -> Reply:
            refused = self._refuse(spec, role, lang)
            if refused is not None:
                return refused
            msg = IncomingMessage(text="", user_id=sub.user_id, channel_id=sub.channel_id, platform=sub.platform,
                                  command=spec.name, language=lang)
            clean = dataclasses.replace(sub, values={k: normalize_text(v) for k, v in sub.values.items()})
            return on_form(self._context(msg, lang, role, None), clean)

        def run() -> Reply | None:
            return self._audited(spec, sub.platform, sub.user_id, sub.channel_id, role, f"{spec.name} form", "", form)

        reply = self._guarded(lang, sub.platform, run)
        return reply if reply is not None else self._error("internal_error", lang)

    # --- helpers ---------------------------------------------------------------------------------------

    def _guarded(self, lang: str, platform: str, fn: Callable[[], Reply | None]) -> Reply | None:
        if not correlation_id():
            new_correlation_id()
        try:
            return fn()
        except CsCopilotError as exc:
            log.warning("request failed: %s (%s)", type(exc).__name__, exc)
            return self.failure_reply(exc, lang)
        except Exception:
            log.exception("unexpected failure while handling a %s click or form", platform)
            return self.error_reply("internal_error", lang)

    def _audited(self, spec: CommandSpec, platform: str, user_id: str, channel_id: str, role: Role, action: str,
                 target: str, run: Callable[[], _R]) -> _R:
        """Run `run`; when the command is privileged (manager or admin), write one audit entry (bot/audit.py):
        who, where, what, and whether it was refused, failed or done. Auditing never breaks the command."""
        if spec.role <= Role.AGENT:
            return run()
        outcome = "refused" if role < spec.role else "error"
        try:
            result = run()
            if outcome != "refused" and not (isinstance(result, Reply) and result.kind == "error"):
                outcome = "ok"
            return result
        finally:
            self._audit(platform, user_id, role, action, target, outcome, channel_id)

    def _audit(self, platform: str, user_id: str, role: Role, action: str, target: str, outcome: str,
               channel_id: str) -> None:
        services = self.services
        if services is None or not callable(getattr(services, "state", None)):
            log.warning("no state database: privileged %s by %s:%s not audited", action, platform, user_id)
            return
        try:
            from bot.audit import record

            redact = getattr(services, "redact", None)
            shown = redact(target) if callable(redact) and target else target
            record(services, user_id, platform, action, shown,
                   {"channel": channel_id, "ref": correlation_id() or ""}, role=role.name.lower(), outcome=outcome)
        except Exception:
            log.exception("could not write the audit entry for %s by %s:%s", action, platform, user_id)

    def _context(self, msg: IncomingMessage, lang: str, role: Role, on_partial: PartialCallback | None
                 ) -> CommandContext:
        return CommandContext(message=msg, language=lang, role=role, services=self.services,  # type: ignore[arg-type]
                              on_partial=on_partial, registry=self.registry)

    def _refuse(self, spec: CommandSpec, role: Role, lang: str) -> Reply | None:
        if role >= spec.role:
            return None
        who = messages.text(f"role_{spec.role.name.lower()}", lang)
        return self._error("role_refused", lang, command=spec.name, role=who)

    @staticmethod
    def _error(key: str, lang: str, **params: object) -> Reply:
        return Reply(text=messages.text(key, lang, **params), kind="error", language=lang)

    def failure_reply(self, exc: CsCopilotError, lang: str) -> Reply:
        """The friendly reply for a layer's error; a rate limit says how many seconds to wait."""
        if isinstance(exc, RateLimited):
            return self._error("rate_limited", lang, seconds=exc.retry_after)
        return self.error_reply(exc.message_key, lang)

    @staticmethod
    def error_reply(key: str, lang: str) -> Reply:
        return Reply(text=messages.text(key, lang, ref=correlation_id() or "-"), kind="error", language=lang)


def answer_buttons(lang: str, answer_id: str, *, shareable: bool = False, grounded: bool = True) -> list[Button]:
    """The standard buttons under an answer; `answer_id` links a click to the recorded answer. A grounded
    answer also gets "Mark resolved" (/resolve's `resolve_mark`: the answer becomes a past resolution)."""
    buttons = [
        Button("feedback_up", messages.text("button_helpful", lang), answer_id),
        Button("feedback_down", messages.text("button_not_helpful", lang), answer_id),
    ]
    if shareable:
        buttons.append(Button("share", messages.text("button_share", lang), answer_id, style="primary"))
    if grounded:
        buttons.append(Button("resolve_mark", messages.text("button_resolve", lang), answer_id))
    buttons.append(Button("need_human", messages.text("button_human", lang), answer_id, style="danger"))
    return buttons
