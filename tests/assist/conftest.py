"""A small bilingual knowledge base for the agent-assist tests (/history, /resolve, /gaps), ingested once.

Twenty FAQ entries in Chinese and English (enough chunks per language for the cross-language centring the
retriever and the gap grouping use) and the past tickets of a few customers, in both languages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FAQ = [
    ("return-window", "How many days does a customer have to return an item?",
     "Most items can be returned within 7 days of delivery for any reason; international orders have 30 days.",
     "退货期限是几天？", "大部分商品签收后7天内可无理由退货；国际订单为30天。"),
    ("return-shipping", "Who pays the return shipping?",
     "For no-reason returns the customer pays; for quality problems Brightcart pays the return shipping.",
     "退货运费谁出？", "无理由退货由顾客承担运费；质量问题由明购承担退货运费。"),
    ("refund-time", "How long does a refund take?",
     "Refunds reach the original payment method 1-3 business days after the warehouse receives the return.",
     "退款多久到账？", "仓库收到退货后1-3个工作日原路退回。"),
    ("installments", "Do you support paying in installments?",
     "Installment payments are not supported, including credit-card installments.",
     "支持分期付款吗？", "目前暂不支持分期付款，也不支持信用卡分期。"),
    ("payment-methods", "Which payment methods are accepted?",
     "We accept WeChat Pay, Alipay, UnionPay cards and Visa/Mastercard.",
     "支持哪些支付方式？", "支持微信支付、支付宝、银联卡以及Visa/Mastercard。"),
    ("double-charge", "The customer was charged twice after error PAY-5001, what now?",
     "A duplicate charge is refunded automatically within 3 business days; ask the customer to wait.",
     "PAY-5001后重复扣款怎么办？", "重复扣款会在3个工作日内自动原路退回，请顾客耐心等待。"),
    ("delivery-time", "How long does standard delivery take?",
     "Standard delivery takes 2-4 days in mainland China; remote areas up to 7 days.",
     "普通快递几天能到？", "中国大陆普通快递2-4天送达，偏远地区最多7天。"),
    ("late-parcel", "What compensation is there for a late parcel?",
     "If a parcel arrives more than 2 days after the promised date, issue a 10 yuan coupon (20 for Plus members).",
     "快递延误有什么补偿？", "比承诺日期晚2天以上送达的，发放10元优惠券（Plus会员20元）。"),
    ("change-address", "Can the delivery address be changed after ordering?",
     "The address can be changed in the app until the order ships; after that, contact the courier.",
     "下单后能改收货地址吗？", "订单发货前可在App中修改地址；发货后需联系快递。"),
    ("earbud-warranty", "What is the warranty on Aurora earbuds?",
     "Aurora earbuds have a one-year warranty; a single earbud can be replaced.",
     "Aurora耳机保修多久？", "Aurora耳机保修一年，可单独更换一只耳机。"),
    ("earbud-charging", "One earbud does not charge, what should the customer try?",
     "Clean the contacts and hold the case button for 15 seconds to reset; if it still fails, start a warranty claim.",
     "一只耳机充不上电怎么办？", "清洁触点并长按充电盒按键15秒重置；仍无法充电则申请保修。"),
    ("invoice", "How does a customer get a VAT invoice?",
     "Request it in the app under My Orders > Invoice; electronic invoices arrive by email within 5 business days.",
     "怎么开增值税发票？", "在App“我的订单”→“发票”中申请，电子发票5个工作日内发送至邮箱。"),
    ("price-protection", "Is there price protection if the price drops?",
     "If the same item drops in price within 7 days of payment, the difference is refunded.",
     "降价了能退差价吗？", "付款后7天内同一商品降价，可申请价保退差价。"),
    ("plus-membership", "What does Plus membership include?",
     "Plus members get free shipping, extra coupons and priority support for 99 yuan a year.",
     "Plus会员有什么权益？", "Plus会员每年99元，享受免运费、专属优惠券和优先客服。"),
    ("cancel-plus", "How to cancel Plus auto-renewal?",
     "Turn off auto-renewal in the app under Me > Plus > Manage; the membership runs until the end of the term.",
     "怎么取消Plus自动续费？", "在App“我的”→“Plus”→“管理”中关闭自动续费，会员到期前仍有效。"),
    ("account-locked", "The customer's account is locked, what to do?",
     "After 5 wrong passwords the account locks for 30 minutes; it can be unlocked by SMS verification.",
     "账号被锁定怎么办？", "密码错误5次会锁定30分钟，可通过短信验证解锁。"),
    ("change-phone", "How to change the phone number on the account?",
     "Go to Settings > Account security > Phone number and verify both the old and new numbers.",
     "怎么更换绑定手机号？", "进入“设置”→“账号安全”→“手机号”，验证新旧手机号即可更换。"),
    ("damaged-item", "The item arrived damaged, what should the agent do?",
     "Ask for photos of the item and the box, then offer a replacement or a full refund; Brightcart pays shipping.",
     "收到的商品破损怎么办？", "请顾客提供商品和外箱照片，可换新或全额退款，运费由明购承担。"),
    ("customs", "Who pays customs duties on international orders?",
     "The customer pays import duties; never under-declare the value or mark goods as a gift.",
     "国际订单的关税谁付？", "进口关税由顾客承担；不得低报货值或申报为礼物。"),
    ("order-cancel", "Can an order be cancelled before shipping?",
     "Orders can be cancelled free of charge in the app until they ship; the refund is immediate.",
     "发货前可以取消订单吗？", "发货前可在App中免费取消订单，退款立即原路退回。"),
]

TICKETS = [
    {"id": "T-101", "created_at": "2026-09-02T10:00:00+08:00", "customer_id": "C100", "channel": "chat",
     "category": "warranty", "subject": "左耳机充不上电", "text": "Aurora X2 的左耳机放进充电盒不充电，灯也不亮。",
     "resolution": "指导顾客清洁触点并重置，仍无法充电。已提交保修，新左耳会在3个工作日内寄出。", "status": "resolved"},
    {"id": "T-102", "created_at": "2026-10-05T09:30:00+08:00", "customer_id": "C100", "channel": "email",
     "category": "refund", "subject": "Refund not received", "text": "I returned the blender two weeks ago and still "
     "have no refund. Call me at 138 1234 5678.",
     "resolution": "The warehouse had received the return; refund RF-2210 issued. It will reach the card within 3 "
     "business days.", "status": "resolved"},
    {"id": "T-103", "created_at": "2026-11-12T20:15:00+08:00", "customer_id": "C100", "channel": "chat",
     "category": "warranty", "subject": "Left earbud stopped charging again",
     "text": "The replacement left earbud of my Aurora X2 stopped charging again after a month.",
     "resolution": "Reset did not help. We will send a new charging case and we'd call back by Friday to confirm.",
     "status": "open"},
    {"id": "T-104", "created_at": "2026-11-20T11:00:00+08:00", "customer_id": "C100", "channel": "phone",
     "category": "invoice", "subject": "需要开专票", "text": "公司报销需要增值税专用发票。",
     "resolution": "引导顾客在App中申请专票，未承诺具体开票时间。", "status": ""},
    {"id": "T-201", "created_at": "2026-11-01T08:00:00+08:00", "customer_id": "C200", "channel": "chat",
     "category": "shipping", "subject": "Parcel late", "text": "My parcel is three days late.",
     "resolution": "Issued a 10 yuan coupon and apologised.", "status": "closed"},
]


def write_assist_corpus(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    for key, q_en, a_en, q_zh, a_zh in FAQ:
        rows.append({"id": f"faq-{key}-en", "question": q_en, "answer": a_en, "lang": "en"})
        rows.append({"id": f"faq-{key}-zh", "question": q_zh, "answer": a_zh, "lang": "zh"})
    (root / "faq.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    (root / "tickets.jsonl").write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in TICKETS),
                                        encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def assist_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_assist_corpus(tmp_path_factory.mktemp("assist-kb"))


@pytest.fixture(scope="session")
def assist_base(tmp_path_factory: pytest.TempPathFactory, embedder: Any, assist_corpus: Path) -> Path:
    """A data dir with the corpus ingested once; tests copy it (their writes stay their own)."""
    from testkit import make_container

    data = tmp_path_factory.mktemp("assist-base") / "data"
    container = make_container(data, embedder)
    report = container.ingestor().ingest([assist_corpus])
    assert report.added and not report.skipped, report.summary()
    container.state().db.close()
    return data


@pytest.fixture
def assist(tmp_path: Path, assist_base: Path, embedder: Any, request: pytest.FixtureRequest) -> Any:
    """A container of its own (copied data dir: SQLite state, embedded Chroma, BM25) over the corpus."""
    import shutil

    from testkit import make_container

    data = tmp_path / "data"
    shutil.copytree(assist_base, data)
    overrides = getattr(request, "param", {}) or {}
    return make_container(data, embedder, **overrides)


# --- the real adapters around the assist container (Slack harness: tests/slack, Feishu: tests/feishu) -------

class SlackSide:
    """Signed Slack requests to the production wiring (bot.server) around the assist container's router."""

    def __init__(self, api: Any, url: str) -> None:
        self.api = api
        self.url = url

    def post(self, body: str, content_type: str) -> Any:
        import httpx

        from tests.slack.support import signed_headers

        return httpx.post(f"{self.url}/slack/events", content=body.encode(), headers=signed_headers(body, content_type),
                          timeout=30)

    def slash(self, command: str, text: str, **fields: str) -> Any:
        from tests.slack.support import slash_body

        return self.post(slash_body(command, text, self.api.webhook_url, **fields), "application/x-www-form-urlencoded")

    def click(self, action_id: str, value: str, **kw: Any) -> Any:
        from tests.slack.support import action_body

        return self.post(action_body(action_id, value, self.api.webhook_url, **kw), "application/x-www-form-urlencoded")

    def webhook(self, count: int = 1) -> dict[str, Any]:
        """The `count`-th reply sent to the response_url (what the user sees)."""
        return dict(self.api.wait_for("/webhook", count=count, timeout=120)[count - 1].body)


@pytest.fixture
def slack_side(assist: Any, tmp_path: Path) -> Any:
    from bot.config import load_settings
    from bot.server import build_asgi_app
    from tests.slack.mock_slack_api import MockSlackApi
    from tests.slack.support import BOT_TOKEN, SIGNING_SECRET, FixedContainer, ServerThread

    api = MockSlackApi().start()
    settings = load_settings(data_dir=tmp_path / "slack", env_file=None, slack_bot_token=BOT_TOKEN,
                             slack_signing_secret=SIGNING_SECRET, slack_api_url=api.url,
                             slack_manager_ids=assist.settings.slack_manager_ids)
    app = build_asgi_app(FixedContainer(settings, assist.router(), assist.state()), warm=False)
    try:
        with ServerThread(app) as server:
            yield SlackSide(api, server.url)
    finally:
        api.stop()


class FeishuSide:
    """Encrypted, signed Feishu events to the production routes around the assist container's router."""

    def __init__(self, api: Any, url: str, bot: Any) -> None:
        self.api = api
        self.url = url
        self.bot = bot

    def send(self, event: dict[str, Any], path: str = "/feishu/events") -> Any:
        import httpx

        from tests.feishu.helpers import signed_request

        body, headers = signed_request(event)
        resp = httpx.post(self.url + path, content=body, headers=headers, timeout=60)
        assert resp.status_code == 200
        assert self.bot.wait_idle(120), "the reply was not delivered"
        return resp

    def all_cards(self) -> str:
        """Every card and text the bot sent (a private reply in a group goes to the user's direct chat)."""
        import json as _json

        return "\n".join(_json.dumps(c.content, ensure_ascii=False) for c in self.api.message_calls()
                         if isinstance(c.content, dict))

    def last_card(self) -> dict[str, Any]:
        """The card the user sees last (the PATCHed final card, else the last card sent)."""
        calls = [c for c in self.api.message_calls() if isinstance(c.content, dict)]
        assert calls, "no card was sent"
        return dict(calls[-1].content)


@pytest.fixture
def feishu_side(assist: Any, tmp_path: Path) -> Any:
    from starlette.applications import Starlette

    from bot.feishu.http import feishu_routes
    from tests.feishu.conftest import InjectedContainer, feishu_settings
    from tests.feishu.helpers import MockOpenApi, ServerThread

    api = MockOpenApi().start()
    settings = feishu_settings(tmp_path / "feishu", api.url, feishu_manager_ids=assist.settings.feishu_manager_ids)
    app = Starlette(routes=feishu_routes(InjectedContainer(settings, assist.router(), assist.state())))
    route = next(r for r in app.routes if getattr(r, "path", "") == "/feishu/events")
    bot = route.endpoint.__self__.bot  # type: ignore[attr-defined]
    server = ServerThread(app).start()
    try:
        assert bot.wait_idle(30)
        api.reset()
        yield FeishuSide(api, server.url, bot)
    finally:
        bot.close(5)
        server.stop()
        api.stop()


def card_text(card: dict[str, Any]) -> str:
    """Every text of a card (header, markdown and text elements), for assertions on what is shown."""
    import json as _json

    return _json.dumps(card, ensure_ascii=False)
