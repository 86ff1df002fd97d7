"""The command registry: discovery, uniqueness, /help from it, roles, buttons and forms routed to owners."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest
import yaml

import bot.commands
from bot.commands.base import CommandContext, CommandSpec, ParsedArgs, Role
from bot.commands.registry import Registry, RegistryError, default_registry, feishu_menu, slack_manifest
from bot.config import load_settings
from bot.models import ActionEvent, FormSubmission, IncomingMessage, Reply
from bot.router import CommandRouter


class Services:
    def __init__(self, tmp: Path, **settings: Any) -> None:
        self.settings = load_settings(data_dir=tmp, env_file=None, **settings)


def _modules_with_command() -> set[str]:
    found = set()
    for info in pkgutil.iter_modules(bot.commands.__path__):
        module = importlib.import_module(f"bot.commands.{info.name}")
        spec = getattr(module, "COMMAND", None)
        if isinstance(spec, CommandSpec):
            found.add(spec.name)
    return found


def test_every_module_command_is_discovered() -> None:
    registry = default_registry()
    names = {s.name for s in registry.all()}
    assert names == _modules_with_command()
    assert {"/ask", "/help"} <= names
    for spec in registry.all():
        assert registry.get(spec.name) is spec and registry.get(spec.bare_name) is spec
        for alias in spec.aliases:
            assert registry.get(alias) is spec
        assert spec.help.get("en") and spec.help.get("zh"), f"{spec.name} needs an en and a zh help line"


def test_aliases_and_names_are_unique() -> None:
    keys: list[str] = []
    for spec in default_registry().all():
        keys += [k.lower() for k in (spec.name, *spec.aliases)]
    assert len(keys) == len(set(keys))
    ask = default_registry().get("/ask")
    assert ask is not None
    with pytest.raises(RegistryError):
        Registry([ask, CommandSpec(name="/other", help={"en": "x", "zh": "x"}, handler=ask.handler,
                                   aliases=("提问",))])


def _echo(ctx: CommandContext, args: ParsedArgs) -> Reply:
    return Reply(text=f"ran by {ctx.role.name} with {args.text} {args.options}", kind="info", language=ctx.language)


def _click(ctx: CommandContext, event: ActionEvent) -> Reply:
    return Reply(text=f"clicked {event.value} {event.payload.get('page', '')}", kind="info")


def _form(ctx: CommandContext, sub: FormSubmission) -> Reply:
    return Reply(text=f"submitted {sub.values['title']} for {sub.context.get('ticket', '')}", kind="info")


SECRET = CommandSpec(
    name="/secret", help={"en": "managers only", "zh": "仅主管"}, handler=_echo, role=Role.MANAGER,
    aliases=("机密",), actions={"secret_more": _click}, on_form=_form,
)


def _router(tmp: Path) -> CommandRouter:
    registry = Registry([*default_registry().all(), SECRET])
    return CommandRouter(registry, Services(tmp, slack_manager_ids="UMGR, UBOSS", feishu_admin_ids="ou_admin"))


def test_help_lists_all_and_only_what_the_asker_may_run(tmp_path: Path) -> None:
    router = _router(tmp_path)
    agent = router.handle(IncomingMessage("/help", platform="slack", user_id="UAGENT"))
    manager = router.handle(IncomingMessage("/help", platform="slack", user_id="UMGR"))
    listed = [line.split("`")[1].split()[0] for line in manager.text.splitlines() if line.startswith("•")]
    assert listed == [s.name for s in router.registry.all()]
    assert "/secret" not in agent.text and "/secret" in manager.text and "managers only" in manager.text
    zh = router.handle(IncomingMessage("帮助", platform="feishu", user_id="ou_admin"))
    assert "仅主管" in zh.text and "managers only" not in zh.text


def test_a_role_restricted_command_is_refused_for_an_agent_and_allowed_for_a_manager(tmp_path: Path) -> None:
    router = _router(tmp_path)
    refused = router.handle(IncomingMessage("x", command="/secret", platform="slack", user_id="UAGENT"))
    assert refused.kind == "error" and "managers" in refused.text and "/secret" in refused.text
    zh = router.handle(IncomingMessage("机密 看看", platform="feishu", user_id="ou_agent"))
    assert zh.kind == "error" and "主管" in zh.text
    ok = router.handle(IncomingMessage("x", command="/secret", platform="slack", user_id="UBOSS"))
    assert ok.kind == "info" and ok.text.startswith("ran by MANAGER")
    assert router.handle(IncomingMessage("机密 看看", platform="feishu", user_id="ou_admin")).text.startswith(
        "ran by ADMIN")
    assert router.role_of("cli", "local") is Role.ADMIN
    assert router.role_of("slack", "UAGENT") is Role.AGENT


def test_clicks_and_forms_reach_the_owning_command_with_the_role_checked(tmp_path: Path) -> None:
    router = _router(tmp_path)
    assert router.registry.for_action("secret_more~2") is SECRET
    click = ActionEvent(action_id="secret_more~2", value="r1", user_id="UMGR", channel_id="C1", platform="slack",
                        payload={"page": "2"})
    reply = router.handle_action(click)
    assert reply is not None and reply.text == "clicked r1 2"
    denied = router.handle_action(ActionEvent(action_id="secret_more", value="r1", user_id="UAGENT",
                                              channel_id="C1", platform="slack"))
    assert denied is not None and denied.kind == "error"
    assert router.handle_action(ActionEvent(action_id="nobody_owns_this", value="", user_id="U", channel_id="C",
                                            platform="slack")) is None
    sub = FormSubmission(command="/secret", form_id="f", values={"title": " Refund\u200b bug "}, user_id="UMGR",
                         platform="slack", context={"ticket": "T-9"})
    assert router.handle_form(sub).text == "submitted Refund bug for T-9"
    assert router.handle_form(FormSubmission(command="/secret", form_id="f", values={"title": "x"},
                                             user_id="UAGENT", platform="slack")).kind == "error"
    assert router.handle_form(FormSubmission(command="/nope", form_id="f", values={}, user_id="UMGR",
                                             platform="slack")).kind == "error"


def test_an_option_reaches_the_handler(tmp_path: Path) -> None:
    from bot.commands.base import Option

    spec = CommandSpec(name="/opt", help={"en": "o", "zh": "o"}, handler=_echo,
                       options=(Option("--since", "from when"),))
    router = CommandRouter(Registry([spec]), Services(tmp_path))
    reply = router.handle(IncomingMessage("/opt complaints --since 2026-11-01"))
    assert "complaints" in reply.text and "'since': '2026-11-01'" in reply.text


def test_a_failing_handler_is_a_friendly_error(tmp_path: Path) -> None:
    def boom(ctx: CommandContext, args: ParsedArgs) -> Reply:
        raise RuntimeError("secret internals")

    router = CommandRouter(Registry([CommandSpec(name="/boom", help={"en": "b", "zh": "b"}, handler=boom)]),
                           Services(tmp_path))
    reply = router.handle(IncomingMessage("/boom"))
    assert reply.kind == "error" and "secret" not in reply.text and "ref" in reply.text


def test_slack_manifest_and_feishu_menu_come_from_the_registry() -> None:
    registry = Registry([*default_registry().all(), SECRET])
    manifest = yaml.safe_load(slack_manifest(registry))
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    for spec in registry.all():
        assert spec.name in commands
    assert "/cs-help" in commands and "机密" not in commands
    assert all(c["url"] == "https://YOUR-HOST/slack/events" for c in manifest["features"]["slash_commands"])
    without_help = yaml.safe_load(slack_manifest(registry, exclude=["/help"], host="bot.example.com"))
    assert "/help" not in [c["command"] for c in without_help["features"]["slash_commands"]]
    assert without_help["settings"]["interactivity"]["request_url"] == "https://bot.example.com/slack/events"
    menu = feishu_menu(registry)
    assert ("secret", "机密", "/secret") in menu and ("ask", "提问", "/ask") in menu
    assert {key for key, _, _ in menu} == {s.bare_name for s in registry.all() if s.menu}
