"""/rootcause end to end through the real parts: a ticket export ingested into embedded Chroma, the ticket
rows in SQLite, the command's handler reading both (vectors are read back, not recomputed)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot import messages
from bot.commands.base import CommandContext, Role, parse_args
from bot.commands.rootcause import COMMAND, run, script_records
from bot.ingest.records import load_records
from bot.models import IncomingMessage, Reply
from bot.storage.tickets import sync_tickets

NOW = datetime(2026, 3, 15)


@pytest.fixture(scope="module")
def container(tmp_path_factory: pytest.TempPathFactory, embedder: Any, gen: Any) -> Any:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from testkit import make_container

    rows = gen.generate(seed=3, scale=0.5)
    data = tmp_path_factory.mktemp("rootcause")
    export = data / "tickets.jsonl"
    export.write_text("".join(json.dumps({
        "id": r["id"], "created_at": r["created_at"], "customer_id": "C1", "channel": "chat",
        "category": r["category"], "subject": "", "text": r["text"], "resolution": r["resolution"],
        "status": "closed" if r["resolution"] else "open", "tags": "",
    }, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    box = make_container(data / "home", embedder)
    report = box.ingestor().ingest([export])
    assert report.added and not report.skipped
    documents, skipped = load_records(export.read_text(encoding="utf-8"), "jsonl", "tickets.jsonl", "ticket", {})
    assert not skipped
    sync_tickets(box.state().tickets, documents, "tickets.jsonl")
    box.rows = rows
    box.truth = {r["id"]: r["reason"] for r in rows}
    return box


def call(container: Any, text: str, lang: str = "en") -> Reply:
    msg = IncomingMessage(text=f"/rootcause {text}", platform="cli")
    ctx = CommandContext(message=msg, language=lang, role=Role.MANAGER, services=container)
    return run(ctx, parse_args(COMMAND, text), now=NOW)


def test_spec() -> None:
    assert COMMAND.name == "/rootcause" and {"根因", "投诉分析"} <= set(COMMAND.aliases)
    assert COMMAND.slow and COMMAND.role == Role.MANAGER
    assert {o.flag for o in COMMAND.options} == {"--since", "--until", "--top", "--intervention", "--shipped"}
    assert set(COMMAND.actions) == {"rootcause_expand", "rootcause_shipped"} and COMMAND.on_form is not None
    from bot.commands.registry import default_registry

    assert default_registry().get("根因") is COMMAND


def test_report_from_stored_tickets_and_vectors(container: Any) -> None:
    reply = call(container, "--since 7d --top 3")
    assert reply.kind == "report" and reply.report is not None, reply.text
    data = reply.data
    current = [r for r in container.rows if r["created_at"] >= "2026-03-08"]
    assert data["total"] == len(current)
    assert len(data["reasons"]) == 3 and data["other"]["count"] > 0
    report = reply.report
    assert len(report.sections) == 3 and report.table is not None and len(report.table.rows) == 4  # + other
    assert report.images and report.images[0].content.startswith(b"\x89PNG")
    files = {f.filename: f for f in report.files}
    table = list(csv.reader(io.StringIO(files["rootcause.csv"].content.decode("utf-8-sig"))))
    assert table[0][:2] == ["ticket_id", "reason"] and len(table) - 1 == data["total"]
    md = files["rootcause.md"].content.decode("utf-8")
    assert md.startswith("# ") and data["reasons"][0]["label"] in md
    assert data["reasons"][0]["scripts"][0] in md
    assert all(s.strip() for r in data["reasons"] for s in r["scripts"])


def test_chinese_asker_gets_a_chinese_report(container: Any) -> None:
    reply = call(container, "--since 2026-03-08 --until 2026-03-14 --top 2", lang="zh")
    assert reply.kind == "report" and reply.report is not None
    assert "投诉" in reply.report.summary
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r["label"]) for r in reply.data["reasons"])


def test_keyword_narrows_the_tickets(container: Any) -> None:
    everything = call(container, "--since 7d")
    narrowed = call(container, "refund --since 7d")
    assert narrowed.kind == "report"
    assert 0 < narrowed.data["total"] < everything.data["total"]
    ids = {r["id"]: r["reason"] for r in container.rows}
    hits = [ids[t] for r in narrowed.data["reasons"] for t in r["ticket_ids"]] + \
        [ids[t] for t in narrowed.data["other"]["ticket_ids"]]
    assert max(set(hits), key=hits.count) == "refund_delay"


@pytest.mark.parametrize("text,key", [
    ("--since yesterdayish", "rootcause_bad_date"),
    ("--top 0", "rootcause_bad_top"),
    ("--top many", "rootcause_bad_top"),
    ("--since 2026-03-10 --until 2026-03-01", "rootcause_bad_range"),
])
def test_bad_input_gets_a_friendly_reply(container: Any, text: str, key: str) -> None:
    for lang in ("en", "zh"):
        reply = call(container, text, lang)
        assert reply.kind == "error"
        prefix = messages.text(key, lang).split("{")[0][:6]
        assert reply.text.startswith(prefix) or prefix in reply.text, reply.text


def test_empty_window_says_so(container: Any) -> None:
    reply = call(container, "--since 2020-01-01 --until 2020-01-31")
    assert reply.kind == "info" and "2020-01-01" in reply.text and reply.report is None


def router_of(container: Any) -> Any:
    from bot.commands.registry import default_registry
    from bot.router import CommandRouter

    return CommandRouter(default_registry(), container)


def test_report_saves_scripts_and_ask_offers_them(container: Any) -> None:
    """A report saves its reasons' scripts; a later /ask about one of those complaints (close to the set's
    wording) gets the script as a "Suggested reply" section; an unrelated question does not."""
    reply = call(container, "--since 7d --top 5")
    saved = {s for r in reply.data["reasons"] for s in r["scripts"]}
    router = router_of(container)
    listed = router.handle(IncomingMessage(text="/scripts", platform="cli"))
    assert listed.kind == "report", listed.text
    assert {s["script"] for s in listed.data["scripts"]} >= saved
    again = call(container, "--since 7d --top 5")  # a repeated report does not save the scripts twice
    assert len(router.handle(IncomingMessage(text="/scripts", platform="cli")).data["scripts"]) == len(listed.data["scripts"])
    assert all(r["reason_id"] for r in again.data["reasons"])
    late = {r["label"] for r in again.data["reasons"]
            if max(set(x := [container.truth[t] for t in r["ticket_ids"]]), key=x.count) == "late_delivery"}
    ask = router.handle(IncomingMessage(text="/ask Hello, the courier has postponed delivering my kettle again.",
                                        platform="cli"))
    suggested = ask.data.get("suggested_script")
    assert suggested and suggested["reason"] in late, (suggested, late)
    section = [s for s in ask.sections if s.title == "Suggested reply"]
    assert section and suggested["script"] in section[0].body
    zh = router.handle(IncomingMessage(text="/ask 你好，快递又推迟派送我的电水壶了。", platform="cli", language="zh"))
    assert zh.data.get("suggested_script") and any(s.title == "推荐话术" for s in zh.sections)
    unrelated = router.handle(IncomingMessage(text="/ask what are your opening hours on public holidays?",
                                              platform="cli"))
    assert "suggested_script" not in unrelated.data
    assert not any(s.title == "Suggested reply" for s in unrelated.sections)


def test_manager_edits_and_deletes_scripts(container: Any) -> None:
    call(container, "--since 7d --top 2")
    router = router_of(container)
    rows = router.handle(IncomingMessage(text="/scripts", platform="cli")).data["scripts"]
    first = rows[0]["id"]
    edited = router.handle(IncomingMessage(text=f"/scripts --edit {first} We are sorry, a new parcel is on its way.",
                                           platform="cli"))
    assert edited.kind != "error", edited.text
    after = {s["id"]: s for s in router.handle(IncomingMessage(text="/scripts", platform="cli")).data["scripts"]}
    assert after[first]["script"] == "We are sorry, a new parcel is on its way." and after[first]["edited_by"]
    call(container, "--since 7d --top 2")  # a later report keeps the edit and does not re-add the original
    assert len(router.handle(IncomingMessage(text="/scripts", platform="cli")).data["scripts"]) == len(after)
    gone = router.handle(IncomingMessage(text=f"/scripts --delete {first}", platform="cli"))
    assert gone.kind != "error"
    assert first not in {s["id"] for s in router.handle(IncomingMessage(text="/scripts", platform="cli")).data["scripts"]}
    for text, key in ((f"/scripts --delete {first}", "scripts_not_found"), ("/scripts --edit abc x", "scripts_bad_id"),
                      ("/scripts --edit 99999 new text", "scripts_not_found")):
        for lang in ("en", "zh"):
            bad = router.handle(IncomingMessage(text=text, platform="cli", language=lang))
            assert bad.kind == "error" and bad.text.startswith(messages.text(key, lang).split("{")[0][:5]), bad.text
    agent = router.handle(IncomingMessage(text="/scripts", platform="slack", user_id="U-agent"))
    assert agent.kind == "error"  # managers only


def test_intervention_shipped_shows_before_and_after(container: Any) -> None:
    from bot.models import ActionEvent, FormSubmission

    reply = call(container, "--since 7d --top 5")
    late = next(r for r in reply.data["reasons"]
                if max(set(x := [container.truth[t] for t in r["ticket_ids"]]), key=x.count) == "late_delivery")
    bad = call(container, "--intervention nothing-like-this --shipped 2026-03-08")
    assert bad.kind == "error"
    ok = call(container, f"--intervention #{late['reason_id']} --shipped 2026-03-08")
    assert ok.kind == "info" and ok.data["shipped_on"] == "2026-03-08", ok.text
    later = call(container, "--since 7d --top 5")
    trend = next(t for t in later.data["interventions"] if t["label"] == late["label"])
    weeks = {w["week"]: w["count"] for w in trend["weeks"]}
    truth_before = sum(1 for r in container.rows if r["reason"] == "late_delivery" and r["created_at"] < "2026-03-08")
    truth_after = sum(1 for r in container.rows if r["reason"] == "late_delivery" and r["created_at"] >= "2026-03-08")
    # matched by meaning (a reason found by clustering may hold a neighbouring scenario too): the right order
    assert 0.5 * truth_before <= weeks["2026-03-01"] <= 2.5 * truth_before, (weeks, truth_before)
    assert 0.5 * truth_after <= weeks["2026-03-08"] <= 2.5 * truth_after, (weeks, truth_after)
    assert trend["weekly_after"] > trend["weekly_before"]  # this generated set's late deliveries spiked
    titles = [s.title for s in later.report.sections]
    assert any(late["label"] in t and "fix" in t for t in titles), titles
    # the report's buttons: expand a reason, and mark it shipped through the date form
    router = router_of(container)
    expand = next(b for b in later.buttons if b.action_id == "rootcause_expand" and b.value == str(late["reason_id"]))
    detail = router.handle_action(ActionEvent("rootcause_expand", expand.value, "local", "local", "cli",
                                              payload=expand.payload))
    assert detail is not None and detail.sections and late["ticket_ids"][0] in detail.sections[0].body
    ship = next(b for b in later.buttons if b.action_id == "rootcause_shipped" and b.value == str(late["reason_id"]))
    form = router.handle_action(ActionEvent("rootcause_shipped", ship.value, "local", "local", "cli", payload=ship.payload))
    assert form is not None and form.kind == "form" and form.form is not None
    done = router.handle_form(FormSubmission(form.form.command, form.form.form_id, {"shipped": "2026-03-01"}, "local",
                                             "cli", context=form.form.context))
    assert done.kind == "info" and done.data["shipped_on"] == "2026-03-01", done.text
    wrong = router.handle_form(FormSubmission(form.form.command, form.form.form_id, {"shipped": "soon"}, "local",
                                              "cli", context=form.form.context))
    assert wrong.kind == "error"


def test_script_records(container: Any) -> None:
    from bot.analytics.rootcause import Reason, RootCauseResult

    reply = call(container, "--since 7d --top 2")
    reasons = [Reason(label=r["label"], count=r["count"], share=r["share"], previous_count=r["previous_count"],
                      spike=r["spike"], dimension=r["dimension"], ticket_ids=r["ticket_ids"], examples=r["examples"],
                      key_terms=r["key_terms"], evidence=r["evidence"], categories=r["categories"],
                      resolutions=r["resolutions"], interventions=r["interventions"], scripts=r["scripts"])
               for r in reply.data["reasons"]]
    result = RootCauseResult(total=0, since=None, until=None, language="en", reasons=reasons, other_ids=[])
    assert len(script_records(result)) == sum(len(r.scripts) for r in reasons) > 0


def test_rootcause_model_calls_go_through_the_gateway_and_never_see_personal_data(tmp_path: Path) -> None:
    """The advice model gets complaint text only through the model gateway: phones and emails redacted,
    the real values mapped back in what the manager sees."""
    from langchain_core.language_models.fake_chat_models import FakeListChatModel
    from langchain_core.messages import HumanMessage

    from bot.commands.rootcause import _gateway_model
    from bot.config import load_settings
    from bot.container import Container
    from bot.models import IncomingMessage

    class Recording(FakeListChatModel):
        seen: list[str] = []

        def _call(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> str:
            self.seen.append(" ".join(str(m.content) for m in messages))
            return super()._call(messages, stop, run_manager, **kwargs)

    model = Recording(responses=["Call the customer back on [PHONE_1]."])
    settings = load_settings(data_dir=tmp_path / "data", env_file=None)
    container = Container(settings, chat_model=model)
    ctx = CommandContext(message=IncomingMessage(text="", platform="slack", user_id="UMGR"), language="en",
                         role=Role.MANAGER, services=container)
    gateway_model = _gateway_model(ctx)
    assert gateway_model is not None
    out = gateway_model.invoke([HumanMessage("Customer 13812345678 (li.na@example.com) waited two weeks")])
    assert "13812345678" not in model.seen[0] and "li.na@example.com" not in model.seen[0]
    assert "[PHONE_1]" in model.seen[0]
    assert out == "Call the customer back on 13812345678."
