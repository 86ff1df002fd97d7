"""Look-alikes of personal data are left alone, by general rules rather than by the wording of a sample: the
nearest keyword before a number decides what it is, a card must look like a card (issuer prefix + length +
Luhn), a phone written without "+" must be valid as written, and brands that look like names are not names.
Real personal data next to the same keywords is still found."""

from __future__ import annotations

import pytest

from bot.privacy import Redactor
from bot.privacy.detectors import card_brand_ok


def found(text: str) -> set[tuple[str, str]]:
    return {(e.type, e.value) for e in Redactor().find(text)}


@pytest.mark.parametrize("text", [
    # numbers introduced as something other than personal data, with filler words in between
    "My parcel ref is 6634 8812 0091, please check",
    "coupon code 8841 2201 3356 doesn't work",
    "reservation number 8812 4471 0093 for two nights",
    "售后单号：4300 1288 9911 已经提交",
    "跟踪号码：4471 2290 1833 5567",
    "IMEI 356938035643809 的手机能保修吗",  # 15 digits passing Luhn, but IMEI
    "gift card 6035 8841 2201 3356 balance is zero",  # a gift card, not a bank card
    "这张礼品卡 6035 8841 2201 3356 余额为零",
    "EAN 6901234567892 scans wrong",
    # numbers with no keyword that are not phones as written
    "7731 2849 1123 一直没到",  # Germany would accept it after a trunk "0" nobody wrote
    "4471 2290 1833 is the one",
    "3321 4478 9901",
    # amounts and quantities
    "I was charged 1 299 dollars twice on 11/28",
    "上个月扣了 2 399 元两次",
    "balance shows 10 250.75",
    # 18-digit ID-like numbers with a wrong check digit, whatever Luhn says
    "Member ID 320102198807150017 not found",
    "The 18 digit number 110105199013071234 on the box",
    # product names that look like people's names
    "康师傅方便面过期了",
    "我是李宁的老会员了",
    "和安踏的比，这双鞋偏小",
    "My Dr. Martens boots split after a week",
    "Mrs. Meyer's soap arrived broken",
    "a gift from Kate Spade arrived without the box",
    "This is Galaxy Buds Pro, not what I ordered",
    "Does it work with Google Pixel?",
    "Please ship with Royal Mail",
    "Hi Costco, my membership 1112 2233 4455 expired",
])
def test_look_alikes_are_not_touched(text: str) -> None:
    assert found(text) == set()
    assert Redactor().redact(text).text == text


@pytest.mark.parametrize(("text", "expected"), [
    ("订单号 123456，我的电话 138 0013 8000", ("PHONE", "138 0013 8000")),  # the nearest keyword wins
    ("My order 4455 arrived broken. Phone: 0412 345 678", ("PHONE", "0412 345 678")),
    ("WhatsApp 91234567", ("PHONE", "91234567")),
    ("Call me on 07700 900123", ("PHONE", "07700 900123")),
    ("card 4532 0151 1283 0366 please refund there", ("CARD", "4532 0151 1283 0366")),
    ("退款打到这张卡吧 6222 0212 3456 7894", ("CARD", "6222 0212 3456 7894")),
    ("收件人：李宁 电话 13800001111", ("NAME", "李宁")),  # a strong introduction beats the brand lexicon
    ("我叫周大为，手机 13912345678", ("NAME", "周大为")),
    ("My name is Tom Ford and my order is late", ("NAME", "Tom Ford")),
    ("Hi Max, thanks for the quick reply!", ("NAME", "Max")),
    ("Thanks, Emma Ford", ("NAME", "Emma Ford")),
    ("您好，王建国，您的退款已经处理", ("NAME", "王建国")),
    ("找小张就行，他电话 13611112222", ("NAME", "张")),
    ("刘强的手机号是 13711112222", ("NAME", "刘强")),
    ("Call Li Wei at 139-0211-8899 to arrange the pick-up.", ("NAME", "Li Wei")),
    ("退款打到这张卡吧 6222 0212 3456 7894 工商银行 马晓燕", ("NAME", "马晓燕")),
])
def test_personal_data_next_to_the_same_cues_is_found(text: str, expected: tuple[str, str]) -> None:
    assert expected in found(text), found(text)


def test_a_bare_name_at_the_edge_needs_contact_data_in_the_text() -> None:
    assert ("NAME", "梁文静") in found("广州市天河区体育西路191号中石化大厦B塔3708，前台代收，梁文静")
    assert found("这双鞋偏小，周一") == set()  # a weekday, and no contact data at all


@pytest.mark.parametrize(("digits", "ok"), [
    ("4111111111111111", True), ("5555555555554444", True), ("378282246310005", True),
    ("6222021234567894", True), ("2221000000000009", True),
    ("6901234567892", False),  # an EAN-13 bar code
    ("356938035643809", False),  # a 15-digit IMEI
    ("320102198807150017", False),  # an 18-digit ID-like number
])
def test_card_issuer_prefix_and_length(digits: str, ok: bool) -> None:
    assert card_brand_ok(digits) is ok
