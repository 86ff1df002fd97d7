"""The context rules for names, phones and addresses on realistic support messages: signature blocks, sign-offs,
recipients, relations, phones in any national format, addresses in many shapes, and look-alikes left alone."""

from __future__ import annotations

import pytest

from bot.privacy import Redactor


def found(text: str) -> set[tuple[str, str]]:
    return {(e.type, e.value) for e in Redactor().find(text)}


def test_english_signature_block_with_international_phone() -> None:
    text = ("Hi, the replacement kettle also leaks.\n\nKind regards,\nPeter Novak\nAccount Manager\n"
            "+420 601 123 456 | peter.novak@example.cz")
    got = found(text)
    assert ("NAME", "Peter Novak") in got
    assert ("PHONE", "+420 601 123 456") in got and ("EMAIL", "peter.novak@example.cz") in got
    assert not any(v in ("Account Manager", "Account", "Manager") for _, v in got)


@pytest.mark.parametrize(("text", "name"), [
    ("Still no refund for order 55120.\nThanks for your help!\nGrace Okafor", "Grace Okafor"),
    ("That fixed it, cheers, Marco", "Marco"),
    ("Please cancel it.\n\nBest,\nIngrid", "Ingrid"),
    ("Thanks again - Yusuf Demir (0161 496 0732)", "Yusuf Demir"),
    ("my wife Helen Park ordered it with my card", "Helen Park"),
    ("Your agent Dmitri said the refund was approved.", "Dmitri"),
    ("Hi all, Tomasz Nowak here, following up on case 8812.", "Tomasz Nowak"),
    ("Hello Priyanka, thanks for the quick reply!", "Priyanka"),
    ("I spoke to Carmen on the phone and she promised a call back.", "Carmen"),
    ("Hi, this is Mrs. Okoye, about the dryer.", "Okoye"),
])
def test_english_names_from_context(text: str, name: str) -> None:
    got = found(text)
    assert ("NAME", name) in got, got
    assert not any(t == "NAME" and v in ("Mrs", "Hi", "Thanks", "Best") for t, v in got)


@pytest.mark.parametrize(("text", "name"), [
    ("地址是杭州市滨江区江南大道3850号创新大厦，郑晓燕收", "郑晓燕"),
    ("收货人名字填错了，应该是邵雨婷，电话没错", "邵雨婷"),
    ("我老婆蒋丽帮我下的单，用的她的账号", "蒋丽"),
    ("谢谢你们的帮助！\n祝好\n龚建华", "龚建华"),
    ("—— 卢志强 13912345670", "卢志强"),
    ("报修人：欧阳明，空调不制冷", "欧阳明"),
    ("周末有个姓潘的师傅来修过一次", "潘"),
    ("hi 我是Kevin Zhou，订单还没到", "Kevin Zhou"),
])
def test_chinese_names_from_context(text: str, name: str) -> None:
    got = found(text)
    assert ("NAME", name) in got, got


@pytest.mark.parametrize(("text", "phone"), [
    ("我的手机号是１８６１２３４５６７８", "１８６１２３４５６７８"),
    ("打这个 1 5 9 1 2 3 4 5 6 7 8 就行", "1 5 9 1 2 3 4 5 6 7 8"),
    ("座机 0571 8765 432，白天有人", "0571 8765 432"),
    ("Call me on 07700 900456 after six", "07700 900456"),
    ("my Japanese number is +81 90-1234-5678", "+81 90-1234-5678"),
    ("WhatsApp: +65 8123 4567", "+65 8123 4567"),
    ("Phone: (212) 555-0143", "(212) 555-0143"),
])
def test_phones_in_any_format(text: str, phone: str) -> None:
    assert ("PHONE", phone) in found(text)


@pytest.mark.parametrize(("text", "address"), [
    ("寄到深圳市南山区深南大道9988号华润置地大厦C座18楼", "深圳市南山区深南大道9988号华润置地大厦C座18楼"),
    ("地址：香港中环德辅道中88号", "香港中环德辅道中88号"),
    ("北京市海淀区中关村大街27号院2号楼301", "北京市海淀区中关村大街27号院2号楼301"),
    ("Send it to 500 Fifth Avenue, Floor 12, New York, NY 10110", "500 Fifth Avenue, Floor 12, New York, NY 10110"),
    ("Deliver to 5 Rue du Bac, 75007 Paris, France", "5 Rue du Bac, 75007 Paris, France"),
])
def test_addresses_in_many_shapes(text: str, address: str) -> None:
    assert ("ADDRESS", address) in found(text)


@pytest.mark.parametrize("text", [
    "维修报价6000-8000元，2010-2012年的车都有这个问题",
    "See sections 1681-1690 of the manual, firmware 20231105.",
    "下单时间 2023-11-20 14:35:22，订单 202311201435",
    "谢谢\n祝好",
    "麻烦帮我查一下物流，马上要用",
    "明天收到货了吗？不知道3号能不能到",
    "Mark this as urgent please.\nThanks",
    "Will the Jordan Blue colour be restocked? Order 77812.",
    "If These charges are not removed I will escalate. On Tuesday I called again.",
    "我砍价砍到199元，运费12元",
])
def test_look_alikes_are_not_personal_data(text: str) -> None:
    assert found(text) == set()
