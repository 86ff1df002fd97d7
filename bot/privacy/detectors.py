"""Detectors of personal data in Chinese and English support messages.

Each detector returns `(start, end, type)` spans in the original text. Numbers are validated where a
check exists (resident ID check digit, Luhn for bank cards, libphonenumber for international phones) and
numbers introduced as an order / tracking / invoice / SKU number are left alone, so look-alikes are not
touched. Names and addresses are found from their context (姓名/先生/女士, "my name is", Mr/Ms, provinces,
road + number, street number + street type).
"""

from __future__ import annotations

import re
from typing import Iterator

import phonenumbers

Span = tuple[int, int, str]

TYPES = ("PHONE", "EMAIL", "ID", "CARD", "NAME", "ADDRESS")

# --- context words ---------------------------------------------------------------------------------------
# Words that introduce a number that is NOT personal data (order, tracking, invoice, SKU...).
_LOOKALIKE_CONTEXT = re.compile(
    r"(订单|单号|运单|快递|物流|工单|编号|流水|发票|货号|型号|批次|券码|兑换码|优惠码|礼品卡|序列号|sn|sku|"
    r"order|tracking|track|parcel|shipment|ticket|invoice|ref|reference|case|item|model|serial|"
    r"coupon|voucher|gift\s*card|promo|transaction|txn|po|rma|awb|confirmation|conf|batch|lot)\W{0,3}(?:no\.?|number|num|#|号|码|id)?"
    r"[\s:：#是为=]*$",
    re.I,
)
_PHONE_CONTEXT = re.compile(r"(电话|手机|联系|致电|打给|来电|号码|tel|phone|mobile|cell|call|text|whatsapp|contact)", re.I)
_CARD_CONTEXT = re.compile(r"(卡号|银行卡|信用卡|储蓄卡|借记卡|card|visa|master|unionpay|银联|账户|account)", re.I)

# --- email -----------------------------------------------------------------------------------------------
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# --- Chinese resident ID (18 digits, last may be X) ------------------------------------------------------
_ID18 = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})[ -]?((?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))"
                   r"[ -]?(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# --- bank cards: 13-19 digits, optionally grouped ------------------------------------------------------
_CARD = re.compile(r"(?<![0-9A-Za-z])(?:\d[ -]?){12,18}\d(?![0-9A-Za-z])")

# --- phones ----------------------------------------------------------------------------------------------
_CN_MOBILE = re.compile(
    r"(?<![0-9A-Za-z+])(?:(?:\(?(?:\+|00)\s?86\)?)[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?![0-9A-Za-z])"
)
_CN_LANDLINE = re.compile(
    r"(?<![0-9A-Za-z])(?:(?:\+|00)\s?86[\s-]?)?(?:\(0\d{2,3}\)\s?|0\d{2,3}[\s-])[2-9]\d{2,3}[\s-]?\d{4}"
    r"(?:\s?(?:转|ext\.?|x)\s?\d{1,5})?(?![0-9A-Za-z])",
    re.I,
)

# --- Chinese names ---------------------------------------------------------------------------------------
_SURNAMES_2 = "欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|宇文|司徒|夏侯|令狐|端木|南宫"
_SURNAMES_1 = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_SURNAME = f"(?:{_SURNAMES_2}|[{_SURNAMES_1}])"
# Characters that end a given name rather than belong to it (particles, verbs, pronouns, punctuation).
_NOT_GIVEN = set("的了在是和吗呢啊吧呀哦么我你他她它们要想说就也都还买到退换寄送收发给把被让请帮订单号电话手机地址"
                 "先女士姐经理去过这那有没不很太又再已从跟与及或对向为以里，。,.!！?？：: ")
_ZH_NAME_INTRO = re.compile(
    rf"(?:姓名|名字|真名|联系人|收件人|收货人|寄件人|持卡人|户名|我叫|我是|本人是?|称呼)[\s:：是为叫]*"
    rf"({_SURNAME}[\u4e00-\u9fff]{{1,2}})"
)
_ZH_NAME_TITLE = re.compile(rf"({_SURNAME}[\u4e00-\u9fff]{{0,2}}?)(?:先生|女士|小姐|太太|老师|同学|阿姨|师傅)")
_ZH_NAME_BESIDE_CONTACT = re.compile(  # a bare name listed next to a phone number or an email
    rf"(?:^|(?<=[：:，,、\s]))({_SURNAME}[\u4e00-\u9fff]{{1,2}})(?=[，,、\s]+(?:\+|\(|1[3-9]\d|0\d|[\w.+-]+@))"
)
_ZH_NAME_CONTEXT = re.compile(
    rf"(?:客户|顾客|用户|会员|买家|帮|替|给|让|和|跟|通知|转告)({_SURNAME}[\u4e00-\u9fff]{{1,2}})"
    rf"(?=的(?:订单|包裹|快递|账户|账号|会员|退款)|来电|反馈|投诉|说|反映|打电话|留言|本人|签收|收货|[（(，,：:])"
)

# --- English names ---------------------------------------------------------------------------------------
_CAP = r"[A-Z]['’]?[A-Za-z]*[a-z](?:-[A-Z][a-z]+)?"
_EN_NAME_INTRO = re.compile(
    rf"(?:\b(?:[Mm]y (?:full )?name is|[Nn]ame(?: on the (?:order|account|card|parcel|package))?(?:\s+is|\s*[:：-])?|[Tt]his is|"
    rf"I am|I'm|[Ss]igned|[Aa]ddressed to|[Rr]ecipient\s*[:：]?|[Cc]ustomer\s*[:：]|[Cc]ardholder\s*[:：]?|"
    rf"[Cc]ontact\s*[:：])\s+)({_CAP}(?:\s+(?:[A-Z]\.\s*)?{_CAP}){{0,2}})"
)
_EN_NAME_AFTER = re.compile(  # a full name (two capitalised words) after "for", "to", "from", "ask for"...
    rf"\b(?:for|to|from|by|with|ask for|behalf of|named|called|attention|attn\.?|c/o)\s+({_CAP}\s+{_CAP})\b"
)
_EN_NAME_REACH = re.compile(  # "reach Hannah at ...", "ask for Laura", "call James on ..."
    rf"\b(?:reach|ask for|contact|call|email|text|speak to|talk to)\s+({_CAP}(?:\s+{_CAP})?)(?=\s+(?:at|on|via)\b|\s*[.,;!]|$)"
)
_EN_NAME_TITLE = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+({_CAP}(?:\s+{_CAP})?)")
_EN_SIGNOFF = re.compile(
    rf"(?:^|\n|[.!?]\s+)(?:[Tt]hanks|[Tt]hank you|[Rr]egards|[Bb]est regards|[Bb]est|[Cc]heers|[Ss]incerely|"
    rf"[Kk]ind regards|[Yy]ours)[,!.]?\s*(?:\n\s*|-+\s*|—\s*)?({_CAP}(?:\s+{_CAP})?)\s*[.!]?\s*$"
)
_EN_NOT_NAMES = {
    "I", "The", "This", "That", "It", "We", "You", "Order", "Please", "Thanks", "Hello", "Hi", "Dear", "Yes", "No",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December", "Still", "Not",
    "Very", "So", "Really", "Just", "Writing", "Calling", "Contacting", "Here", "Going", "Trying", "Waiting",
    "Sorry", "Happy", "Unhappy", "Angry", "Upset", "Your", "Our", "Customer", "Support", "Team", "Service",
}

_ORG_WORDS = {"Support", "Team", "Service", "Services", "Store", "Shop", "Company", "Inc", "Ltd", "LLC", "Department",
              "Desk", "Center", "Centre", "Bank", "Group", "Care", "Pay", "Express", "Logistics"}

# --- addresses ---------------------------------------------------------------------------------------------
_PROVINCES = (
    "北京|上海|天津|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|"
    "云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门"
)
_STOP_PLACE = "我你他她它在是的了住寄送到发改把给请帮要从址为说讲问告诉叫先生女士姐电话码就也还：:，,。；;！!？?、 \n"
_PC = rf"(?:(?![{_STOP_PLACE}])[\u4e00-\u9fff])"  # a character that may belong to a place name
_NUM = r"[0-9０-９一二三四五六七八九十百零〇]+"
_ZH_ADDR = re.compile(
    rf"(?:(?:{_PROVINCES})(?:省|市|自治区|特别行政区)?|{_PC}{{2,3}}省)?"
    rf"(?:{_PC}{{1,4}}?(?:市|州|盟))?"
    rf"(?:{_PC}{{1,5}}?(?:区|县|旗))?"
    rf"(?:{_PC}{{1,5}}?(?:镇|乡|街道))?"
    rf"(?:{_PC}{{1,8}}?(?:路|街|大道|大街|巷|弄|胡同|里)\s?(?:{_NUM}\s?(?:号|弄|巷)|{_NUM}-{_NUM}\s?号?)"
    rf"|{_PC}{{2,8}}?(?:小区|花园|公寓|大厦|广场|新村|家园|中心|苑|园|城|湾|府|庭|居|坊|村)(?={_NUM}\s?(?:号楼|栋|幢|座|单元|号|期)))"
    rf"(?:\s?[A-Za-z\u4e00-\u9fff]{{0,8}}?\s?(?:{_NUM}|[A-Z])\s?(?:号楼|栋|幢|座|单元|楼|层|室|号|户|期|区))*"
    rf"(?:\s?{_NUM}(?:-{_NUM})?\s?(?:室|房|户)?)?"
)
_ZH_ADDR_ADMIN = re.compile(  # province/city + district + something more, without a road number
    rf"(?:{_PROVINCES})(?:省|市|自治区)?(?:{_PC}{{1,4}}?(?:市|州))?{_PC}{{1,5}}?(?:区|县)"
    rf"{_PC}{{1,8}}?(?:镇|乡|街道|村|小区|花园|大厦)(?:{_NUM}\s?(?:号楼|栋|幢|单元|号|室|组))*"
)
_STREET_TYPES = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Close|"
    r"Crescent|Parkway|Pkwy|Highway|Hwy|Square|Sq|Circle|Cir|Trail|Row|Walk|Mews|Gardens"
)
_EN_ADDR = re.compile(
    rf"(?:\b(?:Apt|Apartment|Suite|Unit|Flat|Room)\.?\s*#?\s*[\w-]+,?\s+)?"
    rf"\b\d{{1,5}}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:[A-Z][a-z]+\.?\s+){{1,3}}(?:{_STREET_TYPES})\b\.?"
    rf"(?:\s+(?:NW|NE|SW|SE|N|S|E|W)\b)?"
    rf"(?:,?\s*(?:Apt|Apartment|Suite|Unit|Flat|Room|#)\.?\s*#?\s*[\w-]+)?"
    rf"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?"
    rf"(?:,?\s*(?:[A-Z]{{2}}\s+\d{{5}}(?:-\d{{4}})?|[A-Z]{{1,2}}\d[A-Z\d]?\s*\d[A-Z]{{2}}))?"
)


# --- validators --------------------------------------------------------------------------------------------

def valid_resident_id(digits: str) -> bool:
    """An 18-character Chinese resident ID with a correct ISO 7064 check character."""
    if len(digits) != 18 or not digits[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == digits[17].upper()


def luhn_ok(digits: str) -> bool:
    total, double = 0, False
    for ch in reversed(digits):
        d = int(ch)
        if double:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
        double = not double
    return total % 10 == 0


def _preceded_by(text: str, start: int, pattern: re.Pattern[str], window: int = 16) -> bool:
    return bool(pattern.search(text[max(0, start - window):start]))


def _inside_digit_run(text: str, start: int, end: int) -> bool:
    """Part of a longer run of digit groups (a 22-digit tracking number written 4 by 4)."""
    return bool(re.search(r"\d[ -]$", text[max(0, start - 2):start]) or re.match(r"[ -]\d", text[end:end + 2]))


def _lookalike(text: str, start: int) -> bool:
    """The number at `start` is introduced as an order / tracking / invoice... number."""
    return _preceded_by(text, start, _LOOKALIKE_CONTEXT)


# --- detectors ----------------------------------------------------------------------------------------------

def find_emails(text: str) -> Iterator[Span]:
    for m in _EMAIL.finditer(text):
        yield m.start(), m.end(), "EMAIL"


def find_ids(text: str) -> Iterator[Span]:
    for m in _ID18.finditer(text):
        if valid_resident_id("".join(m.groups())):
            yield m.start(), m.end(), "ID"


def find_cards(text: str) -> Iterator[Span]:
    for m in _CARD.finditer(text):
        raw = m.group(0)
        digits = re.sub(r"\D", "", raw)
        if not 13 <= len(digits) <= 19 or digits[0] not in "3456" or not luhn_ok(digits):
            continue
        if len(digits) == 18 and valid_resident_id(digits):
            continue  # an ID number, found by find_ids
        if _lookalike(text, m.start()) and not _preceded_by(text, m.start(), _CARD_CONTEXT, 8):
            continue
        if " " in raw.strip() or "-" in raw:  # grouped digits must be grouped like a card (4-4-4-4, 4-6-5)
            groups = [len(g) for g in re.split(r"[ -]", raw.strip())]
            if len(groups) > 1 and not all(2 <= g <= 6 for g in groups):
                continue
        yield m.start(), m.end(), "CARD"


def find_phones(text: str) -> Iterator[Span]:
    for pattern in (_CN_MOBILE, _CN_LANDLINE):
        for m in pattern.finditer(text):
            if _lookalike(text, m.start()) or _inside_digit_run(text, m.start(), m.end()):
                continue
            yield m.start(), m.end(), "PHONE"
    if not re.search(r"\+\s?\d|\(\d{3}\)|\d{3}[-. ]\d{3}[-. ]\d{4}|\d{2,5}[ -]\d{3,4}[ -]\d{3,4}", text):
        return
    for match in phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.POSSIBLE):
        raw = match.raw_string
        if not raw.startswith("+") and not phonenumbers.is_valid_number(match.number):
            continue  # an international "+" prefix is signal enough; other numbers must be valid
        digits = re.sub(r"\D", "", raw)
        if not raw.lstrip("(").startswith("+") and raw == digits:  # an ungrouped digit run: too ambiguous
            if not _preceded_by(text, match.start, _PHONE_CONTEXT, 24):
                continue
        if _lookalike(text, match.start) or _inside_digit_run(text, match.start, match.end):
            continue
        yield match.start, match.end, "PHONE"


def _trim_given(name: str, surname_len: int) -> str:
    end = surname_len
    while end < len(name) and name[end] not in _NOT_GIVEN:
        end += 1
    return name[:end]


def _surname_len(name: str) -> int:
    return 2 if re.match(f"(?:{_SURNAMES_2})", name) else 1


def find_names(text: str) -> Iterator[Span]:
    for pattern in (_ZH_NAME_INTRO, _ZH_NAME_CONTEXT, _ZH_NAME_BESIDE_CONTACT):
        for m in pattern.finditer(text):
            name = _trim_given(m.group(1), _surname_len(m.group(1)))
            if len(name) > _surname_len(name):
                yield m.start(1), m.start(1) + len(name), "NAME"
    for m in _ZH_NAME_TITLE.finditer(text):
        name = m.group(1)
        before = text[max(0, m.start(1) - 1):m.start(1)]
        if before and re.match(r"[\u4e00-\u9fff]", before) and before not in "叫是姓给位和跟与找请由系知诉谢烦让替帮问":
            # inside a word (好张先生?): only accept the bare surname right before the title
            if len(name) > 1:
                continue
        trimmed = _trim_given(name, _surname_len(name)) if len(name) > _surname_len(name) else name
        yield m.start(1), m.start(1) + len(trimmed), "NAME"
    for pattern in (_EN_NAME_INTRO, _EN_NAME_TITLE, _EN_SIGNOFF, _EN_NAME_AFTER, _EN_NAME_REACH):
        for m in pattern.finditer(text):
            words = list(re.finditer(r"\S+", m.group(1)))
            if any(w.group(0) in _ORG_WORDS for w in words):
                continue  # "This is Apple Support": an organisation, not a person
            while words and words[-1].group(0) in _EN_NOT_NAMES:
                words.pop()
            if not words or words[0].group(0) in _EN_NOT_NAMES:
                continue
            yield m.start(1), m.start(1) + words[-1].end(), "NAME"


def find_addresses(text: str) -> Iterator[Span]:
    for pattern in (_ZH_ADDR, _ZH_ADDR_ADMIN, _EN_ADDR):
        for m in pattern.finditer(text):
            value = m.group(0).rstrip(" ,")
            if len(value.strip()) < 5:
                continue
            if pattern is _EN_ADDR and _lookalike(text, m.start()):
                continue
            yield m.start(), m.start() + len(value), "ADDRESS"


DETECTORS = {
    "EMAIL": find_emails,
    "ID": find_ids,
    "CARD": find_cards,
    "PHONE": find_phones,
    "NAME": find_names,
    "ADDRESS": find_addresses,
}
# When spans overlap, the earlier type in this order wins (an ID is not also a card or a phone).
PRIORITY = ("EMAIL", "ID", "CARD", "ADDRESS", "PHONE", "NAME")
