"""/calm on realistic Chinese and English messages: rules, the model path through the gateway, the command
through the router and the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from bot.assist.calm import calm, calm_rules, missing_facts
from bot.llm import ModelGateway
from bot.privacy import Redactor

ZH_ABUSIVE = "你们这群傻逼！订单号202405120013我5月12号付了¥1,299.00到现在还没发货！！！tmd再不退款我就去12315投诉"
EN_ABUSIVE = ("What the f*ck is wrong with you idiots?? Order #4481920371, $89.99, charged TWICE on 03/15/2024. "
              "Refund me NOW or I will sue.")


def test_chinese_abuse_removed_facts_kept() -> None:
    r = calm_rules(ZH_ABUSIVE)
    for word in ("傻逼", "tmd", "这群"):
        assert word not in r.text
    for fact in ("202405120013", "5月12号", "¥1,299.00", "12315"):
        assert fact in r.text
    assert r.level == "abusive" and r.abusive and r.legal and not r.threat
    assert "没发货" in r.core_issue and "202405120013" in r.core_issue


def test_english_abuse_removed_facts_kept() -> None:
    r = calm_rules(EN_ABUSIVE)
    assert "f*ck" not in r.text and "idiots" not in r.text.lower() and "TWICE" not in r.text
    for fact in ("4481920371", "$89.99", "03/15/2024"):
        assert fact in r.text
    assert "refund me now" in r.text.lower() and "sue" not in r.text  # the demand stays, the threat goes
    assert r.abusive and r.legal


@pytest.mark.parametrize("text", [
    "sb客服 nmsl", "傻b 煞笔 你们就是一群废物", "stfu", "wtf fck this fuk you",
])
def test_abbreviations_and_variants_are_removed(text: str) -> None:
    r = calm_rules(text)
    assert r.abusive
    for word in ("sb", "nmsl", "傻b", "煞笔", "废物", "stfu", "wtf", "fck", "fuk"):
        assert word not in r.text.lower()


def test_angry_but_legitimate_is_not_abusive() -> None:
    r = calm_rules("I've waited 3 weeks for order 55123. This is ridiculous and unacceptable!!! I want a refund.")
    assert r.level == "angry" and not r.abusive and not r.threat
    assert "55123" in r.text and "3 weeks" in r.text
    zh = calm_rules("订单12345等了10天还没到，太过分了！我要求退款。")
    assert zh.level == "angry" and not zh.abusive and "12345" in zh.text and "10天" in zh.text


def test_threats_of_violence_and_self_harm() -> None:
    r = calm_rules("垃圾客服，快递单号SF1402356789012显示签收了我根本没收到，再不处理我弄死你们")
    assert r.threat and "violence" in r.threat_kinds and "弄死" not in r.text and "SF1402356789012" in r.text
    s = calm_rules("My refund for order 8812 never came and I don't want to live anymore.")
    assert s.threat and "self_harm" in s.threat_kinds
    assert calm_rules("Hello, my package 8812 arrived damaged, can you help?").level == "calm"
    mixed = calm_rules("Fix my order 66012 or I will kill you")  # a threat in the same clause as a fact
    assert mixed.threat and mixed.text == "Fix my order 66012" and mixed.level == "abusive"
    zh = calm_rules("订单998877再不退款我就弄死你们")
    assert zh.threat and "弄死" not in zh.text and zh.text.startswith("订单998877再不退款")


def test_model_rewrite_is_used_when_it_keeps_every_fact() -> None:
    reply = json.dumps({"text": "订单202405120013在5月12号付款¥1,299.00，至今未发货，联系电话[PHONE_1]，希望退款，否则将向12315投诉。",
                        "core_issue": "订单未发货，要求退款", "level": "angry", "threat": False})
    fake = FakeListChatModel(responses=[reply])
    gateway = ModelGateway(fake, timeout_seconds=5, redactor=Redactor())
    r = calm(ZH_ABUSIVE.replace("tmd", "电话13812345678 tmd"), gateway=gateway)
    assert r.source == "model"
    assert "13812345678" in r.text  # the placeholder came back as the real number
    assert r.level == "abusive"  # the lexicon saw an insult: the model may not lower it
    assert r.core_issue == "订单未发货，要求退款"


def test_model_rewrite_that_drops_a_fact_falls_back_to_rules() -> None:
    reply = json.dumps({"text": "My order was charged twice. Please refund me.", "core_issue": "double charge",
                        "level": "angry", "threat": False})
    gateway = ModelGateway(FakeListChatModel(responses=[reply]), timeout_seconds=5, redactor=Redactor())
    r = calm(EN_ABUSIVE, gateway=gateway)
    assert r.source == "rules" and r.notice == "model_rejected"
    assert not missing_facts(EN_ABUSIVE, r.text)


def test_model_failure_falls_back_to_rules() -> None:
    gateway = ModelGateway(FakeListChatModel(responses=["x"], sleep=1.0), timeout_seconds=0.1, redactor=Redactor())
    r = calm(EN_ABUSIVE, gateway=gateway)
    assert r.source == "rules" and r.notice == "model_failed" and "4481920371" in r.text


def test_calm_through_the_router_is_private(settings: object) -> None:
    from bot.commands.registry import default_registry
    from bot.container import Container
    from bot.models import IncomingMessage
    from bot.router import CommandRouter

    router = CommandRouter(default_registry(), Container(settings))  # type: ignore[arg-type]
    reply = router.handle(IncomingMessage(text="安抚 你们这群傻逼，订单12345还没到", platform="feishu", user_id="ou_1"))
    assert reply.visibility == "private" and reply.language == "zh"
    assert "傻逼" not in reply.text and "12345" in reply.text
    assert reply.data["abusive"] is True and reply.data["level"] == "abusive"
    assert any(s.body == "辱骂" for s in reply.sections)
    empty = router.handle(IncomingMessage(text="/calm", platform="slack", command="/calm"))
    assert empty.kind == "error"


def test_cli_calm_one_and_batch(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import main

    base = ["--data-dir", str(tmp_path), "--env-file", "/nonexistent", "calm"]
    assert main([*base, EN_ABUSIVE, "--json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert set(one) >= {"text", "core_issue", "level", "abusive", "threat"}
    assert one["abusive"] is True and one["threat"] is False and "4481920371" in one["text"]
    lines = [{"id": "x1", "text": ZH_ABUSIVE}, {"id": "x2", "text": "Where is order 778812? Still waiting."}]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(json.dumps(x, ensure_ascii=False) for x in lines)))
    assert main([*base, "--json"]) == 0
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in out] == ["x1", "x2"]
    assert out[0]["abusive"] is True and out[1]["abusive"] is False and out[1]["level"] == "upset"


def test_calm_with_a_model_through_the_router_and_the_rate_limit(tmp_path: Path) -> None:
    from bot.commands.registry import default_registry
    from bot.config import load_settings
    from bot.container import Container
    from bot.models import IncomingMessage
    from bot.router import CommandRouter

    settings = load_settings(data_dir=tmp_path / "d", env_file=None, llm_rate_limit_per_minute=1)
    reply = json.dumps({"text": "Order 4481920371 was charged twice, $89.99, on 03/15/2024. Please refund it.",
                        "core_issue": "double charge on order 4481920371; wants a refund", "level": "angry",
                        "threat": False})
    container = Container(settings, chat_model=FakeListChatModel(responses=[reply, reply]))
    router = CommandRouter(default_registry(), container)
    first = router.handle(IncomingMessage(text=f"/calm {EN_ABUSIVE}", platform="slack", user_id="U1"))
    assert first.data["source"] == "model" and first.data["text"].startswith("Order 4481920371")
    assert first.data["abusive"] is True  # the lexicon saw "f*ck" and "idiots"
    second = router.handle(IncomingMessage(text=f"/calm {EN_ABUSIVE}", platform="slack", user_id="U1"))
    assert second.kind == "error" and "try again in 60 s" in second.text
    other = router.handle(IncomingMessage(text="/calm 你们这群傻逼，订单12345还没到", platform="slack", user_id="U2"))
    assert other.kind == "info" and "12345" in other.text


@pytest.mark.parametrize(("text", "insult", "fact"), [
    ("ur all a bunch of a55holes, order 7781 still missing", "a55holes", "7781"),
    ("F.U.C.K this shop, refund 42.50 now", "F.U.C.K", "42.50"),
    ("sh!tty service, case 5512 still open", "sh!tty", "5512"),
    ("what a bunch of m0r0ns, I paid $64.10", "m0r0ns", "$64.10"),
    ("shiiiit, the parcel 1Z77120 is lost again", "shiiiit", "1Z77120"),
    ("you b!tch, I said 14 May not 15", "b!tch", "14 May"),
    ("MOTHERF**KERS charged me twice, $18.99", "MOTHERF**KERS", "$18.99"),
    ("d i c k h e a d, read order 99120 again", "d i c k h e a d", "99120"),
    ("傻*逼客服，订单7788还没到", "傻*逼", "7788"),
    ("shabi客服，单号SF778899查不到", "shabi", "SF778899"),
    ("S.B.商家，11月2号付的款", "S.B.", "11月2号"),
    ("你们就是一群二货，退款58元呢", "二货", "58元"),
])
def test_disguised_insults_are_removed_and_facts_kept(text: str, insult: str, fact: str) -> None:
    r = calm_rules(text)
    assert r.abusive, text
    assert insult.lower() not in r.text.lower() and fact in r.text, r.text


@pytest.mark.parametrize("text", [
    "Mr. Cao from your Beijing office promised a refund of $30",
    "The class assistant said the Scunthorpe depot has order 7731",
    "I was harassed by your debt collector about account 5512",
    "Shiitake mushrooms arrived mouldy, order 4410",
    "The Dickens box set is missing volume 3",
    "My USB cable broke, SBS showed a report about it",
])
def test_innocent_words_are_not_insults(text: str) -> None:
    r = calm_rules(text)
    assert not r.abusive and r.text.rstrip(".").lower() == text.rstrip(".").lower(), r


@pytest.mark.parametrize("text", [
    "I'm going to come down there and punch your manager, order 5567",
    "we will torch your warehouse",
    "you'd better hope I don't find you, I'll k1ll you",
    "keep lying and I'll break that driver's legs",
    "我明天就去你们公司把你们经理揍一顿，订单445566",
    "信不信我找人弄你",
    "老子迟早砍死你们",
    "晚上出门小心点",
])
def test_threats_of_violence_by_structure(text: str) -> None:
    r = calm_rules(text)
    assert r.threat and "violence" in r.threat_kinds and r.level == "abusive", r
    for fact in ("5567", "445566"):
        if fact in text:
            assert fact in r.text


@pytest.mark.parametrize("text", [
    "if this isn't fixed I'll end my life",
    "honestly I just want to die, order 5521 was all I had",
    "我实在撑不下去了，想一死了之",
    "再不退款我就喝农药",
])
def test_self_harm_is_flagged(text: str) -> None:
    r = calm_rules(text)
    assert r.threat and "self_harm" in r.threat_kinds and not r.abusive


@pytest.mark.parametrize("text", [
    "kill the app and restart it? that did nothing, version 2.3",
    "I could murder a coffee, but first: where is order 8899?",
    "This price is killing me, $45 shipping!",
    "打死我也不买了，退款299元",
    "杀毒软件误报，版本12.1",
    "我砍价砍到199元，结果还是没便宜",
    "Please end my subscription, it renews on Dec 3",
])
def test_violent_words_without_a_threat_are_not_threats(text: str) -> None:
    r = calm_rules(text)
    assert not r.threat and not r.abusive, r
