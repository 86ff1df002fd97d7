"""The Slack adapter: a slack-bolt app (HTTP or Socket Mode) that turns slash commands, mentions,
direct messages and button clicks into `bot.router.IncomingMessage`s and renders replies as Block Kit.

Nothing is imported or built at import time; see `bot.slack.app.build_slack_app`.
"""
