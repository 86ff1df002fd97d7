"""Kinds of names, addresses and emails the redactor must find however they are worded, and look-alikes it
must leave alone (sentences written for this test, not taken from an evaluation set)."""

from __future__ import annotations

import pytest

from bot.privacy import Redactor

R = Redactor()


def _found(text: str, type_: str) -> list[str]:
    return [e.value for e in R.find(text) if e.type == type_]


@pytest.mark.parametrize(("text", "address"), [
    ("请寄到江苏省南京市鼓楼区中山北路200号南京大学鼓楼校区南园8舍，谢谢", "江苏省南京市鼓楼区中山北路200号南京大学鼓楼校区南园8舍"),
    ("新地址 高雄市前镇区中山二路三段77号之2号", "高雄市前镇区中山二路三段77号之2号"),
    ("放天津市和平区南京路189号津汇广场B馆2-15的前台", "天津市和平区南京路189号津汇广场B馆2-15"),
    ("地址改成深圳市南山区科技南十二路2号", "深圳市南山区科技南十二路2号"),
    ("麻烦寄往上海市徐汇区漕溪北路88号", "上海市徐汇区漕溪北路88号"),
    ("寄到成都市锦江区向阳路12号", "成都市锦江区向阳路12号"),
    ("Flat 2, 9 St John's Road, Oxford OX1 2LH", "Flat 2, 9 St John's Road, Oxford OX1 2LH"),
    ("Suite 300, Floor 4, 500 Oracle Parkway, Redwood City, CA 94065",
     "Suite 300, Floor 4, 500 Oracle Parkway, Redwood City, CA 94065"),
    ("deliver to 3 Merrion Square, Dublin 2, D02 PX41 please", "3 Merrion Square, Dublin 2, D02 PX41"),
    ("I'm at 8 Collins Street, Melbourne VIC 3000", "8 Collins Street, Melbourne VIC 3000"),
    ("send it to 120 Bloor Street, Toronto, ON M5S 1N5", "120 Bloor Street, Toronto, ON M5S 1N5"),
    ("mail to P.O. Box 881, Juneau, AK 99801", "P.O. Box 881, Juneau, AK 99801"),
    ("350 5th Avenue, New York, NY 10118", "350 5th Avenue, New York, NY 10118"),
])
def test_addresses_of_every_shape_are_found_whole(text: str, address: str) -> None:
    assert _found(text, "ADDRESS") == [address]


@pytest.mark.parametrize(("text", "name"), [
    ("收货人写成了刘晓燕，电话是我的", "刘晓燕"),
    ("采购对接人郑凯，有事找他", "郑凯"),
    ("实名：夏雨晴，证件丢了", "夏雨晴"),
    ("我女儿曹可欣的包裹到了吗", "曹可欣"),
    ("您好，孟子涵这边，发票开错了", "孟子涵"),
    ("贺明轩申请换货，尺码小了", "贺明轩"),
    ("有问题请联系一下吴建国", "吴建国"),
    ("（群里转的）丁晓雯：“东西坏了”", "丁晓雯"),
    ("hi im Nora Lindqvist and my order is late", "Nora Lindqvist"),
    ("my name's José Álvarez", "José Álvarez"),
    ("Sender: Priya Raman", "Priya Raman"),
    ("Contact person: Olga Petrova", "Olga Petrova"),
    ("The cardholder is Henrik Larsen.", "Henrik Larsen"),
    ("Client Amara Okoye wants a refund", "Amara Okoye"),
    ("Refund this one. — Mei Tanaka", "Mei Tanaka"),
    ("please ask Kenji Watanabe to call me back", "Kenji Watanabe"),
    ("the right one is Rosa Delgado, 14 Harbour Lane, Cork", "Rosa Delgado"),
    ("a gift for Aiden Walsh, he will sign", "Aiden Walsh"),
    ("From: Tom Becker <tom.becker@example.de>", "Tom Becker"),
])
def test_names_after_every_kind_of_cue_are_found(text: str, name: str) -> None:
    assert name in _found(text, "NAME")


def test_full_width_at_sign_email_is_found() -> None:
    assert _found("邮箱 chen_yu＠sina.com 收发票", "EMAIL") == ["chen_yu＠sina.com"]


@pytest.mark.parametrize("text", [
    "Tracking 1Z 9F2 33A 02 7781 4420 has not moved",
    "Part no. AB-212-555-0199 is out of stock",
    "顾客询问是否可以开专票",
    "给快递员付现金可以吗",
    "Customer from Hong Kong asks about duties",
    "Customer Service Team closed my ticket",
    "周黑鸭的鸭脖什么时候发",
    "The Grace blazer runs small",
    "I bought it from Urban Outfitters",
    "shipped from Green Valley Farms",
    "ready for Christmas Eve",
    "The customer is King, right?",
    "Love it -- Five Stars",
    "马克杯申请换货",
    "高铁站这边有自提点吗",
    "2 Wuthering Heights copies",
    "Spring 2024 collection is out",
])
def test_look_alikes_are_left_alone(text: str) -> None:
    assert R.find(text) == []


def test_the_name_lists_ship_with_the_package() -> None:
    from bot.privacy.firstnames import available, first_name_rank, is_surname

    assert available()  # installed from the registry with its data; nothing is downloaded
    assert first_name_rank("Olivia") == 3 and first_name_rank("Black") == 0
    assert is_surname("O'Brien") and not is_surname("Outfitters")
