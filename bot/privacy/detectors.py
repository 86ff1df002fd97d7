"""Detectors of personal data in Chinese and English support messages.

Each detector returns `(start, end, type)` spans in the original text. Numbers are validated where a
check exists (resident ID check digit, Luhn for bank cards, libphonenumber for international phones) and
numbers introduced as an order / tracking / invoice / SKU number are left alone, so look-alikes are not
touched; phones in any national format are checked with libphonenumber for the common regions, or accepted
when introduced as a phone / alone on a signature line. Addresses are found from their shape (provinces, road +
number, building / unit suffixes; street number + street type, or a leading street type as in "Rue du Bac",
postcodes); names come from bot/privacy/names.py.
"""

from __future__ import annotations

import re
from typing import Iterator

import phonenumbers

from bot.privacy.names import find_names

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
_PHONE_CONTEXT = re.compile(r"(电话|手机|联系|致电|打给|来电|号码|座机|微信|tel|phone|mobile|cell|call|text|whatsapp|"
                            r"contact|reach|number|ring|fax|landline)", re.I)
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
_CN_MOBILE = re.compile(  # 139 1234 5678, 1390-123-4567, (+86)139..., 1 3 9 0 0 0 0 1 1 1 1
    r"(?<![0-9A-Za-z+])(?:(?:\(?(?:\+|00)\s?86\)?)[\s-]?)?1[ -]?[3-9](?:[ -]?\d){9}(?![0-9A-Za-z])"
)
_CN_LANDLINE = re.compile(  # 010-62758899, (0571)4020146, 0755 8663 1234, 0571 4054 405
    r"(?<![0-9A-Za-z])(?:(?:\+|00)\s?86[\s-]?)?(?:\(0\d{2,3}\)\s?|0\d{2,3}[\s-])[2-9](?:[\s-]?\d){6,7}"
    r"(?:\s?(?:转|ext\.?|x)\s?\d{1,5})?(?![0-9A-Za-z])",
    re.I,
)
_CN_HOTLINE = re.compile(r"(?<![0-9A-Za-z])[48]00(?:[\s-]?\d){7}(?![0-9A-Za-z])")  # 400-812-3123 (with context)
# Any phone-shaped run: an optional +country code / (area code), then 2 to 5 groups of digits.
_PHONE_SHAPE = re.compile(
    r"(?<![A-Za-z0-9_+.,/:$¥€£-])(?:\+\s?\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{1,6}(?:[ .-]\d{2,6}){1,4}"
    r"(?![A-Za-z0-9_])(?![.,/:%-]?\d)(?!\s?(?:元|块|美元|kg|cm|mm|km|g\b|%|x\s?\d))"
)
_DATE_OR_TIME = re.compile(r"^(?:(?:19|20)\d{2}[-. ]\d{1,2}[-. ]\d{1,2}|\d{1,2}[-. ]\d{1,2}[-. ](?:19|20)\d{2})")
_REGIONS = ("US", "GB", "CN", "HK", "SG", "AU", "CA", "IN", "JP", "DE", "FR", "ES")
_FULLWIDTH = str.maketrans("０１２３４５６７８９＋－（）　", "0123456789+-() ")

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
    rf"(?:{_PC}{{1,8}}?(?:路|街|大道|大街|巷|弄|胡同|里|(?<![知频通难味])道)(?:[东西南北中]?段|辅路|[东西南北中])?\s?"
    rf"(?:{_NUM}\s?(?:号|弄|巷)|{_NUM}-{_NUM}\s?号?)"
    rf"|{_PC}{{2,8}}?(?:小区|花园|公寓|大厦|广场|新村|家园|中心|苑|园|城|湾|府|庭|居|坊|村)(?={_NUM}\s?(?:号楼|栋|幢|座|单元|号|期)))"
    rf"(?:\s?[A-Za-z\u4e00-\u9fff]{{0,8}}?\s?(?:{_NUM}|[A-Z])\s?(?:号楼|号院|栋|幢|座|单元|楼|层|室|号|户|期|区|院|塔|门|排|组))*"
    rf"(?:\s?{_NUM}(?:-{_NUM})?\s?(?:室|房|户)?)?"
)
_ZH_ADDR_ADMIN = re.compile(  # province/city + district + something more, without a road number
    rf"(?:{_PROVINCES})(?:省|市|自治区)?(?:{_PC}{{1,4}}?(?:市|州))?{_PC}{{1,5}}?(?:区|县)"
    rf"{_PC}{{1,8}}?(?:镇|乡|街道|村|小区|花园|大厦)(?:{_NUM}\s?(?:号楼|栋|幢|单元|号|室|组))*"
)
_COUNTRIES = ("USA|US|United States|UK|United Kingdom|England|Scotland|Canada|Australia|France|Germany|Spain|Italy|"
              "Singapore|Japan|China|Hong Kong|Ireland|New Zealand|Netherlands|Switzerland|India|Portugal")
_STREET_TYPES = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Close|"
    r"Crescent|Parkway|Pkwy|Highway|Hwy|Square|Sq|Circle|Cir|Trail|Row|Walk|Mews|Gardens"
)
_EN_ADDR = re.compile(
    rf"(?:\b(?:Apt|Apartment|Suite|Unit|Flat|Room)\.?\s*#?\s*[\w-]+,?\s+)?"
    rf"\b\d{{1,5}}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:[A-Z][a-z]+\.?\s+){{1,3}}(?:{_STREET_TYPES})\b\.?"
    rf"(?:\s+(?:NW|NE|SW|SE|N|S|E|W)\b)?"
    rf"(?:,?\s*(?:Apt|Apartment|Suite|Unit|Flat|Room|Floor|Fl|Level|Building|Bldg|Block|Blk|Tower|#)\.?\s*#?\s*[\w-]+)*"
    rf"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?){{0,2}}"
    rf"(?:,?\s*(?:[A-Z]{{2}}\s+\d{{5}}(?:-\d{{4}})?|[A-Z]{{1,2}}\d[A-Z\d]?\s*\d[A-Z]{{2}}|\d{{4,6}}))?"
    rf"(?:,\s*(?:{_COUNTRIES}))?"
)
_EN_ADDR_LEADING_TYPE = re.compile(  # "12 Rue de Rivoli, 75004 Paris", "Via Roma 10, 00184 Roma", "Calle Mayor 5"
    r"\b(?:\d{1,5}[A-Za-z]?,?\s+)?(?:Rue|Via|Calle|Avenida|Av\.|Avenue|Boulevard|Bd|Carrer|Rua|Strada|Piazza|Place)"
    r"\s+(?:(?:de|del|della|des|du|la|le|da|do|dos|das)\s+)*[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}"
    r"(?:\s+\d{1,5}[A-Za-z]?)?"
    rf"(?:,\s*\d{{4,5}}\s+[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?)?(?:,\s*(?:{_COUNTRIES}))?"
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
    text = text.translate(_FULLWIDTH)
    for m in _ID18.finditer(text):
        if valid_resident_id("".join(m.groups())):
            yield m.start(), m.end(), "ID"


def find_cards(text: str) -> Iterator[Span]:
    text = text.translate(_FULLWIDTH)
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


def _valid_somewhere(raw: str) -> bool:
    for region in _REGIONS:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
    return False


def _shaped_phones(text: str) -> Iterator[Span]:
    """Phone-shaped digit groups anywhere in the world: kept when libphonenumber finds them valid in one of
    the common regions, or when they are introduced as a phone number (call / tel / 电话 ...) or stand alone
    on a signature line."""
    for m in _PHONE_SHAPE.finditer(text):
        raw = m.group(0)
        digits = re.sub(r"\D", "", raw)
        if not 7 <= len(digits) <= 15 or _DATE_OR_TIME.match(raw):
            continue
        if _lookalike(text, m.start()) or _inside_digit_run(text, m.start(), m.end()):
            continue
        line = text[text.rfind("\n", 0, m.start()) + 1:]
        line = line[:line.find("\n")] if "\n" in line else line
        alone = bool(re.fullmatch(r"[\s(|/,:-]*" + re.escape(raw) + r"[\s)|/,.]*", line)) or \
            bool(re.search(r"[|/(]\s*$", text[max(0, m.start() - 3):m.start()]))
        context = _preceded_by(text, m.start(), _PHONE_CONTEXT, 28)
        plus = raw.startswith("+") or raw.startswith("(+")
        groups = len(re.findall(r"\d+", raw))
        # "6000-8000", "2010-2012", "1681-1690": two groups are a range, unless introduced as a phone
        shaped = groups >= 3 or raw.startswith("(") or len(digits) >= 10
        if (plus and len(digits) >= 8) or (shaped and _valid_somewhere(raw)) or ((context or alone) and len(digits) >= 8):
            yield m.start(), m.end(), "PHONE"


def find_phones(text: str) -> Iterator[Span]:
    text = text.translate(_FULLWIDTH)  # same length: offsets stay those of the original
    for pattern in (_CN_MOBILE, _CN_LANDLINE):
        for m in pattern.finditer(text):
            if _lookalike(text, m.start()) or _inside_digit_run(text, m.start(), m.end()):
                continue
            yield m.start(), m.end(), "PHONE"
    for m in _CN_HOTLINE.finditer(text):
        if _preceded_by(text, m.start(), _PHONE_CONTEXT, 12) and not _lookalike(text, m.start()):
            yield m.start(), m.end(), "PHONE"
    yield from _shaped_phones(text)
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


def find_addresses(text: str) -> Iterator[Span]:
    for pattern in (_ZH_ADDR, _ZH_ADDR_ADMIN, _EN_ADDR, _EN_ADDR_LEADING_TYPE):
        for m in pattern.finditer(text):
            value = m.group(0).rstrip(" ,")
            if len(value.strip()) < 5:
                continue
            if pattern is _EN_ADDR_LEADING_TYPE and not re.search(r"\d", value):
                continue  # "Place de la Concorde" alone: a landmark, not somebody's address
            if pattern in (_EN_ADDR, _EN_ADDR_LEADING_TYPE) and _lookalike(text, m.start()):
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
