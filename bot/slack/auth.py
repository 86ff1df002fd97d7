"""Authorization of Slack requests for the single-workspace bot token, without blocking on `auth.test`.

Bolt's default for a single token (`SingleTeamAuthorization`) calls `auth.test` before any listener
runs and, when the Web API cannot be reached, raises: every correctly signed request (slash commands
included) is answered 500 and logged with a traceback. `WorkspaceAuthorization` is Bolt's `authorize`
hook instead:

- it always authorizes with the configured bot token, so every request is acknowledged and the
  listener runs (a slash command's reply still goes out through its `response_url`);
- the bot's identity (`bot_user_id`, `bot_id`, team) comes from one `auth.test` with a short timeout,
  cached once it succeeds; after a failure it is retried no sooner than `retry_after` seconds later, and
  until then requests are authorized without it (only mention-stripping and self-event filtering use it);
- the failure is logged once (WARNING, with the reason), then at DEBUG; recovery is logged once (INFO).

Bolt refuses `authorize` together with a client token (it would ignore the token with a warning), so the
app gets `auth.client`: the same Web API settings without a token. Bolt gives each request a client with
the token from the `AuthorizeResult`.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.logs import truncate

log = logging.getLogger("bot.slack.auth")

AUTH_TEST_TIMEOUT = 2  # seconds: Slack wants the ack within 3
RETRY_AFTER = 30.0  # seconds between auth.test attempts while the Web API is unreachable


class WorkspaceAuthorization(Authorize):
    def __init__(
        self,
        client: WebClient,
        *,
        timeout: int = AUTH_TEST_TIMEOUT,
        retry_after: float = RETRY_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = client.token or ""
        self.retry_after = retry_after
        self._clock = clock
        common: dict[str, Any] = {
            "base_url": client.base_url,
            "ssl": client.ssl,
            "proxy": client.proxy,
            "headers": dict(client.headers),
            "logger": client.logger,
        }
        # What Bolt copies into each request's client (which gets the token from our AuthorizeResult).
        self.client = WebClient(token=None, timeout=client.timeout, retry_handlers=list(client.retry_handlers),
                                **common)
        # Our own probe: a short timeout and no retries, so an unreachable API costs one short wait; its
        # logger is quiet (slack_sdk logs each failed call as an ERROR): we report the failure once, here.
        probe_log = logging.getLogger("bot.slack.auth.probe")
        probe_log.setLevel(logging.CRITICAL)
        self._probe = WebClient(token=self.token or None, timeout=timeout, retry_handlers=[],
                                **{**common, "logger": probe_log})
        self._lock = threading.Lock()
        self._identity: dict[str, Any] | None = None
        self._next_attempt = 0.0
        self._failing = False
        self.last_error = ""

    # --- Bolt's authorize hook ---------------------------------------------------------------------------
    def __call__(
        self,
        *,
        context: Any = None,
        enterprise_id: str | None = None,
        team_id: str | None = None,
        user_id: str | None = None,
        **_: Any,
    ) -> AuthorizeResult:
        identity = self.identity()
        return AuthorizeResult(
            enterprise_id=identity.get("enterprise_id") or enterprise_id,
            team_id=identity.get("team_id") or team_id,
            bot_id=identity.get("bot_id"),
            bot_user_id=identity.get("user_id"),
            bot_token=self.token or None,
            user_id=user_id,
        )

    # --- the cached identity -----------------------------------------------------------------------------
    def identity(self) -> dict[str, Any]:
        """auth.test's answer (cached), or {} while the Web API is unreachable (then retried later)."""
        if self._identity is not None:
            return self._identity
        # One caller probes; the others wait at most for that probe (its timeout), never for their own.
        if not self._lock.acquire(timeout=self._probe.timeout + 1):
            return {}
        try:
            if self._identity is not None:
                return self._identity
            if self._clock() < self._next_attempt:
                return {}
            return self._attempt()
        finally:
            self._lock.release()

    def _attempt(self) -> dict[str, Any]:
        try:
            resp = self._probe.auth_test()
        except SlackApiError as exc:
            reason = f"auth.test answered {exc.response.get('error') or exc.response.status_code}"
        except Exception as exc:  # connection refused, DNS, timeout, TLS...
            reason = f"{type(exc).__name__}: {exc}"
        else:
            self._identity = dict(resp.data) if isinstance(resp.data, dict) else {}
            if self._failing:
                log.info("the Slack Web API is reachable again (auth.test succeeded)")
            self._failing = False
            return self._identity
        self._next_attempt = self._clock() + self.retry_after
        self.last_error = truncate(reason, 300)
        if not self._failing:
            log.warning(
                "the Slack Web API is unreachable (%s): requests are still acknowledged; replies that need "
                "the Web API fail until it is back; auth.test is retried every %.0f s",
                self.last_error, self.retry_after,
            )
        else:
            log.debug("auth.test still failing: %s", self.last_error)
        self._failing = True
        return {}


def authorization_of(app: App) -> WorkspaceAuthorization | None:
    """The app's WorkspaceAuthorization, if it was built with one (Bolt keeps it as `_authorize`)."""
    found = getattr(app, "_authorize", None)
    return found if isinstance(found, WorkspaceAuthorization) else None
