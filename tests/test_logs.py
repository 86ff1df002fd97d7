"""bot/logs.py: long lines capped (ours and the libraries'), JSON lines, masking, correlation ids."""

from __future__ import annotations

import json
import logging
from typing import Iterator

import pytest

from bot.logs import MAX_MESSAGE_CHARS, configure_logging, new_correlation_id, request_correlation_id

SECRET = "xoxb-0000-live-secret-token"
MEGABYTE = 1_000_000


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging replaces the root handlers and levels: put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    names = ("httpx", "chromadb", "urllib3", "jieba", "bm25s", "Lark", "slack_bolt", "slack_sdk")
    levels = {n: logging.getLogger(n).level for n in names}
    yield
    for h in list(root.handlers):
        root.removeHandler(h)
    for h in handlers:
        root.addHandler(h)
    root.setLevel(level)
    for n, lv in levels.items():
        logging.getLogger(n).setLevel(lv)
    new_correlation_id("")


def _lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_megabyte_in_a_library_log_is_capped(
    capsys: pytest.CaptureFixture[str], restore_logging: None, fmt: str
) -> None:
    configure_logging("DEBUG", [SECRET], fmt)
    huge = "v0=" + "a" * MEGABYTE
    # what Bolt's RequestVerification writes for a bad signature (its class logger has its own level)
    bolt = logging.getLogger("slack_bolt.RequestVerification")
    bolt.setLevel(logging.INFO)
    bolt.info("Invalid request signature detected (signature: %s, timestamp: %s, body: %s)", huge, "1", SECRET)
    logging.getLogger("Lark").error("handle event failed, err: " + SECRET + "b" * MEGABYTE)
    logging.getLogger("bot.test").warning("short line stays whole")
    lines = _lines(capsys.readouterr().err)
    assert len(lines) == 3
    assert all(len(line) < MAX_MESSAGE_CHARS + 300 for line in lines), [len(x) for x in lines]
    messages = [json.loads(x)["message"] for x in lines] if fmt == "json" else lines
    assert "truncated, 1000" in messages[0] and "truncated, 1000" in messages[1]
    assert messages[2].endswith("short line stays whole")
    assert SECRET not in "".join(lines) and "***" in messages[1]
    bolt.setLevel(logging.NOTSET)


def test_json_lines_carry_the_fields_and_mask_secrets(
    capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    configure_logging("INFO", [SECRET], "json")
    new_correlation_id("cid-json-1")
    log = logging.getLogger("bot.example")
    log.info("answered %s in %d ms", "who pays 退货运费?", 12)
    try:
        raise RuntimeError(f"boom with {SECRET}")
    except RuntimeError:
        log.exception("failed")
    lines = [json.loads(line) for line in _lines(capsys.readouterr().err)]
    assert [x["level"] for x in lines] == ["INFO", "ERROR"]
    first, second = lines
    assert set(first) == {"time", "level", "logger", "message", "correlation_id"}
    assert first["logger"] == "bot.example" and first["correlation_id"] == "cid-json-1"
    assert first["message"] == "answered who pays 退货运费? in 12 ms"
    assert first["time"].endswith("Z") and first["time"][10] == "T"
    assert "RuntimeError" in second["exception"] and SECRET not in second["exception"]


def test_text_lines_keep_the_old_shape(capsys: pytest.CaptureFixture[str], restore_logging: None) -> None:
    configure_logging("INFO", [], "text")
    new_correlation_id("cid-text-1")
    logging.getLogger("bot.example").info("hello")
    (line,) = _lines(capsys.readouterr().err)
    assert line.endswith("INFO [cid-text-1] bot.example: hello")


def test_unknown_format_is_refused(restore_logging: None) -> None:
    with pytest.raises(ValueError):
        configure_logging("INFO", [], "xml")


@pytest.mark.parametrize(
    ("given", "kept"),
    [("abc-123", True), ("req.1:2_3", True), ("", False), ("a b", False), ("x" * 65, False), ("<script>", False),
     ("日本", False)],
)
def test_request_ids_from_callers_are_kept_only_when_safe(given: str, kept: bool) -> None:
    cid = request_correlation_id(given)
    assert (cid == given) is kept
    assert cid and len(cid) <= 64
