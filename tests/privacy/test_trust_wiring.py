"""Issue 11 end to end on the real container: the managers' escalation threads and the audit log hold no
personal data, the deployment's REDACT_TYPES decide what is redacted, and a refused privileged command is
polite, says who can run it, and is audited."""

from __future__ import annotations

import io
import json
from argparse import Namespace
from pathlib import Path
from typing import Any

from bot.models import IncomingMessage

PHONE, CARD, EMAIL = "13812345678", "6222 0212 3456 7894", "wang.xm@example.com"


def _container(tmp_path: Path, embedder: Any = None, **settings: Any) -> Any:
    from bot.config import load_settings
    from bot.container import Container

    return Container(load_settings(data_dir=tmp_path / "data", env_file=None, **settings), embedder=embedder)


def _everything(reply: Any) -> str:
    return "\n".join([reply.text, *(f"{s.title}\n{s.body}" for s in reply.sections)])


def test_escalation_threads_quote_the_customer_without_personal_data(tmp_path: Path, embedder: Any) -> None:
    from bot.escalation.service import Agent, build_service

    container = _container(tmp_path, embedder)
    service = build_service(container)
    need = f"客户王小明要求退款到 {CARD}，电话{PHONE}，希望支持分期付款"
    outcome = service.escalate(need, "C1", Agent("cli", "local"))
    header = _everything(service.header(outcome.request))
    assert "分期付款" in header  # the need is still quoted for the managers
    for value in (PHONE, CARD, "王小明"):
        assert value not in header and value not in outcome.request.title
    assert "[PHONE_1]" in header and "[CARD_1]" in header


def test_audit_log_free_text_is_redacted_and_queryable(tmp_path: Path) -> None:
    from bot.audit import cli_main, record

    container = _container(tmp_path)
    record(container, "UMGR", "slack", "escalation_need_info", f"call {PHONE}",
           {"note": f"customer email {EMAIL}", "channel": "C42", "ref": "abc123"}, role="manager")
    out = io.StringIO()
    args = Namespace(since="1h", actor="UMGR", action="", platform="slack", limit=10, json=True)
    assert cli_main(container, args, out.write) == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 1
    row = rows[0]
    assert row["action"] == "escalation_need_info" and row["platform"] == "slack" and row["role"] == "manager"
    assert PHONE not in json.dumps(row) and EMAIL not in json.dumps(row)
    assert row["target"] == "call [PHONE_1]" and row["detail"]["note"] == "customer email [EMAIL_1]"
    assert row["detail"]["channel"] == "C42" and row["detail"]["ref"] == "abc123"  # identifiers kept


def test_redact_types_are_per_deployment(tmp_path: Path) -> None:
    text = f"电话 {PHONE}，邮箱 {EMAIL}"
    only_phones = _container(tmp_path / "a", redact_types="phone").redact(text)
    assert PHONE not in only_phones and EMAIL in only_phones
    everything = _container(tmp_path / "b").redact(text)
    assert PHONE not in everything and EMAIL not in everything


def test_refusal_is_polite_names_who_can_and_is_audited(tmp_path: Path) -> None:
    from bot.audit import query
    from bot.commands.registry import default_registry
    from bot.router import CommandRouter

    container = _container(tmp_path, slack_manager_ids="UMGR")
    router = CommandRouter(default_registry(), container)
    reply = router.handle(IncomingMessage(text="/gaps", user_id="UAGENT", channel_id="C1", platform="slack"))
    assert reply.kind == "error"
    assert reply.text.startswith("Sorry") and "managers" in reply.text and "/gaps" in reply.text
    zh = router.handle(IncomingMessage(text="/gaps", user_id="UAGENT", platform="feishu", language="zh"))
    assert zh.kind == "error" and "抱歉" in zh.text and "主管" in zh.text
    entries = query(container, actor="UAGENT")
    assert {(e.platform, e.action, e.outcome) for e in entries} == {("slack", "/gaps", "refused"),
                                                                   ("feishu", "/gaps", "refused")}
