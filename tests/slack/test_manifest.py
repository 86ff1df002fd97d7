"""slack_app_manifest.yaml comes from the command registry and asks for exactly the scopes the code uses.

Fails when a command is registered but missing from the committed manifest (regenerate it with
`cs-copilot manifest`, keeping the header comment), when the code starts calling a Web API method whose
scope the manifest lacks, or when the manifest asks for a scope nothing uses.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.commands.registry import default_registry, slack_manifest

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "slack_app_manifest.yaml"
BOT = ROOT / "bot"
EVENTS_URL = "https://YOUR-HOST/slack/events"

# Web API methods (slack_sdk WebClient method names) -> the bot scope they need (None: no scope).
METHOD_SCOPES: dict[str, str | None] = {
    "auth_test": None,
    "views_open": None,
    "views_update": None,
    "views_push": None,
    "chat_postMessage": "chat:write",
    "chat_postEphemeral": "chat:write",
    "chat_update": "chat:write",
    "chat_delete": "chat:write",
    "files_upload_v2": "files:write",
    "files_getUploadURLExternal": "files:write",
    "files_completeUploadExternal": "files:write",
    "conversations_replies": "channels:history",
    "conversations_history": "channels:history",
    "conversations_info": "channels:read",
    "conversations_open": "im:write",
    "reactions_add": "reactions:write",
    "users_info": "users:read",
    "usergroups_list": "usergroups:read",
}
# Event subscriptions -> the scope that delivers them.
EVENT_SCOPES = {
    "app_mention": "app_mentions:read",
    "message.im": "im:history",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
}
_CALL = re.compile(r"\.((?:auth|chat|views|files|conversations|reactions|users|usergroups|pins|bookmarks)_\w+)\(")


def _manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _web_api_calls() -> set[str]:
    """The Web API methods called anywhere in the Slack adapter (only bot/slack imports slack_sdk)."""
    calls: set[str] = set()
    for path in (BOT / "slack").rglob("*.py"):
        calls.update(_CALL.findall(path.read_text(encoding="utf-8")))
    return calls


def test_the_committed_manifest_is_the_one_generated_from_the_registry() -> None:
    assert _manifest() == yaml.safe_load(slack_manifest()), (
        "slack_app_manifest.yaml is out of date: regenerate it with `cs-copilot manifest` (keep the header)"
    )


def test_every_registered_command_and_slash_alias_is_a_slash_command() -> None:
    listed = {c["command"] for c in _manifest()["features"]["slash_commands"]}
    registered = {n for spec in default_registry().all() for n in (spec.name, *spec.aliases) if n.startswith("/")}
    assert "/ask" in registered and "/cs-help" in registered
    assert listed == registered
    for entry in _manifest()["features"]["slash_commands"]:
        assert entry["url"] == EVENTS_URL and entry["description"] and entry["should_escape"] is False
        assert len(entry["description"]) <= 100 and len(entry.get("usage_hint", "")) <= 100  # Slack's limits


def test_every_url_keeps_the_your_host_placeholder() -> None:
    settings = _manifest()["settings"]
    assert settings["event_subscriptions"]["request_url"] == EVENTS_URL
    assert settings["interactivity"] == {"is_enabled": True, "request_url": EVENTS_URL}
    assert settings["socket_mode_enabled"] is False
    assert "YOUR-HOST" in MANIFEST.read_text(encoding="utf-8").split("display_information:")[0]  # the how-to


def test_scopes_are_exactly_those_the_code_uses() -> None:
    calls = _web_api_calls()
    assert {"chat_postMessage", "chat_update", "views_open"} <= calls  # the scan sees the adapter
    unknown = calls - set(METHOD_SCOPES)
    assert not unknown, f"add the scope of {sorted(unknown)} to METHOD_SCOPES (and to the manifest)"
    events = set(_manifest()["settings"]["event_subscriptions"]["bot_events"])
    needed = {s for s in (METHOD_SCOPES[c] for c in calls) if s} | {EVENT_SCOPES[e] for e in events} | {"commands"}
    scopes = set(_manifest()["oauth_config"]["scopes"]["bot"])
    assert scopes == needed, f"missing: {sorted(needed - scopes)}, unused: {sorted(scopes - needed)}"
    for unused in ("im:read", "im:write", "reactions:write", "users:read", "usergroups:read"):
        assert unused not in scopes


def test_events_are_the_ones_the_adapter_listens_to() -> None:
    events = set(_manifest()["settings"]["event_subscriptions"]["bot_events"])
    assert events == set(EVENT_SCOPES)  # mentions, DMs, and thread follow-ups in public and private channels
    listened = set(re.findall(r'app\.event\("([\w.]+)"\)', (BOT / "slack" / "app.py").read_text(encoding="utf-8")))
    assert {e.split(".")[0] for e in events} == listened


def test_the_docs_list_the_same_scopes() -> None:
    docs = (ROOT / "docs" / "slack.md").read_text(encoding="utf-8")
    table = docs.split("| Scope | Why |", 1)[1].split("\n\n", 1)[0]  # the scope table
    documented = {scope for row in table.splitlines()[2:] for scope in re.findall(r"`([a-z_:]+)`", row.split("|")[1])}
    assert documented == set(_manifest()["oauth_config"]["scopes"]["bot"])
