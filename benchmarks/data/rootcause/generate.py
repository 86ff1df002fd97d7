"""A generated bilingual complaint set with known reasons (for /rootcause tests and benchmarks).

Each reason has English and Chinese templates (written for this project, a fictional online shop), filled
with random slots and wrapped in reason-neutral openings and closings. Counts are skewed, tickets are spread
over two 7-day windows, and one reason spikes in the current window. `category` is a noisy label field
(what an agent picked), shown beside the analysis, never used by it; `reason` is the truth.

    python benchmarks/data/rootcause/generate.py   # rewrites bilingual.jsonl next to this file
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
END = datetime(2026, 3, 15, tzinfo=timezone.utc)  # the current window is [END - 7 days, END)

REASONS: dict[str, dict[str, list[str]]] = {
    "late_delivery": {
        "en": [
            "My order {order} still hasn't arrived after {days} days, the tracking has not moved.",
            "The parcel was promised for Monday and it is now {days} days late.",
            "Delivery is extremely slow, I ordered the {item} {days} days ago and nothing came.",
            "Tracking says in transit for {days} days, where is my package?",
            "The courier keeps postponing the delivery of my {item}.",
            "Shipping takes forever, still waiting for order {order}.",
        ],
        "zh": [
            "订单{order}已经{days}天了还没到货，物流信息一直不更新。",
            "说好周一送到，现在已经晚了{days}天。",
            "发货太慢了，{item}买了{days}天还没收到。",
            "物流显示运输中{days}天了，我的包裹到底在哪？",
            "快递一直推迟派送我的{item}。",
            "配送速度太慢，订单{order}还在等。",
        ],
    },
    "damaged_item": {
        "en": [
            "The {item} arrived broken, the box was crushed.",
            "I received the {item} with a cracked screen.",
            "The package came damaged and the {item} inside is scratched.",
            "My {item} was smashed when I opened the parcel.",
            "Item arrived dented and not working, clearly damaged in transit.",
            "The glass of the {item} was shattered on arrival.",
        ],
        "zh": [
            "收到的{item}是坏的，箱子都压扁了。",
            "{item}到手屏幕就裂了。",
            "包裹送来就破损了，里面的{item}有划痕。",
            "打开快递发现{item}已经摔碎了。",
            "商品到货有凹痕而且不能用，明显是运输途中损坏的。",
            "{item}的玻璃到货时就碎了。",
        ],
    },
    "refund_delay": {
        "en": [
            "I returned the {item} {days} days ago and still have not received my refund.",
            "Where is my refund for order {order}? It has been {days} days.",
            "The refund was approved but the money never reached my card.",
            "You said the refund takes 3 days, it has been {days} days and nothing.",
            "Still waiting for the money back for the {item} I sent back.",
            "My refund is stuck in processing for {days} days.",
        ],
        "zh": [
            "{item}退回去{days}天了，退款还没收到。",
            "订单{order}的退款到哪了？已经{days}天了。",
            "退款已经审核通过了，但钱一直没到卡上。",
            "说好3天退款，现在{days}天了还没有。",
            "寄回的{item}，钱还没退给我。",
            "我的退款一直显示处理中，已经{days}天了。",
        ],
    },
    "wrong_item": {
        "en": [
            "I ordered a {item} but received something completely different.",
            "Wrong item shipped: I got a {item2} instead of the {item}.",
            "The color and size are not what I ordered.",
            "You sent me the wrong model of {item}.",
            "The package contained another customer's order, not my {item}.",
            "Received the wrong product for order {order}.",
        ],
        "zh": [
            "我买的是{item}，收到的却是完全不同的东西。",
            "发错货了：订的是{item}，寄来的是{item2}。",
            "颜色和尺码都不是我下单的。",
            "给我寄错了{item}的型号。",
            "包裹里是别人的订单，不是我的{item}。",
            "订单{order}收到的商品不对。",
        ],
    },
    "rude_agent": {
        "en": [
            "The support agent was rude and hung up on me.",
            "Your customer service staff was impatient and dismissive.",
            "The agent on the chat ignored my question and closed the conversation.",
            "I was treated with disrespect by your service representative.",
            "The person on the phone shouted at me and refused to help.",
            "Customer service keeps giving me scripted answers and does not listen.",
        ],
        "zh": [
            "客服态度很差，直接挂了我电话。",
            "你们的客服人员很不耐烦，爱答不理。",
            "在线客服不回答我的问题就结束了对话。",
            "客服代表对我很不尊重。",
            "电话里的客服对我大吼，拒绝帮忙。",
            "客服一直用模板话术敷衍我，根本不听我说。",
        ],
    },
    "app_login": {
        "en": [
            "I cannot log in to the app, it says invalid password even after a reset.",
            "The app crashes every time I open the checkout page.",
            "The verification code SMS never arrives so I cannot sign in.",
            "After the latest update the app keeps freezing on the login screen.",
            "The website shows an error when I try to pay.",
            "My account is locked and the app will not let me log in.",
        ],
        "zh": [
            "App登录不上，重置密码后还是提示密码错误。",
            "每次打开结算页面App就闪退。",
            "收不到验证码短信，没法登录。",
            "更新之后App一直卡在登录页面。",
            "网页付款的时候一直报错。",
            "账号被锁了，App不让我登录。",
        ],
    },
    "double_charge": {
        "en": [
            "I was charged twice for order {order}.",
            "My card shows two payments for the same {item}.",
            "You billed me {amount} dollars more than the order total.",
            "There is a duplicate charge on my statement from your shop.",
            "I cancelled the order but the payment was still taken.",
            "The price at checkout was higher than the listed price.",
        ],
        "zh": [
            "订单{order}被扣了两次款。",
            "同一个{item}我的卡上有两笔付款。",
            "多扣了我{amount}元，比订单金额高。",
            "账单上有你们店的重复扣费。",
            "订单已经取消了，钱还是被扣了。",
            "结算价格比页面标价高。",
        ],
    },
    "return_refused": {
        "en": [
            "My return request for the {item} was rejected without a reason.",
            "You refuse to accept my return even though it is within 7 days.",
            "The return policy is unfair, I cannot send back an unopened {item}.",
            "They denied my exchange because the tag was removed.",
            "Return was declined, the rules are too strict.",
            "I was told the {item} cannot be returned, which is not what the page said.",
        ],
        "zh": [
            "{item}的退货申请被驳回了，也没说原因。",
            "七天内申请退货你们也不给退。",
            "退货规定太不合理了，没拆封的{item}都不能退。",
            "吊牌拆了就不给换货。",
            "退货被拒，规则太严格了。",
            "说{item}不能退，和页面上写的不一样。",
        ],
    },
}

ITEMS = {
    "en": ["phone", "blender", "jacket", "lamp", "headphones", "kettle", "backpack", "monitor", "vase"],
    "zh": ["手机", "搅拌机", "外套", "台灯", "耳机", "电水壶", "背包", "显示器", "花瓶"],
}
OPEN = {
    "en": ["", "", "Hi, ", "Hello, ", "Please help. ", "This is my second message. "],
    "zh": ["", "", "你好，", "您好，", "麻烦帮忙看下，", "这是我第二次联系了，"],
}
CLOSE = {
    "en": ["", "", " Please fix this.", " Very disappointed.", " I want an answer today.", " Thanks."],
    "zh": ["", "", "请尽快处理。", "非常失望。", "今天必须给我答复。", "谢谢。"],
}
RESOLUTIONS = {
    "late_delivery": "Checked the carrier scan, reshipped with express and sent the new tracking number.",
    "damaged_item": "Asked for a photo of the damage and sent a replacement at our cost.",
    "refund_delay": "Confirmed the refund reference with the payment team and told the customer the bank date.",
    "wrong_item": "Sent the correct item and a prepaid label for the wrong one.",
    "rude_agent": "Apologised, escalated to the team lead and gave a goodwill coupon.",
    "app_login": "Cleared the account lock and walked the customer through a password reset.",
    "double_charge": "Voided the duplicate payment and sent the reversal confirmation.",
    "return_refused": "Reviewed the return against the 7-day policy and approved it as an exception.",
}
# reason -> (previous window count, current window count); "late_delivery" spikes in the current window.
COUNTS = {
    "late_delivery": (14, 46), "damaged_item": (22, 24), "refund_delay": (20, 18), "wrong_item": (14, 12),
    "rude_agent": (9, 8), "app_login": (8, 7), "double_charge": (5, 5), "return_refused": (3, 4),
}
CATEGORIES = ["logistics", "after-sales", "payment", "account", "other"]


def _fill(template: str, lang: str, rng: random.Random) -> str:
    items = ITEMS[lang]
    item, item2 = rng.sample(items, 2)
    return template.format(item=item, item2=item2, order=f"#{rng.randint(100000, 999999)}",
                           days=rng.randint(4, 21), amount=rng.randint(5, 99))


def generate(seed: int = 1, scale: float = 2.0) -> list[dict[str, Any]]:
    """Rows {id, text, lang, reason, created_at, category, resolution}; `scale` multiplies the counts."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for reason, (prev, cur) in COUNTS.items():
        for window, count in (("prev", prev), ("cur", cur)):
            for _ in range(round(count * scale)):
                lang = "zh" if rng.random() < 0.5 else "en"
                body = _fill(rng.choice(REASONS[reason][lang]), lang, rng)
                text = rng.choice(OPEN[lang]) + body + rng.choice(CLOSE[lang])
                start = END - timedelta(days=14 if window == "prev" else 7)
                created = start + timedelta(seconds=rng.randrange(7 * 86400))
                category = rng.choice(CATEGORIES)
                resolved = rng.random() < 0.3
                rows.append({
                    "id": "", "text": text, "lang": lang, "reason": reason,
                    "created_at": created.isoformat(), "category": category,
                    "resolution": RESOLUTIONS[reason] if resolved else "",
                })
    rng.shuffle(rows)
    for i, row in enumerate(rows):
        row["id"] = f"T{seed}-{i:05d}"
    return rows


def main() -> None:
    rows = generate(seed=1, scale=2.0)
    path = HERE / "bilingual.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} rows -> {path}")


if __name__ == "__main__":
    main()
