"""The command registry: every module in bot/commands/ that defines `COMMAND: CommandSpec`.

Discovery walks the package with pkgutil (no hand-kept list), so adding a command is adding one file.
The router, /help, the CLI subcommands, the Feishu bot menu and the Slack manifest's slash commands all
come from here.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from typing import Iterable

from bot.commands.base import CommandSpec, Role

log = logging.getLogger(__name__)

_NOT_COMMANDS = {"base", "registry"}


class RegistryError(ValueError):
    """Two commands claim the same name, alias or action id (a programming error, found at start-up)."""


class Registry:
    def __init__(self, specs: Iterable[CommandSpec] = ()) -> None:
        self._specs: list[CommandSpec] = []
        self._by_key: dict[str, CommandSpec] = {}
        self._by_action: dict[str, CommandSpec] = {}
        for spec in specs:
            self.add(spec)

    def add(self, spec: CommandSpec) -> None:
        if not spec.name.startswith("/"):
            raise RegistryError(f"command name {spec.name!r} must start with '/'")
        for key in (spec.name, *spec.aliases):
            norm = _key(key)
            other = self._by_key.get(norm)
            if other is not None:
                raise RegistryError(f"{key!r} of {spec.name} is already taken by {other.name}")
            self._by_key[norm] = spec
        for action_id in spec.actions:
            other = self._by_action.get(action_id)
            if other is not None:
                raise RegistryError(f"action {action_id!r} of {spec.name} is already handled by {other.name}")
            self._by_action[action_id] = spec
        self._specs.append(spec)

    def get(self, name_or_alias: str) -> CommandSpec | None:
        """The command named `name_or_alias` ("/ask", "ask", "/cs-help", "提问"), or None."""
        if not name_or_alias:
            return None
        norm = _key(name_or_alias)
        spec = self._by_key.get(norm)
        if spec is None and not norm.startswith("/"):
            spec = self._by_key.get("/" + norm)
        return spec

    def all(self) -> list[CommandSpec]:
        """Every command, in name order (stable for /help, menus and manifests)."""
        return sorted(self._specs, key=lambda s: s.name)

    def for_action(self, action_id: str) -> CommandSpec | None:
        """The command whose `actions` handles `action_id` (a renderer's `~N` suffix is ignored)."""
        return self._by_action.get(action_id.split("~", 1)[0])

    def is_alias_word(self, word: str) -> bool:
        """True for a non-slash alias ("提问", "帮助"): message platforms accept it as the first word."""
        spec = self._by_key.get(_key(word))
        return spec is not None and not word.startswith("/") and _key(word) in {_key(a) for a in spec.aliases}

    def visible_to(self, role: Role) -> list[CommandSpec]:
        return [s for s in self.all() if role >= s.role]

    def __len__(self) -> int:
        return len(self._specs)


def _key(name: str) -> str:
    return name.strip().lower()


def discover(package: str = "bot.commands") -> list[CommandSpec]:
    """Import every module of `package` and collect its `COMMAND`."""
    pkg = importlib.import_module(package)
    specs: list[CommandSpec] = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name in _NOT_COMMANDS or info.name.startswith("_") or info.ispkg:
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        spec = getattr(module, "COMMAND", None)
        if isinstance(spec, CommandSpec):
            specs.append(spec)
        else:
            log.debug("module %s.%s defines no COMMAND", package, info.name)
    return specs


def default_registry() -> Registry:
    return Registry(discover())


# --- derived views: Slack manifest, Feishu bot menu ---------------------------------------------------

def _usage_hint(spec: CommandSpec) -> str:
    return spec.usage.get("en", "")


def slash_commands(
    registry: Registry | None = None, *, host: str = "YOUR-HOST", exclude: Iterable[str] = ()
) -> list[dict[str, object]]:
    """The `features.slash_commands` entries of the Slack manifest: every name and every slash alias
    (minus `exclude`, e.g. a name the workspace already uses)."""
    reg = registry or default_registry()
    skip = {_key(x) for x in exclude}
    out: list[dict[str, object]] = []
    for spec in reg.all():
        for name in (spec.name, *(a for a in spec.aliases if a.startswith("/"))):
            if _key(name) in skip:
                continue
            entry: dict[str, object] = {
                "command": name,
                "url": f"https://{host}/slack/events",
                "description": spec.help.get("en", "")[:100],
                "should_escape": False,
            }
            hint = _usage_hint(spec)
            if hint:
                entry["usage_hint"] = hint[:100]
            out.append(entry)
    return out


def slack_manifest(
    registry: Registry | None = None,
    *,
    host: str = "YOUR-HOST",
    name: str = "cs-copilot",
    description: str = "Cited answers for customer-service agents, from your knowledge base and past resolutions.",
    bot_scopes: Iterable[str] = (  # exactly what bot/slack calls (tests/slack/test_manifest.py checks)
        "app_mentions:read", "channels:history", "chat:write", "commands", "files:write", "groups:history",
        "im:history",
    ),
    bot_events: Iterable[str] = ("app_mention", "message.channels", "message.groups", "message.im"),
    socket_mode: bool = False,
    exclude: Iterable[str] = (),
    long_description: str = "",
) -> str:
    """The Slack app manifest as YAML, its slash commands generated from the registry.

    The adapter owner decides the scopes and events (the defaults are what the adapter used when this was
    written); `host` stays the `YOUR-HOST` placeholder in the committed file."""
    import yaml

    url = f"https://{host}/slack/events"
    manifest: dict[str, object] = {
        "display_information": {"name": name, "description": description[:140],
                                **({"long_description": long_description} if long_description else {})},
        "features": {
            "app_home": {"home_tab_enabled": False, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": False},
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": slash_commands(registry, host=host, exclude=exclude),
        },
        "oauth_config": {"scopes": {"bot": sorted(set(bot_scopes))}},
        "settings": {
            "event_subscriptions": {"request_url": url, "bot_events": sorted(set(bot_events))},
            "interactivity": {"is_enabled": True, "request_url": url},
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }
    return str(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False, width=120))


def feishu_menu(registry: Registry | None = None) -> list[tuple[str, str, str]]:
    """The Feishu bot-menu entries `(key, zh name, en name)`: one per command with `menu=True`.
    The key is the bare command name ("ask"); the adapter maps a menu event's key back with
    `registry.get(key)`."""
    reg = registry or default_registry()
    out: list[tuple[str, str, str]] = []
    for spec in reg.all():
        if not spec.menu:
            continue
        zh = next((a for a in spec.aliases if not a.startswith("/") and not a.isascii()), spec.name)
        out.append((spec.bare_name, zh, spec.name))
    return out
