"""A generated bilingual set of feature-request wordings with known needs (for /escalate's matching).

Each need has English and Chinese cores (written for this project, a fictional online shop) wrapped in
need-neutral framings ("A customer asks whether ...", "客户希望……"). Needs come in families of near-miss needs
(a delivery time slot vs a delivery date, Alipay vs WeChat Pay...): a family is wholly dev or wholly test, so
the merge threshold is tuned on needs the reported figures never saw. Counts per need are skewed; each wording
is one distinct customer.

    python benchmarks/data/escalation/generate.py   # rewrites requests.jsonl next to this file
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

# family -> need -> {"en": cores, "zh": cores}
FAMILIES: dict[str, dict[str, dict[str, list[str]]]] = {
    "delivery_choice": {
        "delivery_time_slot": {
            "en": ["choose a delivery time slot", "pick a time window for the delivery", "select a two-hour delivery slot",
                   "schedule the delivery for a specific time of day"],
            "zh": ["选择送货时间段", "预约几点到几点送货", "选一个两小时的配送时段", "指定一天中的送达时间段"],
        },
        "delivery_date": {
            "en": ["choose the delivery date", "pick which day the parcel arrives", "schedule delivery for a later day",
                   "select a delivery day in the calendar"],
            "zh": ["选择送货日期", "指定哪一天送到", "把配送安排到以后的某一天", "在日历上选收货日期"],
        },
    },
    "gifts": {
        "gift_wrap": {
            "en": ["have the order gift wrapped", "add gift wrapping", "get the items wrapped as a present",
                   "pay extra for gift packaging"],
            "zh": ["提供礼品包装", "把商品包成礼物", "加钱做礼盒包装", "下单时选择礼品包装"],
        },
        "gift_message": {
            "en": ["add a personal message card to a gift", "include a handwritten note with the present",
                   "print a greeting message on the gift receipt", "write a gift message at checkout"],
            "zh": ["在礼物里附一张留言卡", "给收礼人写一段祝福语", "结账时填写赠言卡片", "礼物里放一张手写贺卡"],
        },
        "hide_price": {
            "en": ["hide the prices on the packing slip of a gift", "send a gift receipt without prices",
                   "leave the price off the invoice in the parcel"],
            "zh": ["送礼时发货单上不显示价格", "包裹里的单据隐藏金额", "礼物订单不要打印价格"],
        },
    },
    "wallets": {
        "apple_pay": {
            "en": ["pay with Apple Pay", "use Apple Pay at checkout", "checkout with Apple Pay on the iPhone"],
            "zh": ["用Apple Pay付款", "结账时支持Apple Pay", "在iPhone上用Apple Pay支付"],
        },
        "alipay": {
            "en": ["pay with Alipay", "use Alipay at checkout", "add Alipay as a payment method"],
            "zh": ["用支付宝付款", "结账支持支付宝", "增加支付宝支付方式"],
        },
        "wechat_pay": {
            "en": ["pay with WeChat Pay", "use WeChat Pay at checkout", "add WeChat Pay as a payment option"],
            "zh": ["用微信支付付款", "结账支持微信支付", "增加微信支付方式"],
        },
    },
    "payment_plans": {
        "installments": {
            "en": ["pay in monthly installments", "split the price into 12 monthly payments", "buy now and pay later in installments"],
            "zh": ["分期付款", "把货款分成12期按月支付", "先买后付、分期还款"],
        },
        "split_cards": {
            "en": ["split one payment across two cards", "pay part with one card and the rest with another",
                   "use two bank cards for a single order"],
            "zh": ["一笔订单用两张卡支付", "一部分用一张卡付、剩下的用另一张卡", "同一个订单拆成两张银行卡付款"],
        },
    },
    "exports": {
        "export_csv": {
            "en": ["export the order history to a CSV file", "download all past orders as a spreadsheet",
                   "get the order list as an Excel file"],
            "zh": ["把历史订单导出成CSV文件", "下载所有历史订单的表格", "把订单列表导出为Excel"],
        },
        "invoice_pdf": {
            "en": ["download the invoice as a PDF", "get a PDF invoice for each order", "save a printable PDF of the invoice"],
            "zh": ["下载PDF格式的发票", "每个订单都能拿到PDF发票", "把发票保存成可打印的PDF"],
        },
        "company_invoice": {
            "en": ["put the company name and tax number on the invoice", "issue a business invoice with our VAT number",
                   "get an invoice made out to the company"],
            "zh": ["发票抬头开公司名称和税号", "开带税号的企业发票", "发票开给公司"],
        },
    },
    "order_changes": {
        "change_address": {
            "en": ["change the shipping address after placing the order", "update the delivery address of an order already placed",
                   "fix a wrong address after checkout"],
            "zh": ["下单后修改收货地址", "订单提交后更改配送地址", "付款后改错填的地址"],
        },
        "cancel_item": {
            "en": ["cancel just one item of an order", "remove a single product from an order and keep the rest",
                   "partially cancel an order"],
            "zh": ["只取消订单里的一件商品", "从订单中删掉一个商品、其余照常发货", "部分取消订单"],
        },
        "merge_orders": {
            "en": ["combine two orders into one shipment", "ship separate orders together in one parcel",
                   "merge my orders to save on shipping"],
            "zh": ["把两个订单合并成一个包裹发货", "几个订单一起发", "合并订单省运费"],
        },
    },
    "returns": {
        "return_pickup": {
            "en": ["have a courier pick up the return at home", "schedule a home pickup for a return",
                   "get returns collected from the door"],
            "zh": ["退货上门取件", "预约快递上门取退货", "退货时让快递员到家里来取"],
        },
        "return_locker": {
            "en": ["drop returns off at a parcel locker", "return items through a self-service locker",
                   "leave the return in a pickup locker"],
            "zh": ["把退货放进快递柜", "通过自助快递柜退货", "退货投递到智能柜"],
        },
    },
    "points": {
        "points_expiry": {
            "en": ["keep loyalty points from expiring", "stop points from expiring after a year",
                   "make reward points never expire"],
            "zh": ["积分永不过期", "积分不要一年就清零", "会员积分取消有效期"],
        },
        "points_transfer": {
            "en": ["transfer loyalty points to a family member", "give points to another account",
                   "share reward points with a spouse"],
            "zh": ["把积分转给家人", "积分转赠到另一个账号", "和家人共享会员积分"],
        },
    },
    "app": {
        "dark_mode": {
            "en": ["use a dark mode in the app", "switch the app to a dark theme", "get a night mode for the app"],
            "zh": ["App支持深色模式", "把App换成暗色主题", "App增加夜间模式"],
        },
        "bigger_font": {
            "en": ["make the text in the app bigger", "increase the font size in the app", "use a large-print mode for older users"],
            "zh": ["App里的字体调大", "放大App的文字", "给老年人用的大字模式"],
        },
    },
    "accounts": {
        "guest_checkout": {
            "en": ["check out as a guest without an account", "buy without registering", "order without creating an account"],
            "zh": ["不注册账号也能下单", "游客身份直接购买", "免注册结账"],
        },
        "delete_account": {
            "en": ["delete the account and all personal data", "close the account permanently", "remove the account completely"],
            "zh": ["注销账号并删除个人数据", "永久关闭账户", "彻底删除账号"],
        },
    },
    "support": {
        "phone_callback": {
            "en": ["get a phone call back from support", "request a callback instead of waiting on hold",
                   "have an agent ring them back"],
            "zh": ["客服回电", "申请客服回拨电话，不想排队等", "让客服打电话回来"],
        },
        "chat_24h": {
            "en": ["reach live chat around the clock", "have 24/7 online support", "chat with support at night"],
            "zh": ["24小时在线客服", "半夜也能找在线客服", "全天候人工在线咨询"],
        },
    },
    "stock": {
        "restock_alert": {
            "en": ["get notified when an item is back in stock", "receive an alert when a sold-out product is restocked",
                   "be told when the size returns to stock"],
            "zh": ["到货提醒", "缺货商品补货时通知我", "尺码有货了发消息提醒"],
        },
        "price_drop_alert": {
            "en": ["get notified when a price drops", "receive an alert when a saved item goes on sale",
                   "be told when the wishlist item gets cheaper"],
            "zh": ["降价提醒", "收藏的商品打折时通知", "心愿单商品便宜了提醒我"],
        },
    },
    # Added by H9b (written fresh for this set): five more dev families and four more test families.
    "sizing": {
        "size_chart": {
            "en": ["see a size chart on each product page", "check the measurements for every size before buying",
                   "look up which size fits from a sizing table"],
            "zh": ["商品页面显示尺码表", "购买前查看每个尺码的具体尺寸", "通过尺码对照表确认该买哪个码"],
        },
        "size_exchange": {
            "en": ["swap an item for another size for free", "exchange shoes that are too small for a bigger pair",
                   "get a different size without paying the return fee"],
            "zh": ["免费换成另一个尺码", "鞋子小了换大一码", "换尺码不收退货运费"],
        },
    },
    "wishlists": {
        "share_wishlist": {
            "en": ["share a wishlist with friends through a link", "send the wish list to family before a birthday",
                   "let others see the saved items list"],
            "zh": ["通过链接把心愿单分享给朋友", "生日前把愿望清单发给家人", "让别人也能看到我的收藏清单"],
        },
        "multiple_wishlists": {
            "en": ["keep several separate wishlists", "sort saved items into different named lists",
                   "create one wish list per occasion"],
            "zh": ["建立多个不同的心愿单", "把收藏的商品分到不同名字的清单里", "每个场合单独建一个愿望清单"],
        },
    },
    "store_pickup": {
        "click_collect": {
            "en": ["buy online and collect the order in a store", "pick up the parcel at the nearest shop",
                   "choose in-store pickup instead of shipping"],
            "zh": ["网上下单到门店自提", "去最近的门店取包裹", "选择到店自取而不是快递"],
        },
        "store_stock": {
            "en": ["check whether a nearby store has an item in stock", "see the shelf stock of each shop online",
                   "find out which branch still has the product"],
            "zh": ["查看附近门店有没有现货", "在网上看到每家店的库存", "查询哪家分店还有这个商品"],
        },
    },
    "loyalty_tiers": {
        "vip_tier": {
            "en": ["reach a VIP membership level with extra perks", "get gold member benefits after spending more",
                   "unlock a higher member tier"],
            "zh": ["达到VIP会员等级享受更多权益", "消费多了升级成金卡会员", "解锁更高的会员级别"],
        },
        "birthday_coupon": {
            "en": ["receive a coupon on their birthday", "get a birthday discount every year",
                   "have a birthday voucher sent by email"],
            "zh": ["生日当天收到优惠券", "每年过生日有折扣", "生日时通过邮件发一张代金券"],
        },
    },
    "sustainability": {
        "plastic_free": {
            "en": ["ship orders without plastic packaging", "use paper instead of bubble wrap",
                   "get plastic-free parcels"],
            "zh": ["发货不用塑料包装", "用纸代替气泡膜", "包裹里不要有塑料"],
        },
        "packaging_return": {
            "en": ["send the shipping boxes back for reuse", "return the reusable delivery bag to the courier",
                   "give back packaging so it can be used again"],
            "zh": ["把快递箱寄回去循环使用", "把可重复使用的配送袋还给快递员", "归还包装材料再次利用"],
        },
    },
    "subscriptions": {
        "pause_subscription": {
            "en": ["pause the monthly subscription for a while", "put the subscription on hold during holidays",
                   "suspend the plan for two months without cancelling"],
            "zh": ["暂停每月订阅一段时间", "放假期间先把订阅停一停", "不取消、先暂停两个月的套餐"],
        },
        "subscription_frequency": {
            "en": ["get the subscription box every two months instead of monthly", "change how often the box arrives",
                   "receive deliveries less frequently"],
            "zh": ["订阅盒改成两个月送一次", "调整订阅的配送频率", "降低送货的频次"],
        },
    },
    "reviews": {
        "review_photos": {
            "en": ["upload photos with a product review", "attach pictures to a review",
                   "show images in the customer reviews"],
            "zh": ["评价时上传照片", "在评论里附图片", "买家评价能带图"],
        },
        "edit_review": {
            "en": ["edit a review after posting it", "change the star rating already given",
                   "update an old review"],
            "zh": ["发表后还能修改评价", "更改已经打出的星级", "更新以前写的评论"],
        },
    },
    "shipping_speed": {
        "express_delivery": {
            "en": ["pay for next-day express delivery", "get the parcel by tomorrow with faster shipping",
                   "choose an express courier option"],
            "zh": ["付费选择次日达快递", "加急配送明天就到", "提供特快专递选项"],
        },
        "free_shipping_minimum": {
            "en": ["lower the minimum order for free shipping", "get free delivery on smaller orders",
                   "reduce the amount needed to skip the shipping fee"],
            "zh": ["降低包邮门槛", "小额订单也能免运费", "少买一点也能免邮"],
        },
    },
    "tracking_alerts": {
        "sms_tracking": {
            "en": ["get delivery updates by text message", "receive an SMS when the parcel ships",
                   "be texted the tracking status"],
            "zh": ["通过短信接收物流进度", "包裹发出时发短信通知", "用短信推送快递状态"],
        },
        "courier_live_map": {
            "en": ["follow the courier on a live map", "see where the driver is in real time",
                   "watch the van approach on the tracking page"],
            "zh": ["在地图上实时查看快递员位置", "实时看到司机到哪了", "在物流页面看配送车的实时位置"],
        },
    },
}

FRAMINGS = {
    "en": [
        "Customer asks if they can {x}.", "A customer wants to {x}.", "Is there any way to {x}?",
        "Customer would like to {x}.", "Several buyers ask us to let them {x}.", "Can we let customers {x}?",
        "Feature request: {x}.", "The customer is asking whether it's possible to {x}.", "{x}, please",
    ],
    "zh": [
        "客户问能不能{x}。", "顾客希望可以{x}。", "有没有办法{x}？", "客户想要{x}。", "好几个买家要求{x}。",
        "能否让客户{x}？", "功能需求：{x}。", "顾客询问是否可以{x}。", "客户建议{x}",
    ],
}


def family_split(family: str) -> str:
    """Fixed once: a family (all its near-miss needs) is dev or test by the hash of its name."""
    return "dev" if int(hashlib.sha256(family.encode("utf-8")).hexdigest()[:8], 16) % 2 == 0 else "test"


def generate(seed: int = 7) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    n = 0
    for family, needs in FAMILIES.items():
        for need, cores in needs.items():
            count = rng.choice([3, 4, 5, 6, 8, 10, 12, 16, 20])
            seen: set[str] = set()
            for _ in range(count * 3):
                if len([r for r in rows if r["need"] == need]) >= count:
                    break
                lang = rng.choice(["en", "zh"])
                text = rng.choice(FRAMINGS[lang]).format(x=rng.choice(cores[lang]))
                text = text[0].upper() + text[1:] if lang == "en" else text
                if text in seen:
                    continue
                seen.add(text)
                n += 1
                rows.append({"id": f"w{n:04d}", "family": family, "need": need, "lang": lang, "text": text,
                             "customer_id": f"C{rng.randrange(10**6):06d}", "split": family_split(family)})
    rng.shuffle(rows)
    return rows


def main() -> None:
    rows = generate()
    out = HERE / "requests.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    splits = {s: sum(1 for r in rows if r["split"] == s) for s in ("dev", "test")}
    print(f"{len(rows)} wordings, {len({r['need'] for r in rows})} needs -> {out} ({splits})")


if __name__ == "__main__":
    main()
