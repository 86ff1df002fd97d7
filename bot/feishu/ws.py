"""Long-connection mode (`cs-copilot serve --socket`): lark-oapi's WebSocket client, no public URL.

`lark_oapi.ws.client` keeps a module-level asyncio loop (created when lark_oapi is first imported,
in whatever thread that was) and `Client.start()` runs it forever. So the client runs in its own
thread, on a fresh loop installed as that module's loop before the client is built. The event
handlers are the webhook ones: they de-duplicate and hand slow work to the thread pool, so the
SDK's loop (which also sends the pings) is never blocked. Feishu does not encrypt or sign events
on this path; the connection itself is authenticated with the app id and secret.
One long connection per process.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import TYPE_CHECKING, Any

from bot.feishu.app import FeishuBot, build_feishu

if TYPE_CHECKING:
    from bot.container import Container

log = logging.getLogger(__name__)


class LongConnection(threading.Thread):
    """The thread running `lark.ws.Client.start()`; `stop()` ends it (tests, shutdown)."""

    def __init__(self, bot: FeishuBot) -> None:
        super().__init__(name="feishu-long-connection", daemon=True)
        self.bot = bot
        self.started_client = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: Any = None
        self._stopping = False

    def run(self) -> None:
        import lark_oapi as lark
        import lark_oapi.ws.client as ws_client

        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        ws_client.loop = loop  # the SDK schedules everything on this module global
        self._loop = loop
        s = self.bot.settings
        try:
            self._client = ws_client.Client(
                s.feishu_app_id,
                s.feishu_app_secret.get_secret_value(),
                event_handler=self.bot.dispatcher,
                domain=s.feishu_api_url.rstrip("/"),
                auto_reconnect=True,
                log_level=lark.LogLevel.DEBUG if s.log_level.upper() == "DEBUG" else lark.LogLevel.WARNING,
            )
            self.started_client.set()
            log.info("Feishu long connection starting (%s)", s.feishu_api_url)
            self._client.start()
        except (RuntimeError, asyncio.CancelledError) as exc:
            if not self._stopping:
                log.error("Feishu long connection stopped: %s", exc)
        except Exception as exc:  # credentials refused, endpoint unreachable...
            log.error("Feishu long connection failed: %s: %s", type(exc).__name__, exc)
        finally:
            self.started_client.set()
            _close_loop(loop)

    def stop(self, timeout: float = 5.0) -> None:
        """Close the connection and stop the SDK's loop (start() never returns by itself)."""
        self._stopping = True
        loop, client = self._loop, self._client
        if loop is None or loop.is_closed():
            return

        async def shutdown() -> None:
            # Cancel the SDK's tasks (receive loop, pings) first, so closing is not seen as a drop.
            # start() itself waits on `_select()`: leave it to loop.stop(), or start() would return early.
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()
                      and getattr(t.get_coro(), "__name__", "") != "_select"]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)
            conn = getattr(client, "_conn", None)
            if conn is not None:
                try:
                    await asyncio.wait_for(conn.close(), timeout=2)
                except Exception as exc:
                    log.debug("closing the long connection: %s", exc)
            loop.stop()

        try:
            asyncio.run_coroutine_threadsafe(shutdown(), loop)
        except RuntimeError:
            return
        self.join(timeout)


def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel the SDK's leftover tasks (receive loop, pings, cache cron) and close the loop."""
    try:
        tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        loop.close()
    except RuntimeError as exc:
        log.debug("closing the long-connection loop: %s", exc)


def start_long_connection(container: "Container", *, bot: FeishuBot | None = None) -> LongConnection:
    """Build the bot from the container (unless given) and start the long connection in a thread."""
    feishu = bot or build_feishu(
        container.settings, container.router(), container.state(), rules=container.conversation()
    )
    thread = LongConnection(feishu)
    thread.start()
    return thread
