"""Build the labelled bilingual redaction set (benchmarks/data/redaction/redaction.jsonl).

Realistic support messages, Chinese and English, written as templates whose slots are filled with generated
personal data (labelled spans) or with look-alikes (order / tracking numbers, SKUs, amounts, dates, ID-like
numbers with a wrong check digit, card-like numbers failing Luhn) that must be left alone.

The split is by template, once (seeded by group name): a test text never shares its wording with a dev text.
Run: .venv/bin/python benchmarks/data/redaction/generate.py
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

OUT = Path(__file__).resolve().parent / "redaction.jsonl"
PER_TEMPLATE = 3

ZH_PII = [
    "你好，我的手机号是{PHONE}，订单一直没发货，麻烦联系我。",
    "收件人：{NAME}，电话：{PHONE}，地址：{ADDRESS}，麻烦改一下收货地址。",
    "我叫{NAME}，上周买的空气炸锅坏了，能不能退？我的邮箱是{EMAIL}。",
    "退款请退到我的银行卡{CARD}，户名{NAME}。",
    "实名认证一直失败，身份证号{ID}，姓名{NAME}，帮忙看下。",
    "快递员打不通我电话，换个号码吧：{PHONE}",
    "请把发票发到{EMAIL}，抬头写个人就行。",
    "麻烦寄到{ADDRESS}，{NAME}收，电话{PHONE}。",
    "{NAME_T}先生您好，您反映的问题我们已经登记。",
    "我是{NAME}，会员账号绑定的手机{PHONE}已经不用了，想换绑到{PHONE}。",
    "客户{NAME}来电说包裹显示签收但本人没收到，地址是{ADDRESS}。",
    "帮我查一下，身份证{ID}名下是不是有两个账户？",
    "我的信用卡{CARD}被扣了两次款，{AMOUNT}，请尽快处理！",
    "联系人{NAME}，座机{LANDLINE}，工作日白天都在。",
    "新地址：{ADDRESS}，旧地址作废。",
    "{NAME_T}女士的退货已经收到，退款会原路返回。",
    "发货前请先打{LANDLINE}确认，谢谢。",
    "邮箱{EMAIL}收不到验证码，手机{PHONE}也收不到短信。",
    "我住在{ADDRESS}，你们的快递总是放驿站不送上门。",
    "持卡人{NAME}，卡号{CARD}，这张卡能用分期吗？",
    "请联系{NAME_T}小姐，她的电话是{PHONE}。",
    "收货人写错了，应该是{NAME}，手机号码{PHONE}没错。",
    "海外手机也可以：{INTL}，我现在在国外。",
    "我爱人{NAME}帮我下的单，留的是他的邮箱{EMAIL}。",
    "本人{NAME}，身份证号码：{ID}，申请注销账号。",
    "办理开票需要的信息：{NAME}，{PHONE}，{EMAIL}。",
    "售后上门地址{ADDRESS}，联系电话{LANDLINE}。",
    "给{NAME}的订单备注一下，让快递打{PHONE}。",
    "退款到账了吗？卡号尾号那张，完整卡号是{CARD}。",
    "你们客服{NAME_T}老师说会回电，我的电话是{PHONE}，到现在没人打。",
]
ZH_PII_2 = [
    "您好，我要修改实名信息，身份证{ID}，手机{PHONE}。",
    "银行卡{CARD}绑定失败，提示信息不一致，我的身份证是{ID}。",
    "麻烦让快递员送到{ADDRESS}，到了打我电话{PHONE}。",
    "姓名：{NAME}\n电话：{PHONE}\n邮箱：{EMAIL}",
    "上次是{NAME_T}先生接待的我，他说退款会退到尾号那张卡{CARD}。",
    "证件号码{ID}，请帮我查一下保单。",
    "地址写错了，正确的是{ADDRESS}。",
    "我的工作邮箱{EMAIL}，私人邮箱{EMAIL}，两个都可以。",
    "退货寄回后请通知我，手机{PHONE}，或者座机{LANDLINE}。",
    "付款用的是{CARD}这张卡，持卡人是我本人{NAME}。",
]
ZH_LOOK_2 = [
    "身份证号好像填错了一位：{BADID}，系统一直校验不通过。",
    "订单{ORDER}用的卡号后四位是{SHORT}，金额{AMOUNT}。",
    "批次号{BADCARD}的奶粉是不是召回范围？",
    "{DATE} {TIME}下单，订单号{ORDER11}，到现在没动静。",
    "售后单号{TICKET}，换货的型号是{SKU}。",
    "优惠券{SKU}满{AMOUNT}可用吗？订单{ORDER}。",
]
EN_PII_2 = [
    "My national ID is {ID} and my phone is {INTL}.",
    "Card {CARD} was declined, billing address {ENADDR}.",
    "Name: {ENNAME}\nEmail: {EMAIL}\nPhone: {USPHONE}",
    "I'm {ENNAME}, the account holder; please don't send anything to {EMAIL} anymore.",
    "The card I used is {CARD}, please check if the refund went there.",
    "Send it to my office at {ENADDR}, attention {ENNAME}.",
    "Please call me on {INTL} rather than emailing {EMAIL}.",
    "Hi, this is Mrs. {ENLAST}, my ID card number is {ID}.",
    "Thanks for your help!\n{ENNAME}",
    "You can reach {ENFIRST} at {USPHONE} or {EMAIL}.",
]
EN_LOOK_2 = [
    "My order {ORDER} was {ENAMOUNT} and the card ending {SHORT} was charged twice.",
    "Batch number {BADCARD} is listed in the recall notice, is mine affected?",
    "I ordered on {ENDATE} at {TIME}, confirmation {ORDER11}.",
    "The ID on the form {BADID} was rejected by your system.",
    "Return {TICKET} for item {SKU} was received on {ENDATE}.",
    "Coupon {SKU} should take {ENAMOUNT} off order {ORDER}.",
]
ZH_LOOK = [
    "订单号{ORDER}到现在还没发货，都{DATE}了。",
    "运单号{TRACK}，物流三天没更新了。",
    "订单{ORDER11}实付{AMOUNT}，为什么只退了一半？",
    "货号{SKU}的尺码偏小，能换大一号吗？",
    "{DATE}下的单，金额{AMOUNT}，发票号{INVOICE}。",
    "快递单号：{TRACK}，显示已签收但我没收到。",
    "我的会员编号{BADID}查不到积分。",
    "礼品卡号{BADCARD}提示无效，面值{AMOUNT}。",
    "工单编号{TICKET}处理到哪一步了？",
    "订单号 {ORDER} 和 {ORDER} 能合并发货吗？",
    "{DATE}买的型号{SKU}，{AMOUNT}，现在降价了能保价吗？",
    "退款单号{ORDER11}，说是{DATE}到账，还没收到。",
    "编号{BADID}的申请单被驳回了，原因是什么？",
    "这个序列号{BADCARD}的耳机能保修吗？",
    "物流单{TRACK}卡在中转站，订单{ORDER}。",
    "优惠码{SKU}用不了，订单金额{AMOUNT}。",
]
EN_PII = [
    "Hi, my name is {ENNAME} and I still haven't received my package. You can reach me at {INTL}.",
    "Please send the return label to {EMAIL}. Thanks, {ENFIRST}",
    "Ship the replacement to {ENADDR}, please.",
    "I was charged twice on my card {CARD} for the same order.",
    "Mr. {ENLAST} called about the refund; his number is {INTL}.",
    "This is {ENNAME}. I changed my email to {EMAIL}, please update my account.",
    "Customer: {ENNAME}, phone {INTL}, address {ENADDR}.",
    "Can you call me back at {USPHONE}? It's about the broken blender.",
    "My new address is {ENADDR}. The old one no longer works.",
    "Ms. {ENLAST} says the delivery went to the wrong house.",
    "Refund to card number {CARD} please, the name on the card is {ENNAME}.",
    "Hello, I'm {ENNAME}, I ordered a jacket and got the wrong size. Email: {EMAIL}",
    "Please deliver to {ENADDR} and text {USPHONE} when outside.",
    "Kind regards,\n{ENNAME}",
    "Contact: {ENNAME}, {EMAIL}, {USPHONE}",
    "My Chinese mobile is {PHONE}, I'm travelling in Shanghai right now.",
    "The parcel for {ENNAME} should go to {ENADDR}.",
    "I registered with {EMAIL} but the password reset never arrives.",
    "My wife, Mrs. {ENLAST}, placed the order for me.",
    "Please verify my identity: ID number {ID}, name {ENNAME}.",
    "Is it safe to pay with my Visa {CARD}? It got declined twice.",
    "Call {INTL} between 9 and 5, ask for {ENFIRST}.",
    "Cheers, {ENFIRST}",
    "Dr. {ENLAST} needs the invoice sent to {EMAIL}.",
    "The courier keeps calling {USPHONE} but that's my old number.",
    "I'm writing on behalf of my mother; her address is {ENADDR}.",
    "Addressed to {ENNAME}, but the label says a different street.",
    "Please update the phone on my account to {INTL}, thank you.",
    "Sincerely,\n{ENNAME}\n{USPHONE}",
    "Best regards, {ENNAME}",
]
EN_LOOK = [
    "Order #{ORDER} still hasn't shipped and it's been a week since {ENDATE}.",
    "Tracking number {ENTRACK} hasn't updated in 5 days.",
    "I paid {ENAMOUNT} on {ENDATE} for order {ORDER11} and only got half the items.",
    "SKU {SKU} runs small, can I exchange it for a larger size?",
    "Invoice {INVOICE} shows {ENAMOUNT} but I was quoted less.",
    "My gift card {BADCARD} says invalid, it should have {ENAMOUNT} on it.",
    "Ticket {TICKET} was closed without a reply.",
    "Can you merge order {ORDER} and order {ORDER}?",
    "Order ID {AMZ} arrived damaged on {ENDATE}.",
    "Reference {BADID} was rejected, why?",
    "The serial number {BADCARD} is not accepted for warranty registration.",
    "Parcel {ENTRACK} shows delivered at 14:32 but nothing was at the door.",
    "I bought model {SKU} for {ENAMOUNT}, the price dropped to {ENAMOUNT} a day later.",
    "Case {TICKET}: still waiting for the refund of {ENAMOUNT}.",
    "Promo code {SKU} doesn't work on order {ORDER}.",
    "Order {ORDER11} was placed on {ENDATE}, where is it?",
]

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢") + [
    "欧阳", "司马", "诸葛"]
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰红建国志文斌辉鹏宇浩然欣怡子涵梓轩晨雨婷佳琪俊杰思远")
FIRST = ["Emily", "James", "Olivia", "Michael", "Sophia", "David", "Emma", "Daniel", "Grace", "Robert", "Chloe",
         "William", "Hannah", "Thomas", "Laura", "Kevin", "Rachel", "Brian", "Megan", "Anthony", "Priya", "Carlos"]
LAST = ["Carter", "Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis", "Wilson", "Anderson",
        "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "O'Brien", "Nguyen",
        "Patel", "Kowalski"]
PROVINCES = [("广东省", ["深圳市", "广州市", "佛山市"], ["南山区", "福田区", "天河区", "顺德区"]),
             ("浙江省", ["杭州市", "宁波市"], ["西湖区", "余杭区", "鄞州区"]),
             ("江苏省", ["南京市", "苏州市"], ["鼓楼区", "工业园区", "姑苏区"]),
             ("", ["北京市"], ["朝阳区", "海淀区", "东城区"]), ("", ["上海市"], ["浦东新区", "徐汇区", "静安区"]),
             ("四川省", ["成都市"], ["武侯区", "高新区", "锦江区"]), ("湖北省", ["武汉市"], ["洪山区", "江汉区"])]
ROADS = ["科苑路", "建国路", "中山路", "人民路", "文三路", "解放大道", "南京西路", "天府大道", "长江路", "学院路",
         "滨江大道", "和平街", "新华路", "东风路"]
ESTATES = ["阳光花园", "碧桂园", "万科城", "金地小区", "翠苑", "星河湾", "龙湖天街", "华润城"]
STREETS = ["Maple", "Oak", "Baker", "High", "Elm", "Sunset", "Park", "Washington", "Church", "Cedar", "Lake"]
STREET_TYPES = ["Street", "St", "Avenue", "Ave", "Road", "Rd", "Lane", "Drive", "Blvd", "Way", "Court"]
CITIES = [("San Francisco", "CA", "941"), ("Seattle", "WA", "981"), ("Austin", "TX", "787"), ("Boston", "MA", "021"),
          ("Chicago", "IL", "606"), ("Portland", "OR", "972"), ("Denver", "CO", "802")]
UK = [("London", "NW1 6XE"), ("Manchester", "M1 1AE"), ("Leeds", "LS1 4AP"), ("Bristol", "BS1 5TR")]
US_AREAS = ["212", "415", "646", "312", "617", "206", "503", "713", "305", "404"]
ID_REGIONS = ["110105", "310104", "440305", "330106", "510107", "420111", "320102", "370202"]
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, _W)) % 11]


def luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    for check in "0123456789":
        digits = body + check
        total = 0
        for i, ch in enumerate(reversed(digits)):
            d = int(ch)
            if i % 2:
                d = d * 2 - 9 if d > 4 else d * 2
            total += d
        if total % 10 == 0:
            return digits
    raise AssertionError


def digits(n: int, rng: random.Random, first: str = "123456789") -> str:
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(n - 1))


def cn_mobile(rng: random.Random) -> str:
    d = rng.choice(["13", "15", "17", "18", "19"]) + digits(9, rng, "0123456789")
    fmt = rng.choice(["plain", "plain", "space", "dash", "+86", "+86dash", "(+86)"])
    grouped = f"{d[:3]} {d[3:7]} {d[7:]}"
    return {"plain": d, "space": grouped, "dash": grouped.replace(" ", "-"), "+86": f"+86 {d}",
            "+86dash": "+86-" + grouped.replace(" ", "-"), "(+86)": f"(+86){d}"}[fmt]


def cn_landline(rng: random.Random) -> str:
    area = rng.choice(["010", "021", "0755", "0571", "020", "028"])
    num = digits(8 if len(area) == 3 else 7, rng, "2345678")
    fmt = rng.choice(["dash", "paren", "space", "ext"])
    if fmt == "dash":
        return f"{area}-{num}"
    if fmt == "paren":
        return f"({area}){num}"
    if fmt == "space":
        return f"{area} {num[:4]} {num[4:]}"
    return f"{area}-{num}转{rng.randint(100, 899)}"


def us_phone(rng: random.Random) -> str:
    a, b, c = rng.choice(US_AREAS), digits(3, rng, "23456789"), digits(4, rng, "0123456789")
    return rng.choice([f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"+1 {a} {b} {c}", f"+1-{a}-{b}-{c}"])


def intl_phone(rng: random.Random) -> str:
    return rng.choice([
        lambda: us_phone(rng), lambda: f"+44 20 7{digits(3, rng, '0123456789')} {digits(4, rng, '0123456789')}",
        lambda: f"+44 7700 9{digits(5, rng, '0123456789')}", lambda: f"+49 30 {digits(8, rng, '23456789')}",
        lambda: f"+81 3-{digits(4, rng, '23456789')}-{digits(4, rng, '0123456789')}",
        lambda: f"+65 6{digits(3, rng, '0123456789')} {digits(4, rng, '0123456789')}",
        lambda: f"+852 2{digits(3, rng, '0123456789')} {digits(4, rng, '0123456789')}",
        lambda: "+86 " + re.sub(r"\D", "", cn_mobile(rng))[-11:],
    ])()


def email(rng: random.Random) -> str:
    user = rng.choice(["zhang.wei", "lily_chen", "mike.t", "wang2019", "emily.carter+shop", "jun.li88", "service.user",
                       "amy-wu", "t.nguyen", "qiqi1225", "robert.b"])
    dom = rng.choice(["qq.com", "163.com", "gmail.com", "outlook.com", "example.co.uk", "company.com.cn", "126.com",
                      "yahoo.com", "icloud.com"])
    return f"{user}@{dom}"


def resident_id(rng: random.Random, valid: bool = True) -> str:
    first = rng.choice(ID_REGIONS) + f"{rng.randint(1960, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first += digits(3, rng, "0123456789")
    check = id_check(first)
    if not valid:
        check = rng.choice([c for c in "0123456789X" if c != check])
    full = first + check
    return full if valid and rng.random() < 0.8 else (f"{full[:6]} {full[6:14]} {full[14:]}" if valid else full)


def card(rng: random.Random) -> str:
    prefix, length = rng.choice([("622202", 19), ("621700", 19), ("622848", 19), ("4", 16), ("51", 16), ("62", 16),
                                 ("37", 15)])
    d = luhn_complete(prefix, length, rng)
    fmt = rng.choice(["plain", "space", "dash"])
    if fmt == "plain":
        return d
    groups = [d[i:i + 4] for i in range(0, len(d), 4)] if length != 15 else [d[:4], d[4:10], d[10:]]
    return (" " if fmt == "space" else "-").join(groups)


def bad_card(rng: random.Random) -> str:
    while True:
        d = digits(16, rng, "3456")
        if not luhn_complete(d[:-1], 16, rng) == d:
            return d


def zh_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))


def zh_address(rng: random.Random) -> str:
    prov, cities, dists = rng.choice(PROVINCES)
    head = (prov if rng.random() < 0.7 else "") + rng.choice(cities) + rng.choice(dists)
    if rng.random() < 0.6:
        tail = f"{rng.choice(ROADS)}{rng.randint(1, 999)}号"
        if rng.random() < 0.5:
            tail += f"{rng.choice(ESTATES)}{rng.randint(1, 30)}栋{rng.randint(1, 30)}{rng.randint(1, 4):02d}室"
    else:
        tail = f"{rng.choice(ESTATES)}{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(1, 30)}{rng.randint(1, 4):02d}"
    return head + tail


def en_address(rng: random.Random) -> str:
    if rng.random() < 0.25:
        city, post = rng.choice(UK)
        flat = f"Flat {rng.randint(1, 20)}, " if rng.random() < 0.5 else ""
        return f"{flat}{rng.randint(1, 250)} {rng.choice(STREETS)} {rng.choice(['Street', 'Road', 'Lane'])}, {city} {post}"
    city, st, z = rng.choice(CITIES)
    apt = rng.choice(["", f", Apt {rng.randint(1, 40)}{rng.choice('ABC')}", f" Suite {rng.randint(100, 900)}"])
    return f"{rng.randint(10, 9999)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}{apt}, {city}, {st} {z}{rng.randint(10, 99)}"


def fill(slot: str, rng: random.Random) -> tuple[str, str | None]:
    """(value, entity type or None for a look-alike)."""
    gens = {
        "PHONE": (cn_mobile, "PHONE"), "LANDLINE": (cn_landline, "PHONE"), "INTL": (intl_phone, "PHONE"),
        "USPHONE": (us_phone, "PHONE"), "EMAIL": (email, "EMAIL"), "ID": (resident_id, "ID"), "CARD": (card, "CARD"),
        "NAME": (zh_name, "NAME"), "NAME_T": (lambda r: r.choice([r.choice(SURNAMES), zh_name(r)]), "NAME"),
        "ADDRESS": (zh_address, "ADDRESS"), "ENADDR": (en_address, "ADDRESS"),
        "ENNAME": (lambda r: f"{r.choice(FIRST)} {r.choice(LAST)}", "NAME"), "ENFIRST": (lambda r: r.choice(FIRST), "NAME"),
        "ENLAST": (lambda r: r.choice(LAST), "NAME"),
        "ORDER": (lambda r: r.choice([digits(r.choice([12, 15, 16, 18, 19]), r), digits(10, r)]), None),
        "ORDER11": (lambda r: "1" + r.choice("3589") + digits(9, r, "0123456789"), None),
        "TRACK": (lambda r: r.choice(["SF" + digits(12, r), "YT" + digits(13, r), "JD" + digits(13, r, "0"),
                                      "75" + digits(12, r, "0123456789"), "4" + digits(12, r, "0123456789")]), None),
        "ENTRACK": (lambda r: r.choice(["1Z" + "".join(r.choice("0123456789ABCDEFGHJK") for _ in range(16)),
                                        "9400 1000 0000 " + " ".join(digits(4, r) for _ in range(2)) + " " + digits(2, r),
                                        digits(12, r)]), None),
        "AMOUNT": (lambda r: r.choice([f"¥{r.randint(10, 9999):,}.00", f"{r.randint(10, 9999)}元", f"￥{r.randint(10, 99999)}"]), None),
        "ENAMOUNT": (lambda r: r.choice([f"${r.randint(5, 3000):,}.{r.randint(0, 99):02d}", f"USD {r.randint(5, 3000):,}",
                                         f"£{r.randint(5, 900)}"]), None),
        "DATE": (lambda r: r.choice([f"2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
                                     f"2024年{r.randint(1, 12)}月{r.randint(1, 28)}日", f"{r.randint(1, 12)}月{r.randint(1, 28)}号"]), None),
        "ENDATE": (lambda r: r.choice([f"{r.randint(1, 12):02d}/{r.randint(1, 28):02d}/2024", f"2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
                                       f"{r.randint(1, 28)} {r.choice(['May', 'June', 'March'])} 2024"]), None),
        "SKU": (lambda r: r.choice([f"SKU-{digits(5, r)}-BLK", f"A{digits(2, r)}B{digits(3, r)}", f"XR-{digits(4, r)}"]), None),
        "INVOICE": (lambda r: r.choice(["INV-" + digits(8, r), digits(20, r)]), None),
        "TICKET": (lambda r: r.choice(["CS-" + digits(6, r), "#" + digits(7, r), digits(8, r)]), None),
        "BADID": (lambda r: resident_id(r, valid=False), None), "BADCARD": (bad_card, None),
        "AMZ": (lambda r: f"112-{digits(7, r)}-{digits(7, r)}", None),
        "SHORT": (lambda r: digits(4, r, "0123456789"), None),
        "TIME": (lambda r: f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}", None),
    }
    gen, type_ = gens[slot]
    return gen(rng), type_


def render(template: str, rng: random.Random) -> tuple[str, list[dict[str, object]]]:
    out, entities, pos = "", [], 0
    for m in re.finditer(r"\{([A-Z0-9_]+)\}", template):
        out += template[pos:m.start()]
        value, type_ = fill(m.group(1), rng)
        if type_ is not None:
            entities.append({"start": len(out), "end": len(out) + len(value), "type": type_})
        out += value
        pos = m.end()
    return out + template[pos:], entities


def main() -> None:
    rng = random.Random(7)
    groups = [("zh", False, ZH_PII, ZH_PII_2), ("zh", True, ZH_LOOK, ZH_LOOK_2), ("en", False, EN_PII, EN_PII_2),
              ("en", True, EN_LOOK, EN_LOOK_2)]
    rows = []
    for lang, look, first, second in groups:
        # Split once, by template, per group and batch (the second batch was added to put every type in both
        # splits); the seeds name the group, so the split does not move when values are regenerated.
        test_ids: set[int] = set()
        for offset, batch in ((0, first), (len(first), second)):
            order = list(range(len(batch)))
            random.Random(f"{lang}-{look}-{offset}").shuffle(order)
            test_ids |= {offset + i for i in order[: len(order) // 2]}
        templates = first + second
        for t_index, template in enumerate(templates):
            for k in range(PER_TEMPLATE):
                text, ents = render(template, rng)
                kind = "lookalike" if look else "pii"
                rows.append({"id": f"{lang}-{kind}-{t_index:02d}-{k}", "lang": lang, "kind": kind,
                             "split": "test" if t_index in test_ids else "dev", "text": text, "entities": ents})
    with OUT.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} texts -> {OUT}")


if __name__ == "__main__":
    main()
