"""Build the slack-bolt `App` for cs-copilot.

Order of work for every request (HTTP or Socket Mode):
1. Bolt's built-in middleware: SSL check, **request signature verification** (HTTP mode; 401 on a
   bad, missing or stale signature), authorization (`auth.test`, cached), ignoring the bot's own events,
   url_verification.
2. Our de-duplication middleware: Events API redeliveries and repeated button clicks are acknowledged
   and dropped once a replica has claimed them in the shared database.
3. The listener's `ack` function, which answers Slack at once; then its lazy function, which does the
   slow work (answering) on the app's thread pool.

Commands, buttons and forms are not listed here: the command registry decides (see handlers.py and
actions.py), so a new command is a new module under bot/commands/ and nothing changes in this adapter.
"""

from __future__ import annotations

import contextvars
import logging
import re
import secrets
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Callable, ParamSpec, TypeVar

from slack_bolt import Ack, App, BoltContext, BoltRequest, BoltResponse, Respond
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot import messages
from bot.config import Settings
from bot.errors import CsCopilotError
from bot.logs import correlation_id, new_correlation_id
from bot.models import ActionEvent, FormSubmission, IncomingMessage, PartialCallback, Reply
from bot.router import CommandRouter
from bot.slack.actions import ActionHandlers
from bot.slack.auth import WorkspaceAuthorization
from bot.slack.common import FORM_CALLBACK_PREFIX, RouterLike
from bot.slack.handlers import ConversationHandlers
from bot.slack.streaming import DEFAULT_INTERVAL, Clock, UpdateBudget
from bot.storage.db import StateStore

if TYPE_CHECKING:
    from bot.commands.base import CommandSpec
    from bot.container import Container
    from bot.conversation import ConversationService

log = logging.getLogger("bot.slack")
_P = ParamSpec("_P")
_T = TypeVar("_T")


class ContextCopyingExecutor(ThreadPoolExecutor):
    """Bolt's listener executor: each task runs in a copy of the submitting thread's contextvars
    (`contextvars.copy_context()` per submit), so a lazy listener (the answer) keeps the correlation id of
    the HTTP request that started it (its X-Request-Id) in its logs. Nothing set in a task leaks back."""

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> "Future[_T]":
        context = contextvars.copy_context()

        def task() -> _T:
            return context.run(fn, *args, **kwargs)

        return super().submit(task)


def correlation_middleware(request: BoltRequest, response: BoltResponse, next: Callable[[], None]) -> BoltResponse:
    """Every Bolt request gets a correlation id: an HTTP request keeps the one `bot.server` gave it (its
    X-Request-Id); a Socket Mode request (no HTTP request, a reused thread) gets a new one."""
    if request.mode == "socket_mode" or not correlation_id():
        new_correlation_id()
    next()
    return response


def build_web_client(settings: Settings, *, timeout: int = 10) -> WebClient:
    """A WebClient for the bot token that also waits and retries on HTTP 429 (honours Retry-After)."""
    client = WebClient(
        token=settings.slack_bot_token.get_secret_value() or None,
        base_url=settings.slack_api_url,
        timeout=timeout,
    )
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    return client


def dedupe_key(body: dict[str, Any]) -> str | None:
    """The shared-state key of a request Slack may deliver more than once (None: no de-duplication).

    Events API: `slack:event:{team_id}:{event_id}`; button clicks: `slack:action:{action_ts or trigger_id}`.
    Slash commands are never retried by Slack and carry no id, so they are not de-duplicated."""
    if body.get("type") == "event_callback" and body.get("event_id"):
        return f"slack:event:{body.get('team_id') or '-'}:{body['event_id']}"
    if body.get("type") == "block_actions":
        actions = body.get("actions") or [{}]
        ident = actions[0].get("action_ts") or body.get("trigger_id")
        if ident:
            return f"slack:action:{ident}"
    return None


def dedupe_middleware(state: StateStore) -> Callable[..., BoltResponse]:
    def deduplicate(
        body: dict[str, Any], request: BoltRequest, response: BoltResponse, next: Callable[[], None]
    ) -> BoltResponse:
        key = dedupe_key(body)
        if key is None:
            next()
            return response
        try:
            first = state.claim_event(key)
        except Exception as exc:  # fail open: answering twice beats not answering
            log.warning("de-duplication unavailable for %s: %s", key, exc)
            first = True
        if first:
            next()
            return response
        retry = (request.headers.get("x-slack-retry-num") or ["-"])[0]
        log.info("dropped a redelivery of %s (x-slack-retry-num %s)", key, retry)
        return BoltResponse(status=200, body="")

    return deduplicate


class ContainerRouter:
    """Resolves `container.router()` on first use, so the server starts (and acks) even while the
    core is unreachable; a failure becomes the usual friendly error reply."""

    def __init__(self, container: "Container") -> None:
        self.container = container

    def _router(self) -> RouterLike:
        return self.container.router()

    def warm(self) -> None:
        """Build the router (it imports every command module) before the first request needs it."""
        try:
            self._router()
        except Exception as exc:
            log.warning("the command router could not be built yet: %s: %s", type(exc).__name__, exc)

    def spec_for(self, msg: IncomingMessage) -> "CommandSpec | None":
        try:
            return self._router().spec_for(msg)
        except Exception as exc:
            log.warning("the command router is unavailable: %s: %s", type(exc).__name__, exc)
            return None

    def handle(self, msg: IncomingMessage, on_partial: PartialCallback | None = None) -> Reply:
        try:
            router = self._router()
        except Exception as exc:
            return self._unavailable(exc, msg.language or messages.detect_language(msg.text))
        return router.handle(msg, on_partial)

    def handle_action(self, event: ActionEvent) -> Reply | None:
        try:
            router = self._router()
        except Exception as exc:
            return self._unavailable(exc, event.language or "en")
        return router.handle_action(event)

    def handle_form(self, sub: FormSubmission) -> Reply:
        try:
            router = self._router()
        except Exception as exc:
            return self._unavailable(exc, sub.language or "en")
        return router.handle_form(sub)

    @staticmethod
    def _unavailable(exc: Exception, lang: str) -> Reply:
        key = exc.message_key if isinstance(exc, CsCopilotError) else "internal_error"
        log.warning("the command router is unavailable: %s: %s", type(exc).__name__, exc)
        return CommandRouter.error_reply(key, lang)


def build_slack_app(
    settings: Settings,
    router: RouterLike,
    state: StateStore,
    *,
    conversation: "ConversationService | None" = None,
    client: WebClient | None = None,
    lazy: bool = True,
    update_interval: float = DEFAULT_INTERVAL,
    workers: int = 16,
    clock: Clock = time.monotonic,
) -> App:
    """The Bolt app. `lazy=True` (production): ack at once, answer on the thread pool afterwards.
    `lazy=False`: the listener answers before Bolt returns (handy in tests: dispatch() returns when done).
    `conversation` defaults to the conversation service on `state`; `clock` drives the streaming throttle.

    No network call happens here: `auth.test` runs (once, cached) on the first request."""
    from bot.conversation import ConversationService

    web = client or build_web_client(settings)
    # Without a signing secret (Socket Mode only), use a random one so no HTTP request can ever verify.
    signing_secret = settings.slack_signing_secret.get_secret_value() or secrets.token_hex(32)
    app = App(
        name="cs-copilot",
        client=(auth := WorkspaceAuthorization(web)).client,  # bot.slack.auth: acks even without auth.test
        authorize=auth,
        signing_secret=signing_secret,
        process_before_response=True,  # ack functions run in the request thread; slow work is lazy
        token_verification_enabled=False,
        request_verification_enabled=True,
        listener_executor=ContextCopyingExecutor(max_workers=workers, thread_name_prefix="slack-work"),
    )
    if isinstance(router, ContainerRouter):
        # Commands are imported on first use; do it now, off the request path (the 3 s ack budget).
        threading.Thread(target=router.warm, name="slack-warm-router", daemon=True).start()
        if conversation is None:
            conversation = router.container.conversation()
    rules = conversation or ConversationService(state)
    talk = ConversationHandlers(
        settings, router, rules, update_interval=update_interval, budget=UpdateBudget(clock=clock), clock=clock
    )
    clicks = ActionHandlers(settings, router, rules)
    app.use(correlation_middleware)
    app.use(dedupe_middleware(state))

    # One listener each: every slash command (the manifest lists the registered ones; the router
    # answers an unknown one), every button (answer buttons, else the owning command), every form.
    commands = app.command(re.compile(r"^/"))
    mentions = app.event("app_mention")
    messages_ = app.event("message")
    actions = app.action(re.compile(r"."))
    views = app.view(re.compile(rf"^{re.escape(FORM_CALLBACK_PREFIX)}"))
    if lazy:
        commands(ack=talk.ack_command, lazy=[talk.on_command])
        mentions(ack=talk.ack_event, lazy=[talk.on_mention])
        messages_(ack=talk.ack_event, lazy=[talk.on_message])
        actions(ack=clicks.ack_action, lazy=[clicks.on_action])
        views(ack=clicks.ack_view, lazy=[clicks.on_view])
        return app

    def command_inline(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        talk.ack_command(ack, command)
        talk.on_command(command, respond, client)

    def mention_inline(ack: Ack, event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        talk.on_mention(event, context, client)

    def message_inline(ack: Ack, event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        talk.on_message(event, context, client)

    def action_inline(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        clicks.on_action(body, action, respond, client)

    def view_inline(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        ack()
        clicks.on_view(body, view, client)

    commands(command_inline)
    mentions(mention_inline)
    messages_(message_inline)
    actions(action_inline)
    views(view_inline)
    return app
