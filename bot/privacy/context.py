"""What a number is introduced as: the nearest keyword before it in the same clause.

A number introduced as an order / tracking / invoice / SKU / coupon / serial number (or an amount) is a
look-alike, not personal data; one introduced as a phone, card or ID is personal data. The nearest keyword
wins ("订单号 ... 联系电话 138..." is a phone; "gift card 6035 ..." is a gift card, not a bank card), and only
filler words may stand between the keyword and the number ("reservation number is 8812 ...", "售后单号：4300 ...").
"""

from __future__ import annotations

import re

# Things that carry a number that is NOT personal data. Longer phrases first: "电话卡" (a SIM card) and
# "gift card" are look-alike keywords even though they contain a phone / card word.
_LOOK_ZH = (
    r"电话卡|流量卡|上网卡|sim卡|礼品卡|购物卡|储值卡|充值卡|会员卡|积分卡|提货卡|加油卡|交通卡|公交卡|门禁卡|"
    r"订单|单号|运单|快递|物流|包裹|工单|编号|流水|发票|货号|型号|款号|批次|批号|券码|券号|优惠券|兑换码|优惠码|"
    r"激活码|卡密|序列号|串号|条码|条形码|商品码|商品编码|商品id|宝贝id|会员号|会员id|积分|合同|保单|预约号|排队号|"
    r"取件码|提货码|取餐号|柜号|格口|房号|座位|车次|航班|车牌|发货单|退货单|退款单|售后单|服务单|维修单|报修单|"
    r"申请单|采购单|出库单|入库单|对账单|账单|凭证|回执|追踪号|跟踪号|物流号|快递号|版本|固件|案件|编码"
)
_LOOK_EN = (
    r"gift\s*card|store\s*card|loyalty\s*card|member(?:ship)?\s*card|rewards?\s*card|sim\s*card|phone\s*card|"
    r"key\s*card|id\s*card\s*reader|order|tracking|track|parcel|package|pkg|shipment|shipping|consignment|waybill|"
    r"delivery|ticket|invoice|inv|receipt|bill|statement|ref|reference|case|claim|item|model|part|serial|s/n|sn|"
    r"sku|upc|ean|isbn|asin|imei|meid|iccid|mac|lot|batch|coupon|voucher|promo|discount|redeem|redemption|"
    r"transaction|txn|payment\s*id|po|purchase|rma|return|awb|confirmation|conf|booking|reservation|pnr|"
    r"flight|train|seat|room|member(?:ship)?|account\s*id|customer\s*id|user\s*id|loyalty|points|"
    r"license|licence|product\s*key|activation|version|firmware|build|code|pin|otp|container|pallet|"
    r"store|branch|warehouse|locker|pickup|pick-up|stock|style|catalog(?:ue)?|plate|vin|policy|contract"
)
# Amounts: only a look-alike for phone-shaped numbers (a card number is not an amount).
_AMOUNT = (r"¥|￥|\$|€|£|usd|rmb|cny|eur|hkd|gbp|jpy|krw|金额|价格|价钱|总价|合计|共计|实付|付款|支付了?|扣了|扣款|"
           r"退了|到账|余额|差价|运费|price|amount|total|cost|paid|pay|charged?|refund(?:ed)?|balance|fee|sum|"
           r"subtotal|deposit")
# Things that carry personal data.
_PII = (r"电话|手机|联系方式|致电|打给|来电|座机|微信|whatsapp|tel|phone|mobile|cell|call|text\s+me|fax|landline|"
        r"卡号|银行卡|信用卡|储蓄卡|借记卡|工资卡|银联|card|visa|mastercard|amex|unionpay|身份证|证件|passport")

_KEYWORDS = re.compile(
    rf"(?P<look>{_LOOK_ZH}|(?<![A-Za-z])(?:{_LOOK_EN})(?![a-z]))"
    rf"|(?P<amount>(?<![A-Za-z])(?:{_AMOUNT})(?![a-z]))"
    rf"|(?P<pii>(?<![A-Za-z])(?:{_PII}))",
    re.I,
)
# What may stand between a keyword and its number.
_FILLER = re.compile(
    r"(?:[\s:：#＃=()（）\[\]【】.\-—~'\"“”]|no|nos|nr|num|number|numbers|code|id|is|was|are|of|for|my|your|the|a|an|"
    r"[,，]\s*(?:it['’]s|it is|which is)|"  # "order number, it's 7781-..."
    r"this|that|its|our|new|old|following|below|above|here|号码?|码|号|编号|单|是|为|的|我的|你们的|这个|这张|"
    r"那个|一下|id号?)*",
    re.I,
)
_WINDOW = 36


def _keyword_before(text: str, start: int) -> re.Match[str] | None:
    """The last keyword before `start` in its clause, if only filler words lie between it and `start`."""
    window = text[max(0, start - _WINDOW):start]
    cut = 0
    for m in re.finditer(r"[。！？!?；;\n]", window):
        cut = m.end()
    window = window[cut:]
    last = None
    for m in _KEYWORDS.finditer(window):
        last = m
    if last is None:
        return None
    gap = window[last.end():]
    return last if _FILLER.fullmatch(gap) else None


def introduced_as(text: str, start: int) -> str | None:
    """"look", "amount", "pii" or None: what the nearest keyword before `start` says the number is."""
    m = _keyword_before(text, start)
    return m.lastgroup if m is not None else None


_PHONE_WORD = re.compile(r"电话|手机|致电|打给|来电|座机|微信|whatsapp|tel|phone|mobile|cell|call|text|fax|landline", re.I)


def introduced_as_phone(text: str, start: int) -> bool:
    """The nearest keyword before `start` is a phone word ("WhatsApp 91234567", "手机：13812345678")."""
    m = _keyword_before(text, start)
    return m is not None and m.lastgroup == "pii" and bool(_PHONE_WORD.search(m.group(0)))


def lookalike(text: str, start: int, amounts: bool = True) -> bool:
    """The number at `start` is introduced as an order / tracking / invoice ... number (or as an amount)."""
    kind = introduced_as(text, start)
    return kind == "look" or (amounts and kind == "amount")


_UNIT_AFTER = re.compile(
    r"\s?(?:元|块|角|毛|美元|欧元|英镑|港币|日元|韩元|人民币|万|千|件|个|台|箱|瓶|罐|包|袋|盒|双|套|次|天|小时|分钟|秒|"
    r"公斤|千克|克|斤|吨|米|厘米|毫米|公里|度|%|％|kg|g|lbs?|oz|cm|mm|km|m|ml|l|mah|gb|tb|mb|w|kw|v|hz|"
    r"dollars?|euros?|pounds?|yuan|rmb|usd|cny|eur|gbp|hkd|won|yen|pcs|pieces|units|items|points|pts|"
    r"miles|km|days|hours|mins?|minutes|seconds|secs)(?![A-Za-z])",
    re.I,
)


def unit_after(text: str, end: int) -> bool:
    """A currency or a unit right after the number: an amount or a quantity, not a phone."""
    return bool(_UNIT_AFTER.match(text, end))
