"""The Feishu bot menu comes from the command registry: every registered menu command has a key, the
key runs that command through the real dispatcher, and docs/feishu.md lists it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import messages
from bot.commands.registry import default_registry, feishu_menu

from .conftest import Harness
from .helpers import menu_event

ROOT = Path(__file__).resolve().parents[2]
MENU = feishu_menu()


def test_every_registered_menu_command_has_a_key() -> None:
    registry = default_registry()
    assert {key for key, _, _ in MENU} == {s.bare_name for s in registry.all() if s.menu}
    assert {"ask", "help"} <= {key for key, _, _ in MENU}
    for key, zh, en in MENU:
        assert registry.get(key) is registry.get(en) is registry.get(zh)  # the zh name is an alias
        assert len(key) <= 30  # Feishu's event_key limit


def test_the_docs_list_every_menu_key() -> None:
    docs = (ROOT / "docs" / "feishu.md").read_text(encoding="utf-8")
    table = docs.split("| Event key |", 1)[1].split("\n\n", 1)[0]
    for key, _, _ in MENU:
        assert f"`{key}`" in table, f"add the menu key `{key}` to the bot-menu table of docs/feishu.md"


@pytest.mark.parametrize(("key", "zh", "en"), MENU)
def test_each_menu_key_runs_its_command(feishu: Harness, key: str, zh: str, en: str) -> None:
    event = menu_event(key)
    assert feishu.post(event).status_code == 200
    assert feishu.post(event).status_code == 200  # a redelivery is answered once
    feishu.settle()
    [send] = feishu.api.find("POST", "/open-apis/im/v1/messages")
    assert send.query == {"receive_id_type": "open_id"}
    assert send.body["receive_id"] == event["event"]["operator"]["operator_id"]["open_id"]
    patches = feishu.api.find("PATCH")
    spec = default_registry().get(key)
    assert spec is not None
    slow = spec.slow and not spec.needs_text  # a menu item carries no text
    kind = "p" if slow else "m"  # a slow command's processing card, patched with the result
    assert send.body["uuid"] == f"cs-{kind}-{event['header']['event_id']}"
    assert len(patches) == (1 if slow else 0)
    text = str((patches[0] if patches else send).content["body"])
    assert "I don't know the command" not in text
    help_text = messages.text("help_header", "en").replace("*cs-copilot*", "**cs-copilot**")
    assert (help_text in text) is (en == "/help")  # the key ran its own command, not the help fallback


def test_an_unknown_key_shows_the_help(feishu: Harness) -> None:
    feishu.post(menu_event("no_such_key"))
    feishu.settle()
    [send] = feishu.api.find("POST", "/open-apis/im/v1/messages")
    assert "helps you answer customers faster" in send.content["body"]["elements"][0]["content"]
