"""Socket Mode: receive Slack requests over an outbound WebSocket (no public URL needed).

Used by `cs-copilot serve --socket` when SLACK_APP_TOKEN (`xapp-…`, scope connections:write) is set.
Signatures are not used in Socket Mode (the connection itself is authenticated by the app token);
acks are sent as `{"envelope_id": …}` frames by Bolt's handler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient

from bot.errors import ConfigError

if TYPE_CHECKING:
    from bot.container import Container


def start_socket_mode(container: "Container", *, client: WebClient | None = None) -> SocketModeHandler:
    """Build the app, open the WebSocket and return at once (`connect()`, non-blocking).

    Call `handler.close()` to stop. Block the main thread yourself (e.g. `threading.Event().wait()`)."""
    from bot.slack.app import ContainerRouter, build_slack_app

    settings = container.settings
    app_token = settings.slack_app_token.get_secret_value()
    if not app_token:
        raise ConfigError("Socket Mode needs SLACK_APP_TOKEN (an app-level token, xapp-…)")
    if not settings.slack_bot_token.get_secret_value() and client is None:
        raise ConfigError("Socket Mode needs SLACK_BOT_TOKEN (xoxb-…) to answer")
    app = build_slack_app(
        settings, ContainerRouter(container), container.state(), conversation=container.conversation(), client=client
    )
    handler = SocketModeHandler(app, app_token=app_token)
    handler.connect()
    return handler
