"""The Feishu bot: lark-oapi Client + EventDispatcherHandler, shared by webhook and long-connection modes.

Handlers run inside `EventDispatcherHandler.do()` (webhook, in a worker thread) or on the SDK's
long-connection event loop, and must return within Feishu's 3 s. They only parse, de-duplicate
through the shared database (`state.claim_event`, so one replica answers a message once even when
Feishu redelivers it) and hand the slow work to a thread pool. Card callbacks answer synchronously
with a toast and, for feedback, the updated card.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any, Callable

import lark_oapi as lark
from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTriggerResponse

from bot import messages
from bot.config import Settings
from bot.errors import ConfigError
from bot.feishu import cards
from bot.feishu.actions import CardActions
from bot.feishu.api import FeishuApi, send_uuid
from bot.feishu.conversation import Conversation, RouterLike
from bot.feishu.parsing import InboundMessage, mentions_of, parse_message
from bot.feishu.ratelimit import Clock, Sleep
from bot.logs import adopt_logger, ensure_correlation_id
from bot.storage.db import StateStore

if TYPE_CHECKING:
    from bot.commands.registry import Registry
    from bot.conversation import ConversationService

log = logging.getLogger(__name__)

BOT_INFO_RETRY_SECONDS = 60.0
# Event types a setup may subscribe to that the bot does not act on: acknowledged (200), not retried.
IGNORED_EVENTS = (
    "im.message.message_read_v1",
    "im.chat.access_event.bot_p2p_chat_entered_v1",
    "im.chat.member.bot.added_v1",
    "im.chat.member.bot.deleted_v1",
)


class FeishuBot:
    def __init__(
        self, settings: Settings, router: RouterLike, state: StateStore, api: FeishuApi, executor: Executor,
        *, rules: "ConversationService | None" = None, stream_interval: float = 0.5, clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        from bot.conversation import ConversationService

        self.settings = settings
        self.router = router
        self.state = state
        self.rules = rules or ConversationService(state)
        self.api = api
        self.executor = executor
        self.registry = _registry_of(router)
        self.default_language = "zh" if "feishu.cn" in settings.feishu_api_url else "en"
        self.conversation = Conversation(
            api, router, self.rules, stream_interval=stream_interval, clock=clock, sleep=sleep,
            alias_word=self.registry.is_alias_word,
        )
        oncall = [o.strip() for o in settings.feishu_oncall_open_ids.split(",") if o.strip()]
        self.actions = CardActions(
            api, router, self.rules, self.submit, oncall_open_ids=oncall,
            escalation_chat_id=settings.feishu_escalation_chat_id, default_language=self.default_language,
        )
        self._pending: set[Future[Any]] = set()
        self._pending_lock = threading.Lock()
        self._bot_id: str | None = None
        self._bot_id_checked = float("-inf")
        self._bot_id_lock = threading.Lock()
        self.dispatcher = self._build_dispatcher()

    # --- properties --------------------------------------------------------------------------
    @property
    def escalation_chat_id(self) -> str:
        """FEISHU_ESCALATION_CHAT_ID: the group for escalations (used by "Need a human" from DMs)."""
        return self.settings.feishu_escalation_chat_id

    @property
    def webhook_authenticated(self) -> bool:
        s = self.settings
        return bool(s.feishu_verification_token.get_secret_value() or s.feishu_encrypt_key.get_secret_value())

    # --- background work ---------------------------------------------------------------------
    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        """Run `fn` on the pool in a copy of the caller's contextvars: the worker's log lines carry the
        correlation id of the request that handed it the work (the webhook's X-Request-Id)."""
        future = self.executor.submit(contextvars.copy_context().run, fn, *args)
        with self._pending_lock:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future[Any]) -> None:
        with self._pending_lock:
            self._pending.discard(future)
        if not future.cancelled() and future.exception() is not None:
            log.error("background task failed: %s", type(future.exception()).__name__)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every background task has finished (tests, graceful shutdown)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._pending_lock:
                pending = set(self._pending)
            if not pending:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            wait(pending, timeout=remaining)

    def close(self, timeout: float = 10.0) -> None:
        self.wait_idle(timeout)
        self.executor.shutdown(wait=False, cancel_futures=True)

    # --- bot identity --------------------------------------------------------------------------
    def bot_open_id(self) -> str | None:
        """The bot's open_id, fetched once (retried at most every minute when it failed)."""
        with self._bot_id_lock:
            if self._bot_id is None and time.monotonic() - self._bot_id_checked >= BOT_INFO_RETRY_SECONDS:
                self._bot_id_checked = time.monotonic()
                self._bot_id = self.api.bot_open_id()
            return self._bot_id

    def prefetch_bot_open_id(self) -> None:
        self.submit(self.bot_open_id)

    # --- event handlers (fast path, ≤ 3 s) ------------------------------------------------------
    def on_message(self, data: Any) -> None:
        ensure_correlation_id()  # webhook: the request's; long connection: a new one per event (its own task)
        event = getattr(data, "event", None)
        message = getattr(event, "message", None)
        message_id = str(getattr(message, "message_id", "") or "")
        if not message_id:
            return
        if getattr(message, "chat_type", "") != "p2p" and not mentions_of(message):
            log.debug("group message %s does not mention anyone; ignored", message_id)
            return
        if not self.state.claim_event(f"feishu:msg:{message_id}"):
            log.info("message %s already handled (redelivery); ignored", message_id)
            return
        self.submit(self._handle_message, event)

    def on_menu(self, data: Any) -> None:
        ensure_correlation_id()
        header = getattr(data, "header", None)
        event = getattr(data, "event", None)
        event_id = str(getattr(header, "event_id", "") or "")
        open_id = str(getattr(getattr(getattr(event, "operator", None), "operator_id", None), "open_id", "") or "")
        if not open_id or not event_id:
            return
        if not self.state.claim_event(f"feishu:menu:{event_id}"):
            log.info("menu event %s already handled; ignored", event_id)
            return
        self.submit(self._handle_menu, event_id, open_id, str(getattr(event, "event_key", "") or ""))

    def on_card_action(self, data: Any) -> P2CardActionTriggerResponse:
        try:
            body = self.actions.handle(getattr(data, "event", None))
        except Exception:
            cid = ensure_correlation_id()
            log.exception("card action failed")
            body = {"toast": cards.toast("internal_error", self.default_language, ref=cid)}
        return P2CardActionTriggerResponse(body)

    def on_ignored(self, data: Any) -> None:
        log.debug("event %s acknowledged and ignored", getattr(getattr(data, "header", None), "event_type", "?"))

    # --- background handlers ---------------------------------------------------------------------
    def _handle_message(self, event: Any) -> None:
        ensure_correlation_id()  # the request's, copied into this worker by submit()
        try:
            inbound = parse_message(event, self.bot_open_id())
        except Exception:
            log.exception("could not read a Feishu message event")
            return
        if inbound is None:
            log.debug("message not addressed to the bot; ignored")
            return
        if not inbound.supported:
            self._unsupported(inbound)
            return
        self.conversation.answer_message(inbound)

    def _unsupported(self, inbound: InboundMessage) -> None:
        """Images, files, stickers...: a short hint in DMs; ignored in groups (no @ possible there)."""
        if not inbound.is_p2p:
            return
        card = cards.simple_card(messages.text("feishu_text_only", self.default_language), self.default_language)
        try:
            self.api.reply(inbound.message_id, "interactive", card, uuid=send_uuid("u", inbound.message_id),
                           chat_key=inbound.chat_id)
        except Exception as exc:
            log.warning("could not send the text-only hint (%s)", type(exc).__name__)

    def menu_command(self, event_key: str) -> str:
        """The command a bot-menu key runs: the registered command of that name or alias (`ask`,
        `cs_help`, `帮助`; see `bot.commands.registry.feishu_menu`), else /help."""
        key = event_key.strip()
        spec = self.registry.get(key) or self.registry.get(key.replace("_", "-"))
        return spec.name if spec is not None else "/help"

    def _handle_menu(self, event_id: str, open_id: str, event_key: str) -> None:
        ensure_correlation_id()  # the request's, copied into this worker by submit()
        self.conversation.answer_menu(event_id, open_id, self.menu_command(event_key), self.default_language)

    # --- wiring -------------------------------------------------------------------------------------
    def _build_dispatcher(self) -> lark.EventDispatcherHandler:
        adopt_logger("Lark")  # lark-oapi logs to stdout with tracebacks; send it through our handler
        s = self.settings
        builder = (
            lark.EventDispatcherHandler.builder(
                s.feishu_encrypt_key.get_secret_value(), s.feishu_verification_token.get_secret_value()
            )
            .register_p2_im_message_receive_v1(self.on_message)
            .register_p2_application_bot_menu_v6(self.on_menu)
            .register_p2_card_action_trigger(self.on_card_action)
        )
        for event_type in IGNORED_EVENTS:
            builder = builder.register_p2_customized_event(event_type, self.on_ignored)
        return builder.build()


def build_client(settings: Settings) -> lark.Client:
    try:
        return (
            lark.Client.builder()
            .app_id(settings.feishu_app_id)
            .app_secret(settings.feishu_app_secret.get_secret_value())
            .domain(settings.feishu_api_url.rstrip("/"))
            .timeout(10)
            .log_level(lark.LogLevel.DEBUG if settings.log_level.upper() == "DEBUG" else lark.LogLevel.WARNING)
            .build()
        )
    except ValueError as exc:  # domain validation
        raise ConfigError(f"FEISHU_API_URL is not usable: {exc}") from None


def _registry_of(router: RouterLike) -> "Registry":
    from bot.commands.registry import Registry, default_registry

    registry = getattr(router, "registry", None)
    return registry if isinstance(registry, Registry) else default_registry()


def build_feishu(
    settings: Settings, router: RouterLike, state: StateStore, *, rules: "ConversationService | None" = None,
    client: lark.Client | None = None, executor: Executor | None = None, stream_interval: float = 0.5,
    clock: Clock = time.monotonic, sleep: Sleep = time.sleep, prefetch_bot_info: bool = True,
) -> FeishuBot:
    """Everything the Feishu adapter needs; starts fetching the bot's open_id in the background.
    `rules` defaults to the conversation service on `state`; `clock`/`sleep` drive the card streaming."""
    if not settings.feishu_enabled:
        raise ConfigError("Feishu needs FEISHU_APP_ID and FEISHU_APP_SECRET")
    api = FeishuApi(client or build_client(settings))
    pool = executor or ThreadPoolExecutor(max_workers=8, thread_name_prefix="feishu")
    bot = FeishuBot(settings, router, state, api, pool, rules=rules, stream_interval=stream_interval, clock=clock,
                    sleep=sleep)
    if prefetch_bot_info:
        bot.prefetch_bot_open_id()
    return bot
