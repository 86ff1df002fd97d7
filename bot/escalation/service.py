"""The /escalate core: record a customer's need, open and feed the managers' threads, change statuses,
merge, and tell every agent who raised a request what the managers decided. Platform-neutral: it posts
through the outbound port (`container.outbound(platform)`) and never imports a platform SDK.

- `escalate(text, customer_id, agent)`: an agent's /escalate. The need joins the matching request or opens
  one; the agent's platform gets the managers' thread (once per request and platform) in
  SLACK_ESCALATION_CHANNEL / FEISHU_ESCALATION_CHAT_ID (the CLI's on stderr).
- `record_demand(text, customer_id, source=...)`: the same counting without an agent (the complaint
  analysis); a request reaching ESCALATION_THRESHOLD customers opens its managers' threads on every
  configured platform by itself.
- New customers reach an open managers' thread in batches: at most one reply per request every
  ESCALATION_BATCH_MINUTES (the header's counts are updated with each batch).
- `set_status` / `merge` (managers only; the command checks the role) are recorded in the request's trail,
  shown in the thread, and sent to every agent thread that raised the request, with a suggested reply to
  the customer in the customer's language.
- With a chat model configured, borderline matches (score near the threshold) are judged by the model
  before the lock is taken (bot/escalation/judge.py); without one, or when it fails, the threshold decides.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from bot import messages
from bot.errors import ConfigError, CsCopilotError
from bot.escalation import render
from bot.escalation.matching import NeedMatcher, Wording, need_key
from bot.escalation.store import STATUSES, EscalationStore, MemberRow, NewMember, RequestRow
from bot.models import Reply

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from bot.config import Settings
    from bot.escalation.judge import NeedJudge
    from bot.outbound.port import Outbound

log = logging.getLogger(__name__)

Clock = Callable[[], float]
SETTABLE = ("acknowledged", "planned", "declined", "need_info", "open")


@dataclass(frozen=True)
class Agent:
    """Who raised it and where to tell them later (`reply_to`: a PostedMessage as a dict)."""

    platform: str
    user_id: str
    channel_id: str = ""
    reply_to: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.user_id}" if self.user_id else ""


@dataclass(frozen=True)
class Outcome:
    request: RequestRow
    new: bool  # a new request was opened
    counted: bool  # False: this agent already raised it for this customer
    threads: dict[str, dict[str, str]]  # the managers' threads after this call

    def as_json(self) -> dict[str, Any]:
        return {"request_id": self.request.id, "title": self.request.title, "customers": self.request.customers,
                "status": self.request.status, "new": self.new}


class EscalationService:
    def __init__(self, store: EscalationStore, embedder: "Embeddings", settings: "Settings",
                 outbound: Callable[[str], "Outbound"], *, clock: Clock = time.time,
                 matcher: NeedMatcher | None = None, redact: Callable[[str], str] | None = None,
                 judge: "NeedJudge | None" = None) -> None:
        self.store = store
        self.redact = redact  # personal data out of what is stored and quoted in the managers' threads
        self.embedder = embedder
        self.settings = settings
        self._outbound = outbound
        self.clock = clock
        if matcher is None:
            from bot.escalation.calibration import load_priors
            from bot.retrieval.embedders import embedder_name

            matcher = NeedMatcher(threshold=settings.escalation_match_threshold,
                                  priors=load_priors(embedder_name(embedder)))
        self.matcher = matcher
        self.judge = judge  # a chat model's verdicts on borderline matches (bot/escalation/judge.py)
        self.race_hook: Callable[[], None] | None = None  # tests: runs inside the lock, before matching

    # --- recording -----------------------------------------------------------------------------------
    def escalate(self, text: str, customer_id: str, agent: Agent | None, *, source: str = "escalate",
                 created_at: float | None = None, external_id: str = "", open_thread: bool = True) -> Outcome:
        text = " ".join(text.split())
        if self.redact is not None:
            text = self.redact(text)
        now = self.clock()
        at = created_at if created_at is not None else now
        language = messages.detect_language(text)
        vector = self.embedder.embed_query(text)
        agent_key = agent.key if agent is not None else ""
        customer_key = customer_id.strip() or _anonymous(agent_key or source, text)
        verdicts: dict[int, bool] = {}
        if self.judge is not None:
            probe = Wording.of(-1, text, vector, language)
            verdicts = self.judge.verdicts(self.matcher, probe, self.store.wordings(), user_key=agent_key or source)
        recorded = self.store.record(NewMember(
            text=text, vector=vector, language=language, customer_key=customer_key, customer_id=customer_id.strip(),
            agent=agent_key, platform=agent.platform if agent else "", channel_id=agent.channel_id if agent else "",
            reply_to=agent.reply_to if agent else {}, source=source, external_id=external_id, title=text[:200],
            need_key=need_key(text),
        ), self.matcher, at, hook=self.race_hook, verdicts=verdicts)
        request = recorded.request
        if open_thread and agent is not None and self._destination(agent.platform):
            self._open_thread(request.id, agent.platform)
        if request.customers >= self.settings.escalation_threshold and request.escalated_at is None:
            self._threshold_reached(request.id)
        self.flush_due()  # this request's batch, and any other that fell due meanwhile
        fresh = self.store.get(request.id) or request
        return Outcome(fresh, recorded.new_request, recorded.counted, fresh.threads)

    def record_demand(self, text: str, customer_id: str, source: str = "analytics",
                      created_at: float | None = None) -> Outcome:
        """A need seen by the complaint analysis (no agent): counted, escalated at the threshold."""
        return self.escalate(text, customer_id, None, source=source, created_at=created_at)

    # --- managers' threads -----------------------------------------------------------------------------
    def _destination(self, platform: str) -> str:
        s = self.settings
        if platform == "slack":
            return s.slack_escalation_channel.strip() if s.slack_enabled else ""
        if platform == "feishu":
            return s.feishu_escalation_chat_id.strip() if s.feishu_enabled else ""
        if platform == "cli":
            return "managers"
        return ""

    def outbound(self, platform: str) -> "Outbound":
        if platform == "cli":  # stdout carries the command's own output (and --json): the thread goes to stderr
            cached: Outbound | None = self.__dict__.get("_cli_out")
            if cached is None:
                from bot.outbound.local import LocalOutbound

                cached = LocalOutbound(sys.stderr, self.settings.data_dir / "outbox")
                self.__dict__["_cli_out"] = cached
            return cached
        return self._outbound(platform)

    def _threshold_reached(self, request_id: int) -> None:
        request = self.store.get(request_id)
        if request is None:
            return
        self.store.add_event(request_id, "", "threshold", str(self.settings.escalation_threshold), self.clock())
        for platform in ("slack", "feishu"):
            if self._destination(platform):
                self._open_thread(request_id, platform)

    def _open_thread(self, request_id: int, platform: str) -> None:
        now = self.clock()
        if not self.store.claim_thread(request_id, platform, now):
            return
        try:
            request = self.store.get(request_id)
            assert request is not None
            out = self.outbound(platform)
            posted = out.post(self._destination(platform), self.header(request))
        except (CsCopilotError, OSError) as exc:
            log.warning("could not open the managers' thread of request %s on %s: %s", request_id, platform, exc)
            self.store.set_thread(request_id, platform, None)
            return
        self.store.set_thread(request_id, platform, render.posted_dict(posted))
        self.store.claim_escalation(request_id, now)
        self.store.mark_announced(request_id)

    def header(self, request: RequestRow) -> Reply:
        return render.header(request, self.store.members(request.id), self.store.events(request.id), request.language)

    def flush_due(self, only: int | None = None) -> int:
        """Post the batches that are due (new customers since the last batch, window elapsed)."""
        now = self.clock()
        before = now - self.settings.escalation_batch_minutes * 60
        due = self.store.due_announcements(before)
        posted = 0
        for request_id in due if only is None else [r for r in due if r == only]:
            members = self.store.claim_batch(request_id, before, now)
            if not members:
                continue
            request = self.store.get(request_id)
            if request is None:
                continue
            self._to_threads(request, render.batch_note(request, members, request.language))
            posted += 1
        return posted

    def _to_threads(self, request: RequestRow, note: Reply | None) -> None:
        """Update each managers' thread header, and reply `note` in it."""
        header = self.header(request)
        for platform, data in request.threads.items():
            root = render.posted_of(data)
            if root is None:
                continue
            try:
                out = self.outbound(platform)
                out.update(root, header)
                if note is not None:
                    out.reply_in_thread(root, note)
            except (CsCopilotError, OSError) as exc:
                log.warning("could not update the managers' thread of request %s on %s: %s", request.id, platform,
                            exc)

    # --- managers' decisions ---------------------------------------------------------------------------
    def set_status(self, request_id: int, status: str, actor: str, note: str = "") -> RequestRow:
        if status not in STATUSES or status == "merged":
            raise ValueError(status)
        old, request = self.store.set_status(request_id, status, actor, note.strip()[:500], self.clock())
        events = self.store.events(request_id)
        self._to_threads(request, Reply(text=render.history_line(events[-1], request.language), language=request.language))
        if old != status:
            self.notify_agents(request)
        return request

    def merge(self, source_id: int, target_id: int, actor: str) -> tuple[RequestRow, RequestRow]:
        source, target = self.store.merge(source_id, target_id, actor, self.clock())
        for req in (source, target):
            events = self.store.events(req.id)
            self._to_threads(req, Reply(text=render.history_line(events[-1], req.language), language=req.language))
        self.notify_agents(target, merged_from=source)
        return source, target

    def notify_agents(self, request: RequestRow, merged_from: RequestRow | None = None) -> int:
        """Tell every agent thread that raised the request (once per thread) about its status, with a
        suggested reply to the customer in the customer's language."""
        sent = 0
        seen: set[tuple[str, str]] = set()
        for member in self.store.members(request.id):
            if not member.agent:
                continue
            where = (member.agent, json.dumps(member.reply_to, sort_keys=True))
            if where in seen:
                continue
            seen.add(where)
            try:
                self._notify(member, request, merged_from)
                sent += 1
            except (CsCopilotError, OSError) as exc:
                log.warning("could not tell agent %s about request %s: %s", member.agent, request.id, exc)
        return sent

    def _notify(self, member: MemberRow, request: RequestRow, merged_from: RequestRow | None) -> None:
        lang = member.language or request.language
        status = render.status_label(request.status, lang)
        text = messages.text("escalation_agent_status", lang, id=request.id, title=request.title, status=status)
        if request.status_note:
            text += "\n" + messages.text("escalation_agent_note", lang, note=request.status_note)
        if merged_from is not None:
            text += "\n" + messages.text("escalation_agent_merged", lang, source=merged_from.id)
        suggestion = suggested_reply(request.status, lang, request.status_note)
        if suggestion:
            text += "\n" + messages.text("escalation_suggested_reply", lang, reply=suggestion)
        reply = Reply(text=text, kind="info", language=lang)
        platform = member.reply_to.get("platform") or member.platform
        out = self.outbound(platform)
        target = render.posted_of(member.reply_to)
        if target is not None:
            out.reply_in_thread(target, reply)
        else:
            out.post(member.reply_to.get("channel_id") or member.agent.split(":", 1)[-1], reply)

    # --- reads -----------------------------------------------------------------------------------------
    def top(self, statuses: tuple[str, ...] = (), limit: int = 20) -> list[RequestRow]:
        return self.store.top(statuses, limit)

    def link(self, request: RequestRow, platform: str) -> str:
        data = request.threads.get(platform) or next(iter(request.threads.values()), {})
        return render.link(data, self.settings.feishu_api_url) if "message_id" in data else ""


def suggested_reply(status: str, lang: str, note: str = "") -> str:
    key = f"escalation_customer_{status}"
    if key not in messages.MESSAGES:
        return ""
    return messages.text(key, lang, note=note or "-")


def _anonymous(owner: str, text: str) -> str:
    """A customer key when no customer id was given: one per raiser and wording (a repeat counts once)."""
    return "anon:" + hashlib.sha256(f"{owner}\x00{need_key(text)}".encode("utf-8")).hexdigest()[:16]


def build_service(container: Any, *, clock: Clock | None = None) -> EscalationService:
    """The container's escalation service, built once (on its state database, embedder and outbound port)."""
    cached: EscalationService | None = container.__dict__.get("_escalation")
    if cached is not None:
        return cached
    lock = container.__dict__.setdefault("_escalation_lock", threading.Lock())
    with lock:
        cached = container.__dict__.get("_escalation")
        if cached is None:
            state = container.state()
            store = state.repository(EscalationStore)
            redact = getattr(container, "redact", None)
            cached = EscalationService(store, container.embedder(), container.settings, container.outbound,
                                       clock=clock or time.time, redact=redact if callable(redact) else None,
                                       judge=_judge(container))
            container.__dict__["_escalation"] = cached
    return cached


def _judge(container: Any) -> "NeedJudge | None":
    """A judge of borderline matches when the container has a chat model, else None."""
    from bot.llm.gateway import gateway_for

    try:
        gateway = gateway_for(container)
    except (CsCopilotError, AttributeError) as exc:  # no or a misconfigured model: the threshold decides
        log.warning("escalation: no model judge (%s)", exc)
        return None
    if gateway is None:
        return None
    from bot.escalation.judge import NeedJudge

    return NeedJudge(gateway)


def record_demand(text: str, customer_id: str, source: str = "analytics", *, container: Any,
                  created_at: float | None = None) -> Outcome:
    """For the complaint analysis: count a customer's need; at ESCALATION_THRESHOLD customers the request
    opens its managers' threads by itself."""
    if not text.strip():
        raise ConfigError("record_demand needs a text")
    return build_service(container).record_demand(text, customer_id, source=source, created_at=created_at)
