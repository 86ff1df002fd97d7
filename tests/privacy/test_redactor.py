"""Personal-data redaction on realistic Chinese and English support messages, the log filter, and the CLI."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest

from bot.privacy import Redactor, parse_types
from bot.privacy.detectors import luhn_ok, valid_resident_id
from bot.privacy.logging import PersonalDataFilter


def types_of(text: str, redactor: Redactor | None = None) -> list[tuple[str, str]]:
    return [(e.type, e.value) for e in (redactor or Redactor()).find(text)]


def test_chinese_message_with_every_type() -> None:
    text = ("收件人：王小明，电话：+86 138-1234-5678，邮箱 zhang.wei@163.com，身份证 11010519491231002X，"
            "退款请退到 6222 0212 3456 7890 128，地址：广东省深圳市南山区科苑路15号科兴科学园B栋1201室")
    found = types_of(text)
    assert ("NAME", "王小明") in found
    assert ("PHONE", "+86 138-1234-5678") in found
    assert ("EMAIL", "zhang.wei@163.com") in found
    assert ("ID", "11010519491231002X") in found
    assert ("CARD", "6222 0212 3456 7890 128") in found
    assert ("ADDRESS", "广东省深圳市南山区科苑路15号科兴科学园B栋1201室") in found
    red = Redactor().redact(text)
    for value in ("王小明", "1234-5678", "zhang.wei", "11010519491231002X", "7890 128", "科苑路15号"):
        assert value not in red.text
    assert "[PHONE_1]" in red.text and "[ADDRESS_1]" in red.text


def test_english_message_names_phones_address() -> None:
    text = ("Hi, my name is Emily Carter. Call me at (415) 555-2671 or +44 20 7946 0958. "
            "Ship to 1600 Pennsylvania Avenue NW, Washington, DC 20500. Thanks, Emily")
    found = types_of(text)
    assert ("NAME", "Emily Carter") in found and ("NAME", "Emily") in found
    assert ("PHONE", "(415) 555-2671") in found and ("PHONE", "+44 20 7946 0958") in found
    assert any(t == "ADDRESS" and v.startswith("1600 Pennsylvania Avenue NW") and "20500" in v for t, v in found)


def test_chinese_titles_and_landlines() -> None:
    found = types_of("张先生说他的座机是0755-8888 6666，也可以打(021)62345678转123")
    assert ("NAME", "张") in found
    assert ("PHONE", "0755-8888 6666") in found and ("PHONE", "(021)62345678转123") in found


@pytest.mark.parametrize("text", [
    "订单号13812345678一直没发货，运单SF1402356789012",
    "订单 202405120013845 实付¥1,299.00，2024年5月12日下单",
    "我的会员编号110105199003071235查不到积分",  # an ID with a wrong check digit
    "礼品卡号6225881234567890提示无效",  # fails Luhn
    "Order #4481920371 for $1,299.99 on 03/15/2024, tracking 1Z999AA10123456784",
    "Parcel 9400 1000 0000 8906 7566 23 shows delivered at 14:32",
    "SKU-88231-BLK runs small; confirmation 13459086598; invoice INV-20240512",
])
def test_look_alikes_are_left_alone(text: str) -> None:
    assert types_of(text) == []
    assert Redactor().redact(text).text == text


def test_validators() -> None:
    assert valid_resident_id("11010519491231002X")
    assert not valid_resident_id("110105194912310021")
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")


def test_offsets_are_in_the_original_and_restore_maps_back() -> None:
    text = "我的手机 138 1234 5678，备用 13912345678，再说一遍 138 1234 5678"
    red = Redactor().redact(text)
    assert [text[e.start:e.end] for e in red.entities] == ["138 1234 5678", "13912345678", "138 1234 5678"]
    assert red.text == "我的手机 [PHONE_1]，备用 [PHONE_2]，再说一遍 [PHONE_1]"
    assert red.restore("已记录 [PHONE_2]，不是 [PHONE_9]") == "已记录 13912345678，不是 [PHONE_9]"


def test_configured_types_only() -> None:
    only = Redactor("email")
    assert types_of("电话13812345678 邮箱 a.b@qq.com", only) == [("EMAIL", "a.b@qq.com")]
    assert parse_types("all") == parse_types(None) == parse_types("")
    with pytest.raises(ValueError):
        parse_types("phone,passport")


def test_settings_reject_an_unknown_type(tmp_path: Path) -> None:
    from bot.config import load_settings
    from bot.errors import ConfigError

    with pytest.raises(ConfigError, match="passport"):
        load_settings(data_dir=tmp_path, env_file=None, redact_types="phone,passport")
    assert load_settings(data_dir=tmp_path, env_file=None, redact_types="phone").redact_types == "phone"


def test_log_filter_redacts_records_through_configure_logging() -> None:
    from bot.logs import configure_logging

    configure_logging("INFO")
    root = logging.getLogger()
    handler = root.handlers[0]
    assert any(isinstance(f, PersonalDataFilter) for f in handler.filters)
    stream = io.StringIO()
    handler.setStream(stream)  # type: ignore[attr-defined]
    logging.getLogger("bot.test").warning("question from %s: 我叫李娜 call %s", "lina@example.com", "+1 415-555-0132")
    line = stream.getvalue()
    assert "lina@example.com" not in line and "李娜" not in line and "555-0132" not in line
    assert "[EMAIL_1]" in line and "[NAME_1]" in line and "[PHONE_1]" in line


def test_cli_redact_one_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    code = main(["--data-dir", str(tmp_path), "--env-file", "/nonexistent", "redact", "我叫王小明，电话13812345678",
                 "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["text"] == "我叫[NAME_1]，电话[PHONE_1]"
    assert out["entities"] == [{"start": 2, "end": 5, "type": "NAME"}, {"start": 8, "end": 19, "type": "PHONE"}]


def test_cli_redact_batch_from_stdin(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import main

    lines = [{"id": "a", "text": "email me at jo@example.com"}, {"id": 7, "text": "订单号202405120013没发货"}]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n"))
    code = main(["--data-dir", str(tmp_path), "--env-file", "/nonexistent", "redact", "--json"])
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert out[0] == {"id": "a", "text": "email me at [EMAIL_1]", "entities": [{"start": 12, "end": 26, "type": "EMAIL"}]}
    assert out[1] == {"id": 7, "text": "订单号202405120013没发货", "entities": []}
