"""/escalate and /requests through the router and the CLI (JSON contracts, --batch, roles, bad input)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.commands.registry import default_registry
from bot.models import ActionEvent, FormSubmission, IncomingMessage
from bot.router import CommandRouter
from testkit import make_container


def cli(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> Any:
    code = main(["--data-dir", str(data), "--env-file", "/dev/null", *args])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_cli_json_contracts_batch_import_and_listing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESCALATION_THRESHOLD", "100")
    data = tmp_path / "data"
    first = cli(capsys, data, "escalate", "Customer wants gift wrapping", "--customer", "C1", "--json")
    assert first == {"request_id": 1, "title": "Customer wants gift wrapping", "customers": 1, "status": "open",
                     "new": True}
    second = cli(capsys, data, "escalate", "客户希望提供礼品包装", "C2", "--json")  # the id as the last word
    assert second["request_id"] == 1 and second["customers"] == 2 and second["new"] is False
    batch = tmp_path / "import.jsonl"
    batch.write_text("\n".join([
        json.dumps({"id": "t1", "text": "Customer wants gift wrapping", "customer_id": "C3",
                    "created_at": "2026-11-01T10:00:00Z"}),
        "not json",
        json.dumps({"id": "t2", "text": "Customer wants gift wrapping", "customer_id": "C3"}),  # same customer
        json.dumps({"id": "t3", "text": "Customer asks to pay with PayPal", "customer_id": "C4"}),
    ]) + "\n", encoding="utf-8")
    imported = cli(capsys, data, "escalate", "--batch", str(batch), "--json")
    assert imported["imported"] == 3 and imported["repeats"] == 1 and imported["joined"] == 1
    assert imported["new_requests"] == 1 and imported["errors"][0]["line"] == 2
    assert [r["customers"] for r in imported["results"]] == [3, 3, 1]
    listing = cli(capsys, data, "requests", "--json")
    assert listing == [
        {"request_id": 1, "title": "Customer wants gift wrapping", "customers": 3, "status": "open",
         "member_ids": ["C1", "C2", "C3"]},
        {"request_id": 2, "title": "Customer asks to pay with PayPal", "customers": 1, "status": "open",
         "member_ids": ["C4"]},
    ]
    assert cli(capsys, data, "requests", "--status", "planned", "--json") == []


def test_roles_forms_and_friendly_errors_through_the_router(tmp_path: Path, cached_embedder: Any) -> None:
    container = make_container(tmp_path / "data", cached_embedder, slack_manager_ids="UMGR1,UMGR2",
                               escalation_threshold=100)
    router = CommandRouter(default_registry(), container)
    reply = router.handle(IncomingMessage(text="/escalate Customer wants gift wrapping C1", platform="cli"))
    assert reply.kind == "info" and reply.data["request_id"] == 1 and "New request #1" in reply.text
    zh = router.handle(IncomingMessage(text="升级", platform="cli"))  # the alias, with no need given
    assert zh.kind == "error" and "客户的需求" in zh.text
    bad = router.handle(IncomingMessage(text="/requests --status shipped", platform="cli"))
    assert bad.kind == "error" and "planned" in bad.text

    click = ActionEvent("escalation_planned", "1", "UAGENT", "C0MANAGERS", "slack", payload={"lang": "en"})
    refused = router.handle_action(click)
    assert refused is not None and refused.kind == "error"
    assert "only managers can change" in refused.text and "(ask UMGR1, UMGR2)" in refused.text
    form = router.handle_form(FormSubmission("/escalate", "decline", {"reason": "no"}, "UAGENT", "slack",
                                             context={"request_id": "1", "lang": "zh"}))
    assert form.kind == "error" and "只有主管" in form.text
    assert container.state().db.query("SELECT status FROM escalation_requests") == [("open",)]

    decline = router.handle_action(ActionEvent("escalation_decline", "1", "local", "terminal", "cli"))
    assert decline is not None and decline.form is not None and decline.form.context["request_id"] == "1"
    empty = router.handle_form(FormSubmission("/escalate", "decline", {"reason": " "}, "local", "cli",
                                              context={"request_id": "1", "lang": "en"}))
    assert empty.kind == "error" and "reason" in empty.text
    done = router.handle_form(FormSubmission("/escalate", "decline", {"reason": "Out of scope this year"}, "local",
                                             "cli", context={"request_id": "1", "lang": "en"}))
    assert done.kind == "info" and "Declined" in done.text
    assert container.state().db.query("SELECT status, status_note FROM escalation_requests") == [
        ("declined", "Out of scope this year")]
    router.handle(IncomingMessage(text="/escalate Customer asks to pay with PayPal --customer C7", platform="cli"))
    merge = router.handle_action(ActionEvent("escalation_merge", "2", "local", "terminal", "cli"))
    assert merge is not None and merge.form is not None
    assert [v for v, _ in merge.form.fields[0].options] == ["1"]  # every other request, most demanded first
    merged = router.handle_form(FormSubmission("/escalate", "merge", {"target": "1"}, "local", "cli",
                                               context={"request_id": "2", "lang": "en"}))
    assert merged.kind == "info" and "merged into #1 (2 customers)" in merged.text
    late = router.handle_action(ActionEvent("escalation_ack", "2", "local", "terminal", "cli"))
    assert late is not None and late.kind == "error" and "merged into #1" in late.text
    unknown = router.handle_action(ActionEvent("escalation_ack", "99", "local", "terminal", "cli"))
    assert unknown is not None and unknown.kind == "error" and "#99" in unknown.text
    chat_batch = router.handle(IncomingMessage(text="/escalate --batch /etc/passwd", platform="slack",
                                               user_id="UAGENT"))
    assert chat_batch.kind == "error" and "command line only" in chat_batch.text
