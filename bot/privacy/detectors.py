"""Detectors of personal data in Chinese and English support messages.

Each detector returns `(start, end, type)` spans in the original text. Numbers are validated where a
check exists (resident ID check digit, Luhn for bank cards, libphonenumber for international phones) and
numbers introduced as an order / tracking / invoice / SKU number are left alone, so look-alikes are not
touched; phones in any national format are checked with libphonenumber for the common regions, or accepted
when introduced as a phone / alone on a signature line. Addresses come from bot/privacy/addresses.py, names
from bot/privacy/names.py.
"""

from __future__ import annotations

import re
from typing import Iterator

import phonenumbers

from bot.privacy.addresses import find_addresses
from bot.privacy.context import introduced_as, introduced_as_phone, lookalike, unit_after
from bot.privacy.names import find_names

Span = tuple[int, int, str]

TYPES = ("PHONE", "EMAIL", "ID", "CARD", "NAME", "ADDRESS")

# --- context words ---------------------------------------------------------------------------------------
_PHONE_CONTEXT = re.compile(r"(电话|手机|联系|致电|打给|来电|号码|座机|微信|tel|phone|mobile|cell|call|text|whatsapp|"
                            r"contact|reach|number|ring|fax|landline)", re.I)
_CARD_CONTEXT = re.compile(r"(卡号|银行卡|信用卡|储蓄卡|借记卡|card|visa|master|unionpay|银联|账户|account)", re.I)

# --- email -----------------------------------------------------------------------------------------------
_EMAIL = re.compile(  # "＠" and "．" as typed on a Chinese keyboard count too
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*[@＠][A-Za-z0-9-]+(?:[.．][A-Za-z0-9-]+)*[.．][A-Za-z]{2,}"
)

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
_BARE_DIGITS = re.compile(r"(?<![0-9A-Za-z.,+-])\d{7,15}(?![0-9A-Za-z]|[.,]\d)")
_DATE_OR_TIME = re.compile(r"^(?:(?:19|20)\d{2}[-. ]\d{1,2}[-. ]\d{1,2}|\d{1,2}[-. ]\d{1,2}[-. ](?:19|20)\d{2})")
_REGIONS = ("US", "GB", "CN", "HK", "SG", "AU", "CA", "IN", "JP", "DE", "FR", "ES")
_FULLWIDTH = str.maketrans("０１２３４５６７８９＋－（）　", "0123456789+-() ")

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


_CODE_BEFORE = re.compile(r"(?:\d[ -]|[A-Za-z0-9][-/_#]|(?<![A-Za-z0-9])(?!\d{1,2}[AP]M )[A-Z0-9]*(?:[A-Z]\d|\d[A-Z])[A-Z0-9]* )$")


def _inside_digit_run(text: str, start: int, end: int) -> bool:
    """Part of a longer code: a run of digit groups (a 22-digit tracking number written 4 by 4), the tail of a
    hyphenated model number ("TX-415-555-0100") or of a code written in letter-digit groups ("1Z 4A7 92E 03 ...")."""
    return bool(_CODE_BEFORE.search(text[max(0, start - 12):start]) or re.match(r"[ -]\d", text[end:end + 2]))


def _lookalike(text: str, start: int, amounts: bool = True) -> bool:
    """The number at `start` is introduced as an order / tracking / invoice... number (bot/privacy/context.py)."""
    return lookalike(text, start, amounts)


# --- detectors ----------------------------------------------------------------------------------------------

def find_emails(text: str) -> Iterator[Span]:
    for m in _EMAIL.finditer(text):
        yield m.start(), m.end(), "EMAIL"


def find_ids(text: str) -> Iterator[Span]:
    text = text.translate(_FULLWIDTH)
    for m in _ID18.finditer(text):
        if valid_resident_id("".join(m.groups())):
            yield m.start(), m.end(), "ID"


def card_brand_ok(digits: str) -> bool:
    """The issuer prefix and the length go together as on a real card: Visa 4 (16, 19), Mastercard 51-55 and
    2221-2720 (16), Amex 34/37 (15), Diners 36/38/300-305 (14), JCB 3528-3589 (16-19), UnionPay 62 and
    Discover 6011/644-649/65 (16-19), Maestro 50/56-58/60/63/67 (16-19). An EAN-13 bar code, a 15-digit IMEI
    or an 18-digit ID-like number fails this even when its last digit happens to pass Luhn."""
    n, p2, p4 = len(digits), int(digits[:2]), int(digits[:4])
    if digits[0] == "4":
        return n in (16, 19)
    if 51 <= p2 <= 55 or 2221 <= p4 <= 2720:
        return n == 16
    if p2 in (34, 37):
        return n == 15
    if p2 in (36, 38) or 300 <= int(digits[:3]) <= 305:
        return n in (14, 16)
    if 3528 <= p4 <= 3589 or p2 in (62, 65) or p4 == 6011 or 644 <= int(digits[:3]) <= 649:
        return 16 <= n <= 19
    if p2 in (50, 56, 57, 58, 60, 63, 67):
        return 16 <= n <= 19
    return False


def find_cards(text: str) -> Iterator[Span]:
    text = text.translate(_FULLWIDTH)
    for m in _CARD.finditer(text):
        raw = m.group(0)
        digits = re.sub(r"\D", "", raw)
        if not 13 <= len(digits) <= 19 or not luhn_ok(digits):
            continue
        if len(digits) == 18 and valid_resident_id(digits):
            continue  # an ID number, found by find_ids
        kind = introduced_as(text, m.start())
        if kind == "look":
            continue  # an order / gift card / IMEI ... number that happens to pass Luhn
        if kind != "pii" and not (card_brand_ok(digits) and not _ID18.fullmatch(raw)):
            continue  # no card word before it: it must look like a card (and not like an 18-digit ID)
        if " " in raw.strip() or "-" in raw:  # grouped digits must be grouped like a card (4-4-4-4, 4-6-5)
            groups = [len(g) for g in re.split(r"[ -]", raw.strip())]
            if len(groups) > 1 and not all(2 <= g <= 6 for g in groups):
                continue
        yield m.start(), m.end(), "CARD"


def _valid_somewhere(raw: str) -> bool:
    """Valid in one of the common regions *as written*: without "+", the digits must be the national form
    (trunk "0" included where the region dials one) or country code + national number, so twelve digits that
    Germany would accept after a "0" nobody wrote ("7731 2849 1123") are not a phone."""
    digits = re.sub(r"\D", "", raw)
    for region in _REGIONS:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_valid_number(number):
            continue
        if raw.lstrip("( ").startswith("+"):
            return True
        national = re.sub(r"\D", "", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
        significant = phonenumbers.national_significant_number(number)
        if digits == national or (not national.startswith("0") and digits == significant):
            return True
        first_group = re.match(r"\D*(\d+)", raw)
        if first_group and first_group.group(1) in (str(number.country_code), f"00{number.country_code}") \
                and digits.endswith(significant):
            return True  # "44 20 7946 0958", "0044 20 ...": the country code written as its own group
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
        alone = ("\n" in text.strip() and bool(re.fullmatch(r"[\s(|/,:-]*" + re.escape(raw) + r"[\s)|/,.]*", line))) or \
            bool(re.search(r"[|/(]\s*$", text[max(0, m.start() - 3):m.start()]))
        context = _preceded_by(text, m.start(), _PHONE_CONTEXT, 28) and not unit_after(text, m.end())
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
    for m in _BARE_DIGITS.finditer(text):  # "WhatsApp 91234567": an ungrouped number introduced as a phone
        if introduced_as_phone(text, m.start()) and not unit_after(text, m.end()):
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
