"""The audit log: every command, button or form of manager or admin role is recorded once, by the router
(allowed, refused, failed), with who, when, what and the platform; `cs-copilot audit` reads it back."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from bot.audit import AuditLog, audit_log, parse_since
from bot.cli import main as cli_main
from bot.commands.base import CommandContext, CommandSpec, ParsedArgs, Role
from bot.commands.registry import Registry, default_registry
from bot.config import load_settings
from bot.container import Container
from bot.errors import InputError
from bot.models import ActionEvent, FormSubmission, IncomingMessage, Reply
from bot.router import CommandRouter
from bot.storage.db import Database


def _run(ctx: CommandContext, args: ParsedArgs) -> Reply:
    if args.text == "boom":
        raise RuntimeError("handler bug")
    return Reply(text=f"done: {args.text}", kind="info", language=ctx.language)


def _click(ctx: CommandContext, event: ActionEvent) -> Reply:
    return Reply(text=f"acknowledged {event.value}", kind="info")


def _form(ctx: CommandContext, sub: FormSubmission) -> Reply:
    return Reply(text="saved", kind="info")


ADMIN_CMD = CommandSpec(name="/purge-test", help={"en": "admins only", "zh": "仅管理员"}, handler=_run,
                        role=Role.ADMIN, actions={"purge_confirm": _click}, on_form=_form)
AGENT_CMD = CommandSpec(name="/echo-test", help={"en": "anyone", "zh": "任何人"}, handler=_run)


@pytest.fixture()
def container(tmp_path: Path) -> Container:
    settings = load_settings(data_dir=tmp_path / "data", env_file=None, slack_manager_ids="UMGR",
                             slack_admin_ids="UADM", feishu_admin_ids="ou_admin")
    return Container(settings)


@pytest.fixture()
def router(container: Container) -> CommandRouter:
    return CommandRouter(Registry([*default_registry().all(), ADMIN_CMD, AGENT_CMD]), container)


def _entries(container: Container, **filters: Any) -> list[dict[str, Any]]:
    return [r.as_dict() for r in audit_log(container).query(**filters)]


def test_privileged_commands_clicks_and_forms_are_audited_agent_commands_are_not(
        router: CommandRouter, container: Container) -> None:
    ok = router.handle(IncomingMessage("/purge-test old tickets", user_id="UADM", channel_id="C9", platform="slack"))
    assert ok.text == "done: old tickets"
    refused = router.handle(IncomingMessage("/purge-test everything", user_id="UAGENT", channel_id="C9",
                                            platform="slack"))
    assert refused.kind == "error" and "/purge-test" in refused.text and "admins" in refused.text
    zh = router.handle(IncomingMessage("/purge-test 全部", user_id="ou_x", channel_id="oc_1", platform="feishu"))
    assert zh.kind == "error" and "管理员" in zh.text  # the refusal says who may, in the asker's language
    failed = router.handle(IncomingMessage("/purge-test boom", user_id="ou_admin", platform="feishu"))
    assert failed.kind == "error"
    router.handle(IncomingMessage("/echo-test hello", user_id="UAGENT", platform="slack"))
    router.handle_action(ActionEvent(action_id="purge_confirm~2", value="REQ-7", user_id="UADM", channel_id="C9",
                                     platform="slack"))
    router.handle_form(FormSubmission(command="/purge-test", form_id="purge", values={"why": "x"}, user_id="UMGR", channel_id="C9",
                                      platform="slack"))

    rows = _entries(container)
    seen = [(r["platform"], r["actor"], r["action"], r["outcome"]) for r in reversed(rows)]
    assert seen == [
        ("slack", "UADM", "/purge-test", "ok"),
        ("slack", "UAGENT", "/purge-test", "refused"),
        ("feishu", "ou_x", "/purge-test", "refused"),
        ("feishu", "ou_admin", "/purge-test", "error"),
        ("slack", "UADM", "purge_confirm", "ok"),
        ("slack", "UMGR", "/purge-test form", "refused"),
    ]
    first = rows[-1]
    assert first["target"] == "old tickets" and first["role"] == "admin" and first["detail"]["channel"] == "C9"
    assert rows[1]["target"] == "REQ-7"
    assert abs(first["created_at"] - time.time()) < 60 and first["at"].endswith("+00:00")


def test_every_registered_privileged_command_is_audited_when_refused(router: CommandRouter,
                                                                     container: Container) -> None:
    """Whatever commands are registered now: each one above agent level, run by an agent, is refused politely
    (naming who may run it) and audited."""
    privileged = [s for s in default_registry().all() if s.role > Role.AGENT]
    for spec in privileged:
        reply = router.handle(IncomingMessage(f"{spec.name} x", user_id="UAGENT", platform="slack"))
        who = "admins" if spec.role is Role.ADMIN else "managers"
        assert reply.kind == "error" and spec.name in reply.text and who in reply.text, reply.text
    actions = sorted(r["action"] for r in _entries(container, actor="UAGENT"))
    assert actions == sorted(s.name for s in privileged)


def test_personal_data_in_the_target_is_redacted(router: CommandRouter, container: Container) -> None:
    router.handle(IncomingMessage("/purge-test customer 13812345678 alice@example.com", user_id="UADM",
                                  platform="slack"))
    target = _entries(container)[0]["target"]
    assert "13812345678" not in target and "alice@example.com" not in target and "customer" in target


def test_an_unwritable_audit_log_does_not_break_the_command(router: CommandRouter, container: Container,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    container.state().db.execute("DROP TABLE audit_log")
    reply = router.handle(IncomingMessage("/purge-test now", user_id="UADM", platform="slack"))
    assert reply.text == "done: now"
    assert any("audit entry" in r.getMessage() for r in caplog.records)


def test_query_filters(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'a.db'}")
    log = AuditLog(db.engine)
    now = time.time()
    log.record("U1", "slack", "/rootcause", "refunds", {"channel": "C1"}, role="manager", at=now - 3 * 86400)
    log.record("U2", "feishu", "/gaps", "", None, role="manager", at=now - 3600)
    log.record("U1", "slack", "escalation_ack", "REQ-1", {"x": "y" * 5000}, role="manager", outcome="ok", at=now)
    assert [r.action for r in log.query()] == ["escalation_ack", "/gaps", "/rootcause"]
    assert [r.action for r in log.query(since=parse_since("1d", now))] == ["escalation_ack", "/gaps"]
    assert [r.action for r in log.query(actor="U1")] == ["escalation_ack", "/rootcause"]
    assert [r.action for r in log.query(platform="feishu")] == ["/gaps"]
    assert [r.action for r in log.query(action="/rootcause", limit=1)] == ["/rootcause"]
    assert "clipped" in log.query(limit=1)[0].detail  # an oversize detail is clipped, not refused
    db.close()


def test_parse_since() -> None:
    now = 1_800_000_000.0
    assert parse_since("7d", now) == now - 7 * 86400
    assert parse_since("30m", now) == now - 1800
    assert parse_since("2026-11-01", now) == 1793491200.0  # midnight UTC
    assert parse_since("2026-11-01T08:00:00+08:00", now) == 1793491200.0
    with pytest.raises(InputError):
        parse_since("last tuesday", now)


def test_audit_on_postgres(pg_url: str) -> None:
    import uuid
    from urllib.parse import quote

    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        sep = "&" if "?" in pg_url else "?"
        db = Database(f"{pg_url}{sep}options={quote(f'-csearch_path={schema}')}")
        log = AuditLog(db.engine)
        log.record("ou_admin", "feishu", "/settings", "set x", {"a": 1}, role="admin")
        [row] = log.query(actor="ou_admin")
        assert (row.platform, row.action, row.detail) == ("feishu", "/settings", {"a": 1})
        db.close()
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def test_cli_audit_json_and_filters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    container = Container(load_settings(data_dir=data, env_file=None, slack_admin_ids="UADM"))
    router = CommandRouter(Registry([*default_registry().all(), ADMIN_CMD]), container)
    router.handle(IncomingMessage("/purge-test a", user_id="UADM", platform="slack"))
    router.handle(IncomingMessage("/purge-test b", user_id="UOTHER", platform="slack"))
    container.state().db.close()
    assert cli_main(["--data-dir", str(data), "audit", "--since", "1h", "--actor", "UADM", "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [(x["actor"], x["action"], x["target"], x["outcome"]) for x in lines] == [
        ("UADM", "/purge-test", "a", "ok")]
    assert cli_main(["--data-dir", str(data), "audit", "--json"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert cli_main(["--data-dir", str(data), "audit", "--since", "yesterday-ish", "--json"]) == 2
    out = json.loads(capsys.readouterr().out)
    assert "--since" in out["error"] and "Traceback" not in out["error"]
