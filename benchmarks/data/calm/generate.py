"""Build the labelled calm set (benchmarks/data/calm/calm.jsonl): abusive and merely angry customer messages,
Chinese and English. Each row lists the insult/profanity terms that must be gone from the rewrite
(`abusive_terms`), the facts that must stay (`facts`: order numbers, amounts, dates...), and whether the
message is abusive. Split once by template (seeded by group name). Run: .venv/bin/python benchmarks/data/calm/generate.py
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

OUT = Path(__file__).resolve().parent / "calm.jsonl"
PER_TEMPLATE = 3

ZH_INSULTS = ["傻逼", "傻b", "煞笔", "SB", "sb", "tmd", "TMD", "他妈的", "nmsl", "草泥马", "cnm", "脑残", "弱智", "废物",
              "白痴", "王八蛋", "狗东西", "混蛋", "智障", "尼玛", "卧槽", "mlgb", "操你妈", "去死吧"]
EN_INSULTS = ["fuck", "f*ck", "fck", "fuk", "fucking", "f**king", "wtf", "stfu", "idiots", "morons", "shit", "bullshit",
              "assholes", "bastards", "scumbags", "dickheads", "incompetent morons", "useless idiots", "clowns"]

ZH_ABUSIVE = [
    "你们这群{I}！订单号{ORDER}{DATE}就付款了，到现在还没发货！",
    "{I}客服，快递单号{TRACK}显示签收了我根本没收到，赶紧给我补发！",
    "{I}，我付了{AMOUNT}买的东西第二天就坏了，必须退款！",
    "订单{ORDER}被重复扣款{AMOUNT}，你们是不是{I}啊？马上退回来！",
    "{I}！说好{DATE}到货，现在还没到，订单{ORDER}，我要取消。",
    "我{I}，{DATE}买的耳机，订单{ORDER}，左耳没声音，换不换？",
    "你们{I}吧，优惠券{COUPON}用不了，多付了{AMOUNT}，退差价！",
    "一群{I}，退货单{ORDER}寄回去{DAYS}天了，退款{AMOUNT}呢？",
    "{I}，少发了{QTY}件，订单{ORDER}，赶紧补！",
    "{I}的物流，{TRACK}卡了{DAYS}天了，再不处理我弄死你们",
    "客服{I}，{DATE}投诉到现在没人理，订单{ORDER}，金额{AMOUNT}。",
    "你{I}吗？我说了三遍地址写错了，订单{ORDER}改地址！",
]
ZH_ANGRY = [
    "订单{ORDER}到现在还没发货，{DATE}就付款了，太过分了！！！",
    "快递单号{TRACK}显示签收但我没收到，你们到底管不管？",
    "{AMOUNT}买的东西用了两天就坏了，质量太差了，我要退款！",
    "重复扣款{AMOUNT}，订单{ORDER}，再不退我就去12315投诉！",
    "说好{DATE}到货现在还没到，订单{ORDER}，我非常失望。",
    "退货寄回去{DAYS}天了退款{AMOUNT}还没到账，你们效率也太低了吧！",
    "优惠券{COUPON}为什么用不了？多付了{AMOUNT}，气死我了！",
    "少发了{QTY}件，订单{ORDER}，这已经是第二次了，忍无可忍！",
    "物流{TRACK}卡了{DAYS}天，客服一直说在查，受够了！",
    "{DATE}投诉的到现在没人回复，订单{ORDER}，再不处理我就找媒体曝光。",
    "地址改了三次还是错的，订单{ORDER}，你们怎么做事的？",
    "垃圾服务，订单{ORDER}等了{DAYS}天，我要求赔偿{AMOUNT}！",
]
EN_ABUSIVE = [
    "What the {I} is wrong with you? Order #{ORDER} was paid on {ENDATE} and still hasn't shipped!",
    "You {I}, tracking {ENTRACK} says delivered but I got nothing. Send a replacement!",
    "I paid {ENAMOUNT} and it broke the next day, {I}. I want a refund.",
    "Order {ORDER} charged twice, {ENAMOUNT} each. Are you {I}? Refund it now!",
    "{I}! You promised delivery by {ENDATE}, order {ORDER} still isn't here. Cancel it.",
    "Coupon {COUPON} didn't work and I overpaid {ENAMOUNT}, {I}. Refund the difference.",
    "Returned order {ORDER} {DAYS} days ago, where is my {ENAMOUNT}, {I}?",
    "{QTY} items missing from order {ORDER}, {I}. Ship them today.",
    "Parcel {ENTRACK} stuck for {DAYS} days, {I}. Fix it or I'll find you and kill you.",
    "{I} support, I complained on {ENDATE} and nobody answered. Order {ORDER}, {ENAMOUNT}.",
    "Are you {I} deaf? I told you three times the address on order {ORDER} is wrong!",
    "{I}, my headphones from order {ORDER} have no sound in the left ear since {ENDATE}.",
]
EN_ANGRY = [
    "Order #{ORDER} was paid on {ENDATE} and still hasn't shipped. This is unacceptable!!!",
    "Tracking {ENTRACK} says delivered but I got nothing. Do you even care?",
    "I paid {ENAMOUNT} and it broke the next day. Terrible quality, I want a refund!",
    "Order {ORDER} was charged twice, {ENAMOUNT} each. Refund it or I'll file a complaint with the BBB.",
    "You promised delivery by {ENDATE}, order {ORDER} still isn't here. I'm really disappointed.",
    "Coupon {COUPON} didn't work and I overpaid {ENAMOUNT}. This is ridiculous!",
    "I returned order {ORDER} {DAYS} days ago and I'm still waiting for my {ENAMOUNT}. Why so slow?",
    "{QTY} items missing from order {ORDER}, second time this month. I'm fed up!",
    "Parcel {ENTRACK} has been stuck for {DAYS} days and support keeps saying they're checking. ENOUGH!",
    "I complained on {ENDATE} and nobody answered. Order {ORDER}, {ENAMOUNT}. I'll post this on social media.",
    "I've told you THREE times the address on order {ORDER} is wrong. How hard can it be?",
    "Damn it, my headphones from order {ORDER} have had no sound in the left ear since {ENDATE}.",
]


def fill(slot: str, r: random.Random) -> str:
    d = lambda n: str(r.randint(1, 9)) + "".join(r.choice("0123456789") for _ in range(n - 1))  # noqa: E731
    return {
        "ORDER": lambda: r.choice([d(12), d(8), "DD" + d(10)]),
        "TRACK": lambda: r.choice(["SF" + d(12), "YT" + d(13), "JD" + d(12)]),
        "ENTRACK": lambda: r.choice(["1Z" + d(16), "9400" + d(18), "TBA" + d(12)]),
        "AMOUNT": lambda: r.choice([f"¥{r.randint(20, 5000)}", f"{r.randint(20, 5000)}元", f"{r.randint(20, 900)}.50元"]),
        "ENAMOUNT": lambda: r.choice([f"${r.randint(10, 900)}.{r.randint(10, 99)}", f"£{r.randint(10, 500)}"]),
        "DATE": lambda: r.choice([f"{r.randint(1, 12)}月{r.randint(1, 28)}号", f"2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"]),
        "ENDATE": lambda: r.choice([f"{r.randint(1, 12):02d}/{r.randint(1, 28):02d}/2024", f"2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"]),
        "COUPON": lambda: f"SAVE{r.randint(10, 50)}",
        "DAYS": lambda: str(r.randint(3, 30)),
        "QTY": lambda: str(r.randint(2, 9)),
    }[slot]()


def render(template: str, lang: str, r: random.Random) -> dict[str, object]:
    out, pos, terms, facts = "", 0, [], []
    for m in re.finditer(r"\{([A-Z]+)\}", template):
        out += template[pos:m.start()]
        slot = m.group(1)
        if slot == "I":
            value = r.choice(ZH_INSULTS if lang == "zh" else EN_INSULTS)
            terms.append(value)
        else:
            value = fill(slot, r)
            facts.append(value)
        out += value
        pos = m.end()
    return {"text": out + template[pos:], "abusive_terms": terms, "facts": facts}


def main() -> None:
    rows = []
    for lang, kind, templates in (("zh", "abusive", ZH_ABUSIVE), ("zh", "angry", ZH_ANGRY),
                                  ("en", "abusive", EN_ABUSIVE), ("en", "angry", EN_ANGRY)):
        order = list(range(len(templates)))
        random.Random(f"{lang}-{kind}").shuffle(order)
        test_ids = set(order[: len(order) // 2])
        r = random.Random(f"values-{lang}-{kind}")
        for i, template in enumerate(templates):
            for k in range(PER_TEMPLATE):
                row = render(template, lang, r)
                rows.append({"id": f"{lang}-{kind}-{i:02d}-{k}", "lang": lang, "kind": kind, "abusive": kind == "abusive",
                             "split": "test" if i in test_ids else "dev", **row})
    # Hand-written messages (benchmarks/data/calm/handwritten.jsonl): insults and variants written without
    # looking at the lexicon; split once, per language, by a seeded shuffle.
    hand = [json.loads(x) for x in (OUT.parent / "handwritten.jsonl").read_text(encoding="utf-8").splitlines() if x]
    for lang in ("zh", "en"):
        mine = [h for h in hand if (re.search(r"[\u4e00-\u9fff]", h["text"]) is not None) == (lang == "zh")]
        order = list(range(len(mine)))
        random.Random(f"hand-{lang}").shuffle(order)
        test_ids = set(order[: len(order) // 2])
        for i, h in enumerate(mine):
            kind = "abusive" if h["abusive"] else "angry"
            rows.append({"id": f"{lang}-hand-{i:02d}", "lang": lang, "kind": kind, "abusive": h["abusive"],
                         "split": "test" if i in test_ids else "dev", "text": h["text"],
                         "abusive_terms": h["abusive_terms"], "facts": h["facts"]})
    with OUT.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} messages -> {OUT}")


if __name__ == "__main__":
    main()
